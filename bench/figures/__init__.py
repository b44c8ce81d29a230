"""One module per figure. Each has `FIGURE` (its name on the command line), `TITLE`,
`DEFAULT_REPEAT` and `measure(context) -> Result`; run as `python -m bench.figures.<module> ROLE
ARGS_JSON`, the same module is the child process that does the measuring."""

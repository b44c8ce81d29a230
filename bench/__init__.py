"""Benchmarks that print each figure beside a baseline measured in the same run.

Run `python -m bench --help`. Every measurement runs in a fresh subprocess (Qt on the offscreen
platform, settings and logs in a throw-away folder) against a synthetic demo database that the
bench builds once with `aftercare-desktop demo-data` and keeps in `.bench-cache/`.
"""

"""What every figure shares: the result record, statistics, and running work in a fresh process.

A figure's measuring code runs in a child process started with `python -m bench.figures.<name>
<role> <args.json>`; the child prints one line `BENCH-RESULT {json}` that the parent reads. Nothing
else of the child's output is shown unless it fails, and then only the end of its stderr. Children
report timings and counts, never record contents; an unexpected error is reported by its type and
stack alone, because an exception's message may quote a record.
"""

from __future__ import annotations

import json
import math
import os
import resource
import subprocess
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

RESULT_MARKER = "BENCH-RESULT "
REPO_ROOT = Path(__file__).resolve().parent.parent
# The Today baseline reads 20,000 alumni one by one: about 9 minutes on a busy two-core machine.
WORKER_TIMEOUT_S = 1800


class BenchError(RuntimeError):
    """The bench could not measure (a child failed, the demo data could not be made)."""


@dataclass(frozen=True)
class Context:
    """What a figure's `measure` gets from the runner."""

    database: Path  # the cached demo database; read only
    work: Path  # a folder for copies, removed after the run
    env: dict[str, str]  # environment of every child process
    repeat: int | None  # fresh processes per side; None: the figure's default
    seed: int
    log: Callable[[str], None]

    def repeats(self, default: int) -> int:
        return self.repeat if self.repeat is not None else default


@dataclass(frozen=True)
class Goal:
    """`ratio ≤ max_ratio` and/or `value < below`; `text` is how the goal reads in the table."""

    max_ratio: float | None = None
    below: float | None = None

    def met(self, value: float, ratio: float | None) -> bool:
        if self.max_ratio is not None and (ratio is None or ratio > self.max_ratio):
            return False
        return self.below is None or value < self.below

    def text(self, unit: str) -> str:
        parts = []
        if self.max_ratio is not None:
            parts.append(f"≤ {self.max_ratio:.1f}×")
        if self.below is not None:
            parts.append(f"< {self.below:g} {unit}")
        return " and ".join(parts)


@dataclass
class Result:
    figure: str
    name: str
    value: float
    unit: str
    baseline_name: str
    baseline_value: float
    goal: str
    passed: bool
    ratio: float | None
    # Supporting numbers (other percentiles, sample counts) for the notes column and the JSON.
    details: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def make(cls, figure: str, name: str, value: float, unit: str, baseline_name: str, baseline_value: float,
             goal: Goal, **details: Any) -> Result:
        ratio = value / baseline_value if baseline_value > 0 else None
        return cls(figure, name, value, unit, baseline_name, baseline_value, goal.text(unit),
                   goal.met(value, ratio), ratio, details)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


# -- statistics ----------------------------------------------------------------------------------
def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0–100), interpolated between the closest ranks (numpy's default)."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def median(values: Sequence[float]) -> float:
    return percentile(values, 50)


def ms(seconds: float) -> float:
    return seconds * 1000.0


# -- memory --------------------------------------------------------------------------------------
def peak_rss_mib() -> float:
    """This process' peak resident set size: VmHWM where /proc has it, else getrusage."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


# -- child processes -----------------------------------------------------------------------------
def child_env(sandbox: Path) -> dict[str, str]:
    """Environment of every child: offscreen Qt, and settings, data and logs kept out of the user's own."""
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        folder = sandbox / name.lower()
        folder.mkdir(parents=True, exist_ok=True)
        env[name] = str(folder)
    # The children import `bench` and `aftercare_desktop` from this checkout.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    # With their bytecode cached, as an installed app has it (pip compiles it at install): a machine
    # that sets PYTHONDONTWRITEBYTECODE would otherwise have every start compile the app's modules.
    # The cache lives beside the demo databases, not in the checkout.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(REPO_ROOT / ".bench-cache" / "bytecode")
    return env


def run_child(command: Sequence[str], env: dict[str, str], what: str) -> subprocess.CompletedProcess[str]:
    completed = subprocess.run(
        list(command), env=env, cwd=REPO_ROOT, capture_output=True, text=True, timeout=WORKER_TIMEOUT_S,
    )
    if completed.returncode != 0:
        tail = "\n".join(completed.stderr.strip().splitlines()[-15:])
        raise BenchError(f"{what} exited with {completed.returncode}:\n{tail}")
    return completed


def run_worker(module: str, role: str, env: dict[str, str], **arguments: Any) -> dict[str, Any]:
    """Run `role` of a figure module in a fresh interpreter and return what it reported."""
    command = [sys.executable, "-m", module, role, json.dumps(arguments)]
    completed = run_child(command, env, f"{module} {role}")
    for line in reversed(completed.stdout.splitlines()):
        if line.startswith(RESULT_MARKER):
            return json.loads(line[len(RESULT_MARKER):])
    raise BenchError(f"{module} {role} reported no result")


def timed_run(command: Sequence[str], env: dict[str, str], what: str) -> float:
    """Wall-clock seconds from starting `command` until it has exited (successfully)."""
    start = time.perf_counter()
    run_child(command, env, what)
    return time.perf_counter() - start


def worker_main(roles: dict[str, Callable[..., dict[str, Any]]]) -> None:
    """Entry point of a figure module run as a child: `python -m bench.figures.x ROLE ARGS_JSON`."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    role, arguments = sys.argv[1], json.loads(sys.argv[2]) if len(sys.argv) > 2 else {}
    try:
        outcome = roles[role](**arguments)
    except BenchError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        sys.exit(1)
    except Exception as exc:  # noqa: BLE001 - reported without its message, which may quote a record
        frames = "".join(f"  {f.filename}:{f.lineno} in {f.name}\n" for f in traceback.extract_tb(exc.__traceback__))
        print(f"Traceback (most recent call last):\n{frames}{type(exc).__module__}.{type(exc).__qualname__}",
              file=sys.stderr)
        sys.exit(1)
    print(RESULT_MARKER + json.dumps(outcome), flush=True)

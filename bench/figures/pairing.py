"""The pairing engine: five figures, each beside a baseline measured in the same run.

- **pool, end to end**: `PairingService.suggest()` on an SQLite database of 300 mentors and 500
  alumni waiting (load, score, solve, explain); baseline: the same load, every pair scored in a
  plain Python loop and a greedy matcher (best pair first) — `bench/pairing_baseline.py`.
- **a realistic week, end to end**: the same for 80 mentors and 300 waiting (goal < 100 ms).
- **5,000 × 1,000, scoring and solving**: `matching.solve` on plain data (5,000 waiting, 1,000
  mentors of capacity 1–3), explanations included; baseline: a greedy matcher on the engine's own
  score matrix (numpy), which pairs fewer or scores lower.
- **solver step vs `linear_sum_assignment` alone**: building the capacity-expanded matrix, solving
  and reading the answer, against scipy alone on the same matrix called the same way (goal ≤ 1.5×);
  the two in turns, with the spread of the turns' ratios and the ratio of CPU times beside it.
- **scoring vs a plain Python loop**: every pair of 1,000 waiting × 300 mentors, hard constraints
  and weighted criteria (goal ≥ 20× faster).

Medians of several runs in one fresh process per side. Needs no demo database.
"""

from __future__ import annotations

import time

from ..core import BenchError, Context, Goal, Result, median, ms, run_worker, worker_main

FIGURE = "pairing"
TITLE = "Pairing suggestions"
DEFAULT_REPEAT = 1
NEEDS_DATABASE = False
POOL = (500, 300)  # waiting, mentors
WEEK = (300, 80)
LARGE = (5_000, 1_000)
SCORING = (1_000, 300)
RUNS = 7
SOLVER_RUNS = 9  # turns of the solver step and scipy alone (about 0.3 s a turn)


class _Faster(Goal):
    def __init__(self, times: float):
        super().__init__(max_ratio=1 / times)
        self.times = times

    def text(self, unit: str) -> str:
        return f"≥ {self.times:g}× faster"


def measure(context: Context) -> list[Result]:
    context.work.mkdir(parents=True, exist_ok=True)
    databases = {}
    for name, (waiting, mentors) in (("pool", POOL), ("week", WEEK)):
        path = context.work / f"pairing-{name}.sqlite"
        run_worker(__name__, "build", context.env, path=str(path), seed=context.seed, mentees=waiting,
                   mentors=mentors)
        databases[name] = str(path)
    app = run_worker(__name__, "app", context.env, seed=context.seed, databases=databases)
    baseline = run_worker(__name__, "baseline", context.env, seed=context.seed, databases=databases)
    results = []
    for name, (waiting, mentors), goal in (("pool", POOL, Goal(below=250)), ("week", WEEK, Goal(below=100))):
        a, b = app[name], baseline[name]
        if a["paired"] < b["paired"]:
            raise BenchError(f"the engine paired fewer than the greedy baseline ({a['paired']} < {b['paired']})")
        results.append(Result.make(
            FIGURE, f"Suggestions end to end, {waiting} waiting × {mentors} mentors", median(a["ms"]), "ms",
            "same load + Python loop + greedy", median(b["ms"]), goal, runs=len(a["ms"]), paired=a["paired"],
            total=a["total"], baseline_paired=b["paired"], baseline_total=b["total"], first_ms=a["first_ms"]))
    large = app["large"]
    results.append(Result.make(
        FIGURE, f"{LARGE[0]:,} waiting × {LARGE[1]:,} mentors, scoring and solving", median(large["ms"]), "ms",
        "greedy on the same scores (numpy)", median(baseline["large"]["ms"]), Goal(below=2000),
        runs=len(large["ms"]), paired=large["paired"], total=large["total"],
        baseline_paired=baseline["large"]["paired"], baseline_total=baseline["large"]["total"],
        scoring_ms=median(large["scoring_ms"]), explaining_ms=median(large["explaining_ms"])))
    solver = app["solver"]
    turns = solver["turn_ratios"]
    results.append(Result.make(
        FIGURE, "Solver step (expand, solve, read) on 5,000 × 1,000", median(solver["ms"]), "ms",
        "linear_sum_assignment alone, same matrix", median(solver["lsa_ms"]), Goal(max_ratio=1.5),
        runs=len(solver["ms"]), shape=solver["shape"], ms_range=[min(solver["ms"]), max(solver["ms"])],
        lsa_ms_range=[min(solver["lsa_ms"]), max(solver["lsa_ms"])], turn_ratio_range=[min(turns), max(turns)],
        cpu_ms=median(solver["cpu_ms"]), lsa_cpu_ms=median(solver["lsa_cpu_ms"]),
        cpu_ratio=median(solver["cpu_ms"]) / median(solver["lsa_cpu_ms"])))
    results.append(Result.make(
        FIGURE, f"Scoring every pair, {SCORING[0]:,} × {SCORING[1]}", median(app["scoring"]["ms"]), "ms",
        "plain Python loop over all pairs", median(baseline["scoring"]["ms"]), _Faster(20),
        runs=len(app["scoring"]["ms"]), pairs=SCORING[0] * SCORING[1]))
    return results


def _timed(function, runs: int = RUNS) -> tuple[list[float], object]:
    timings, value = [], None
    for _ in range(runs):
        start = time.perf_counter()
        value = function()
        timings.append(ms(time.perf_counter() - start))
    return timings, value


def _in_turns(step, alone, runs: int) -> dict:
    """`step` and `alone` one after the other, `runs` times after one warm-up of each: wall-clock and
    CPU milliseconds of both, and the ratio of each turn (the two calls of a turn share the load)."""
    step(), alone()
    report: dict[str, list[float]] = {"ms": [], "lsa_ms": [], "cpu_ms": [], "lsa_cpu_ms": []}
    for _ in range(runs):
        for function, wall, cpu in ((step, "ms", "cpu_ms"), (alone, "lsa_ms", "lsa_cpu_ms")):
            start, start_cpu = time.perf_counter(), time.process_time()
            function()
            report[wall].append(ms(time.perf_counter() - start))
            report[cpu].append(ms(time.process_time() - start_cpu))
    report["turn_ratios"] = [a / b for a, b in zip(report["ms"], report["lsa_ms"]) if b > 0]
    return report


# -- child roles ---------------------------------------------------------------------------------
def build_role(path: str, seed: int, mentees: int, mentors: int) -> dict:
    from ..pairing_data import write_database

    write_database(path, seed, mentees, mentors)
    return {}


def app_role(seed: int, databases: dict[str, str]) -> dict:
    from aftercare_desktop.db import Database, resolve_url
    from aftercare_desktop.services import matching
    from aftercare_desktop.services.pairings import PairingService

    from ..pairing_data import AS_OF, synthetic_problem

    report = {}
    for name, path in databases.items():
        db = Database.open(resolve_url(path))
        service = PairingService(db, today=lambda: AS_OF)
        start = time.perf_counter()
        service.suggest()
        first = ms(time.perf_counter() - start)
        timings, run = _timed(service.suggest)
        db.dispose()
        report[name] = {"ms": timings, "first_ms": first, "paired": len(run.result.suggestions),
                        "total": run.result.total_score}

    problem = synthetic_problem(seed, *LARGE)
    timings, result = _timed(lambda: matching.solve(problem), runs=3)
    prep = matching._prepare(problem)
    scoring, scores = _timed(lambda: matching._score_matrix(prep), runs=3)
    steps = matching._steps(prep)
    allowed = matching._allowed(prep, steps)
    assignment = matching._assign(prep, scores, allowed, {})
    explaining, _ = _timed(lambda: matching._explain(prep, scores, steps, allowed, assignment, set(), []), runs=3)
    report["large"] = {"ms": timings, "paired": len(result.suggestions), "total": result.total_score,
                       "scoring_ms": scoring, "explaining_ms": explaining}

    from scipy.optimize import linear_sum_assignment

    # scipy alone is called on the very matrix the step builds, the way `_assign` calls it (costs to
    # minimise); the two are taken in turns after a warm-up, so that both see the same load.
    costs = matching.expanded_matrix(prep, scores, allowed, {})[0]
    report["solver"] = _in_turns(lambda: matching._assign(prep, scores, allowed, {}),
                                 lambda: linear_sum_assignment(costs), runs=SOLVER_RUNS)
    report["solver"]["shape"] = list(costs.shape)

    small = matching._prepare(synthetic_problem(seed, *SCORING))
    scoring, _ = _timed(lambda: (matching._score_matrix(small), matching._allowed(small, matching._steps(small))))
    report["scoring"] = {"ms": scoring}
    return report


def baseline_role(seed: int, databases: dict[str, str]) -> dict:
    import numpy as np

    from aftercare_desktop.db import Database, resolve_url
    from aftercare_desktop.services import matching
    from aftercare_desktop.services.pairings import load_problem
    from aftercare_desktop.services.team_settings import stored_values

    from .. import pairing_baseline as plain
    from ..pairing_data import AS_OF, synthetic_problem

    report = {}
    for name, path in databases.items():
        db = Database.open(resolve_url(path))

        def suggest():
            with db.session() as session:
                problem, _, _ = load_problem(session, stored_values(session), AS_OF)
            scores = plain.python_scores(problem)
            chosen = plain.greedy(problem, scores)
            return len(chosen), plain.total(problem, chosen, scores)

        timings, (paired, total) = _timed(suggest, runs=3)
        db.dispose()
        report[name] = {"ms": timings, "paired": paired, "total": total}

    problem = synthetic_problem(seed, *LARGE)

    def greedy():
        prep = matching._prepare(problem)
        scores = matching._score_matrix(prep)
        allowed = matching._allowed(prep, matching._steps(prep))
        rows, cols = np.nonzero(allowed)
        order = np.argsort(-scores[rows, cols], kind="stable")
        room = (prep.capacity - prep.load).tolist()
        balance = prep.weights[matching.Criterion.LOAD_BALANCE]
        taken, total = set(), 0.0
        for row, col in zip(rows[order].tolist(), cols[order].tolist()):
            if row not in taken and room[col] > 0:
                # Scored like the engine: the pair, and the mentor's room before this mentee.
                total += scores[row, col] + balance * room[col] / prep.capacity[col]
                taken.add(row)
                room[col] -= 1
        return len(taken), total

    timings, (paired, total) = _timed(greedy, runs=3)
    report["large"] = {"ms": timings, "paired": paired, "total": total}
    small = synthetic_problem(seed, *SCORING)
    timings, _ = _timed(lambda: plain.python_scores(small), runs=3)
    report["scoring"] = {"ms": timings}
    return report


if __name__ == "__main__":
    worker_main({"build": build_role, "app": app_role, "baseline": baseline_role})

"""Search keystroke → rows shown, measured as keystroke → first page applied: p50 and p95 over 50 queries.

Each query is typed as its last keystroke into DirectoryView.search: the text is set to the query
minus its last character, the directory is left to finish loading, and then the clock runs from
the final key press until the model has applied the new first page (first_page_ready). That is the
figure. The time until the table has also painted those rows is reported beside it ("painted").

The queries are made from the database itself, through the services, from a fixed seed: fragments
of last names (folded and as written), first names, 3–6 phone digits ("555 01"), client-id
prefixes ("AC-0042") and email fragments. They are never printed.

Baseline: a plain `SELECT … WHERE search_text LIKE ?` through sqlite3 for the same queries (folded,
first 100 rows), which is what a table scan costs without ordering or the directory's rules.
"""

from __future__ import annotations

import random
import time

from ..core import Context, Goal, Result, ms, percentile, run_worker, worker_main

FIGURE = "search"
TITLE = "Search keystroke → first page applied (p95)"
DEFAULT_REPEAT = 1
GOAL = Goal(below=50)
QUERIES = 50
FIRST_PAGE_ROWS = 100
WINDOW_SIZE = (1200, 760)

BASELINE_SQL = (
    "SELECT last_name, first_name, preferred_name, client_id, coalesce(phone_mobile, phone_home), status, "
    "program, caseworker_id, discharge_date FROM alumni WHERE search_text LIKE ?"
)


def measure(context: Context) -> Result:
    runs = context.repeats(DEFAULT_REPEAT)
    arguments = {"database": str(context.database), "seed": context.seed}
    ready_ms, painted_ms, baseline_ms, forced_paints = [], [], [], 0
    for _ in range(runs):
        app = run_worker(__name__, "app", context.env, **arguments)
        ready_ms += app["first_page_ready_ms"]
        painted_ms += app["painted_ms"]
        forced_paints += app["forced_paints"]
        baseline_ms += run_worker(__name__, "baseline", context.env, **arguments)["ms"]
    return Result.make(
        FIGURE, TITLE, percentile(ready_ms, 95), "ms", "sqlite3 LIKE scan (p95)", percentile(baseline_ms, 95), GOAL,
        queries=len(ready_ms), runs=runs,
        p50_ms=percentile(ready_ms, 50), max_ms=max(ready_ms), baseline_p50_ms=percentile(baseline_ms, 50),
        painted_p50_ms=percentile(painted_ms, 50), painted_p95_ms=percentile(painted_ms, 95),
        forced_paints=forced_paints,
    )


# -- the queries -------------------------------------------------------------------------------
def realistic_queries(database, seed: int, count: int = QUERIES) -> list[str]:
    """`count` search texts a caseworker might type, made deterministically from the records."""
    from aftercare_desktop.services import text
    from aftercare_desktop.services.directory import DirectoryQuery, DirectoryService

    service = DirectoryService(database)
    rng = random.Random(f"bench-search-{seed}")
    ids = service.matching_ids(DirectoryQuery())
    people = service.rows(rng.sample(ids, min(len(ids), 40 * count)))

    def fragment(word: str, shortest: int, longest: int) -> str:
        size = rng.randint(shortest, min(longest, len(word)))
        start = rng.randint(0, len(word) - size)
        return word[start:start + size].strip()

    def last_name_folded(person) -> str:
        return fragment(text.fold(person.last_name), 3, 6)

    def last_name_as_written(person) -> str:
        # The start of the name with its capital and accents, as people type it.
        return person.last_name[: rng.randint(3, 6)].strip()

    def first_name(person) -> str:
        return person.preferred_name or person.first_name

    def phone_digits(person) -> str:
        digits = fragment(text.digits(person.phone), 3, 6)
        return f"{digits[:3]} {digits[3:]}" if len(digits) > 3 and rng.random() < 0.5 else digits

    def client_id(person) -> str:
        prefix = person.client_id[: rng.randint(5, 7)]
        return prefix.lower() if rng.random() < 0.25 else prefix

    def email(person) -> str:
        return fragment(person.email, 4, 8)

    makers = [
        (last_name_folded, 9, lambda p: len(text.fold(p.last_name)) >= 3),
        # Prefer names that carry accents, so folding is exercised.
        (last_name_as_written, 8, lambda p: len(p.last_name) >= 3 and not p.last_name.isascii()),
        (first_name, 8, lambda p: len(first_name(p)) >= 3),
        (phone_digits, 8, lambda p: len(text.digits(p.phone)) >= 3),
        (client_id, 8, lambda p: len(p.client_id) >= 5),
        (email, 9, lambda p: bool(p.email) and len(p.email) >= 4),
    ]
    queries: list[str] = []
    for make, wanted, usable in makers:
        candidates = [person for person in people if usable(person)]
        made = 0
        for person in candidates:
            query = make(person)
            if len(query) >= 3 and query not in queries:
                queries.append(query)
                made += 1
            if made == wanted:
                break
    rng.shuffle(queries)
    return queries[:count]


# -- child roles ---------------------------------------------------------------------------------
def app_role(database: str, seed: int) -> dict:
    from aftercare_desktop.db import Database, resolve_url
    from aftercare_desktop.services.directory import DirectoryService
    from aftercare_desktop.views.directory_model import DirectoryModel
    from aftercare_desktop.views.directory_view import DirectoryView

    from ..core import BenchError
    from ..qt import SignalWaiter, application, paint_pending, paint_posted, type_character

    application()
    db = Database.open(resolve_url(database))
    queries = realistic_queries(db, seed)
    model = DirectoryModel(DirectoryService(db))
    view = DirectoryView(model)
    view.resize(*WINDOW_SIZE)
    view.show()
    view.activateWindow()
    view.search.setFocus()
    loaded = SignalWaiter(model.loaded, model.failed)
    model.refresh()
    loaded.wait(what="the directory")

    def settle() -> None:
        if model.is_loading:
            SignalWaiter(model.loaded, model.failed).wait(what="the directory")
        paint_pending(view.table.viewport())

    ready_ms, painted_ms, forced_paints = [], [], 0
    for query in queries:
        # QTest types into the widget directly, so the line edit must hold exactly the prefix.
        view.search.setText(query[:-1])
        settle()
        first_page = SignalWaiter(model.first_page_ready, model.failed)
        start = time.perf_counter()
        type_character(view.search, query[-1])
        first_page.wait(what="a search")
        ready = time.perf_counter()
        if not paint_posted(view.table.viewport()):
            forced_paints += 1
        painted = time.perf_counter()
        if view.search.text() != query:
            raise BenchError("the keystroke did not reach the search field")
        ready_ms.append(ms(ready - start))
        painted_ms.append(ms(painted - start))
        settle()

    model.wait_for_done()
    db.dispose()
    # forced_paints: keystrokes whose rows the event loop had not painted, so the bench did.
    return {"first_page_ready_ms": ready_ms, "painted_ms": painted_ms, "forced_paints": forced_paints}


def baseline_role(database: str, seed: int) -> dict:
    import sqlite3

    from aftercare_desktop.db import Database, resolve_url
    from aftercare_desktop.services import text

    db = Database.open(resolve_url(database))
    queries = realistic_queries(db, seed)
    db.dispose()

    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    timings = []
    for query in queries:
        start = time.perf_counter()
        connection.execute(BASELINE_SQL, (f"%{text.fold(query)}%",)).fetchmany(FIRST_PAGE_ROWS)
        timings.append(ms(time.perf_counter() - start))
    connection.close()
    return {"ms": timings}


if __name__ == "__main__":
    worker_main({"app": app_role, "baseline": baseline_role})

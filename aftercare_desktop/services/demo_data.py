"""Synthetic demo data: a believable aftercare caseload of 100 to 100,000 alumni, made from a seed.

Every person here is invented. Names come from Faker's name lists (never from lists of real or famous
people), phone numbers are the fictional 555-01XX range, emails use the reserved example domains.

The generator is a sequence of steps (staff, alumni, support contacts, status history). Each step draws
from its own random stream, derived from the seed and the step's name, so a step added later (plans,
check-ins, mentors) leaves the rows of the earlier steps exactly as they were for the same seed.
Same seed, same count, same `today` and same Faker version give the same rows, timestamps included.

Speed: Faker is slow per call, so it is asked once per seed for pools of names and street names;
each record is then put together from the pools with `random.Random`. Rows go in with Core
`insert()` executemany, in chunks, inside one transaction (all or nothing).

No audit events are written: the audit trail records what people did to records, and nobody did
anything here. Nothing is logged about the generated people either; the summary holds counts only.
"""

from __future__ import annotations

import hashlib
import random
import re
import threading
import time as timer
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from itertools import accumulate
from typing import Any, Protocol

from faker import Faker
from sqlalchemy import Connection, func, insert, select

from ..db import Database
from ..errors import AftercareError
from ..models import Alumnus, AlumniStatusChange, StaffMember, SupportContact
from ..models.enums import (
    AlumniStatus,
    ContactMethod,
    DischargeType,
    Program,
    RecoveryPathway,
    Relationship,
    StaffRole,
)
from .alumni import refresh_search_keys
from .text import fold

MIN_ALUMNI = 100
MAX_ALUMNI = 100_000
CHUNK_SIZE = 5_000
SQLITE_CACHE_KIB = 128 * 1024  # an upper bound; SQLite takes the memory only as pages are used

Progress = Callable[[int, int], None]

# How far back the oldest discharge lies: the program has been running for about eight years.
HISTORY_DAYS = 8 * 365
# Timestamps end before the start of yesterday in UTC, so that none lies in the future whatever the
# local time zone; the newest discharges are the day before yesterday.
NEWEST_DISCHARGE_DAYS_AGO = 2


# -- the public face ---------------------------------------------------------------------------

_PATHWAY_ORDER = [pathway.value for pathway in RecoveryPathway]


@dataclass(frozen=True)
class DemoSummary:
    """What one run made. Counts only: never a name, so it is safe to print and log."""

    alumni: int
    staff: int
    support_contacts: int
    status_changes: int
    seed: int
    seconds: float

    def describe(self) -> str:
        return (
            f"Created {self.alumni:,} alumni, {self.staff} staff members, "
            f"{self.support_contacts:,} support contacts and {self.status_changes:,} status history entries "
            f"(seed {self.seed}) in {self.seconds:.1f} s."
        )


def generate(
    database: Database,
    *,
    alumni: int,
    seed: int = 1,
    progress: Progress | None = None,
    today: date | None = None,
) -> DemoSummary:
    """Fill an empty database with `alumni` synthetic alumni, their caseworkers, contacts and history.

    `progress(done, total)` is called after each chunk of work; `done` reaches `total` once the rows
    are committed. `today` anchors every date and timestamp (default: the real today).
    """
    if not MIN_ALUMNI <= alumni <= MAX_ALUMNI:
        raise AftercareError(f"Demo data is made for {MIN_ALUMNI} to {MAX_ALUMNI:,} alumni, not {alumni:,}.")
    started = timer.perf_counter()
    today = today or date.today()
    steps = [step_class() for step_class in STEPS]
    # One unit more than the steps report: the commit, which takes a moment for 100,000 alumni.
    reporter = _ProgressReporter(progress, alumni * sum(step.per_alumnus for step in steps) + 1)
    with database.engine.connect() as connection:
        cache_size = None
        try:
            with connection.begin():
                existing = connection.execute(select(func.count()).select_from(Alumnus.__table__)).scalar_one()
                if existing:
                    raise AftercareError(f"{database.description} already holds {existing:,} alumni; "
                                         "demo data goes into an empty database.")
                if database.is_sqlite:
                    # With SQLite's default 2 MB page cache, a transaction this large keeps spilling
                    # index pages to the WAL and reading them back; a roomier cache saves about a sixth.
                    cache_size = connection.exec_driver_sql("PRAGMA cache_size").scalar()
                    connection.exec_driver_sql(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
                context = Context(connection=connection, alumni_wanted=alumni, seed=seed, today=today,
                                  pools=name_pools(seed), progress=reporter)
                for step in steps:
                    step.run(context, step_rng(seed, step.name))
        finally:
            if cache_size is not None:
                connection.exec_driver_sql(f"PRAGMA cache_size = {int(cache_size)}")
                connection.commit()
    reporter.finish()
    return DemoSummary(
        alumni=len(context.alumni),
        staff=len(context.staff),
        support_contacts=context.counts.get("support_contacts", 0),
        status_changes=context.counts.get("status_changes", 0),
        seed=seed,
        seconds=timer.perf_counter() - started,
    )


def step_rng(seed: int, name: str) -> random.Random:
    # A str seed is hashed with SHA-512 by `random`, so the stream does not depend on PYTHONHASHSEED.
    return random.Random(f"aftercare-demo/{seed}/{name}")


# -- what the steps share ----------------------------------------------------------------------

@dataclass(slots=True)
class StaffFacts:
    id: int
    role: StaffRole


@dataclass(slots=True)
class AlumnusFacts:
    """What later steps need to know about a generated alumnus (kept in memory; never logged)."""

    id: int
    client_id: str
    culture: Culture
    last_name: str
    area_code: str
    status: AlumniStatus
    created_at: datetime
    created_by_id: int | None
    caseworker_id: int | None
    # When the current status was set (None: active since the record was created).
    status_changed_at: datetime | None
    status_changed_by_id: int | None
    # Active again after a spell of lost contact or inactivity.
    reconnected: bool
    twelve_step: bool


@dataclass
class Context:
    connection: Connection
    alumni_wanted: int
    seed: int
    today: date
    pools: NamePools
    progress: _ProgressReporter
    staff: list[StaffFacts] = field(default_factory=list)
    alumni: list[AlumnusFacts] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    # No generated timestamp is later than this.
    ceiling: datetime = field(init=False)

    def __post_init__(self) -> None:
        self.ceiling = datetime.combine(self.today - timedelta(days=1), time(0), tzinfo=timezone.utc)

    @property
    def caseworkers(self) -> list[StaffFacts]:
        return [s for s in self.staff if s.role is StaffRole.CASEWORKER]

    @property
    def coordinators(self) -> list[StaffFacts]:
        return [s for s in self.staff if s.role is StaffRole.COORDINATOR]


class Step(Protocol):
    name: str
    # Progress units this step reports per alumnus (0 for steps whose work does not grow with N).
    per_alumnus: int

    def run(self, context: Context, rng: random.Random) -> None: ...


class _ProgressReporter:
    def __init__(self, callback: Progress | None, total: int):
        self.callback = callback
        self.total = total
        self.done = 0

    def advance(self, units: int) -> None:
        self.done = min(self.total - 1, self.done + units)
        if self.callback is not None:
            self.callback(self.done, self.total)

    def finish(self) -> None:
        self.done = self.total
        if self.callback is not None:
            self.callback(self.done, self.total)


def _insert_chunks(connection: Connection, table, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), CHUNK_SIZE):
        connection.execute(insert(table), rows[start:start + CHUNK_SIZE])


# `random.Random.choice` and `randint` spend most of their time in Python-level bookkeeping; at
# millions of calls per run these one-liners on `random()` are several times faster, just as fair
# for our purposes, and as deterministic.
def _below(rng: random.Random, n: int) -> int:
    return int(rng.random() * n)


def _randint(rng: random.Random, low: int, high: int) -> int:
    return low + int(rng.random() * (high - low + 1))


def _choice(rng: random.Random, values: Sequence[Any]) -> Any:
    return values[int(rng.random() * len(values))]


class _Weighted:
    """A fixed weighted choice, with the cumulative weights computed once."""

    def __init__(self, pairs: Sequence[tuple[Any, float]]):
        self.cumulative = list(accumulate(weight for _, weight in pairs))
        self.total = self.cumulative[-1]
        # The last value twice: rounding may, very rarely, put a draw exactly on the total.
        self.values = [value for value, _ in pairs] + [pairs[-1][0]]

    def pick(self, rng: random.Random) -> Any:
        # What random.choices does for one value, without building lists on every call.
        return self.values[bisect_right(self.cumulative, rng.random() * self.total)]


def quota(rng: random.Random, n: int, shares: Sequence[tuple[Any, float]]) -> list[Any]:
    """`n` values in the given shares, at least one of each, shuffled.

    Exact shares rather than independent draws, so that even 100 alumni show every value once.
    """
    total = sum(share for _, share in shares)
    counts = [max(1, round(n * share / total)) for _, share in shares]
    largest = counts.index(max(counts))
    counts[largest] += n - sum(counts)
    values = [value for (value, _), count in zip(shares, counts) for _ in range(count)]
    rng.shuffle(values)
    return values


# -- names ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Culture:
    """A naming tradition (a Faker locale) and the languages its alumni speak, with weights."""

    locale: str
    share: float
    languages: tuple[tuple[tuple[str, ...], float], ...]


CULTURES: tuple[Culture, ...] = (
    Culture("en_US", 0.685, ((("English",), 0.985), (("English", "American Sign Language"), 0.01),
                             (("English", "Spanish"), 0.005))),
    # About 20% of all alumni speak Spanish; most of them English as well.
    Culture("es_MX", 0.22, ((("Spanish", "English"), 0.6), (("Spanish",), 0.31), (("English",), 0.09))),
    Culture("vi_VN", 0.025, ((("Vietnamese", "English"), 0.6), (("Vietnamese",), 0.25), (("English",), 0.15))),
    Culture("fr_FR", 0.015, ((("French", "English"), 0.5), (("Haitian Creole", "French", "English"), 0.3),
                             (("English",), 0.2))),
    Culture("pt_BR", 0.015, ((("Portuguese", "English"), 0.6), (("Portuguese",), 0.2), (("English",), 0.2))),
    Culture("pl_PL", 0.015, ((("Polish", "English"), 0.6), (("English",), 0.4))),
    Culture("en_IN", 0.015, ((("English", "Hindi"), 0.5), (("English",), 0.3), (("Gujarati", "English"), 0.1),
                             (("Punjabi", "English"), 0.1))),
    Culture("de_DE", 0.005, ((("English",), 0.8), (("German", "English"), 0.2))),
    Culture("nl_NL", 0.005, ((("English",), 0.8), (("Dutch", "English"), 0.2))),
)
_CULTURE = _Weighted([(c, c.share) for c in CULTURES])
_LANGUAGES = {c.locale: _Weighted(c.languages) for c in CULTURES}
AMERICAN = CULTURES[0]
SPANISH = CULTURES[1]

# Faker's census list drops apostrophes, and a few of its entries are misspelt.
_SURNAME_FIXES = {
    "Obrien": "O'Brien", "Oconnor": "O'Connor", "Oconnell": "O'Connell", "Odonnell": "O'Donnell",
    "Oneill": "O'Neill", "Oneal": "O'Neal", "Rodríquez": "Rodríguez", "de la Crúz": "de la Cruz",
}
# Spellings with diacritics that American name lists flatten (Zoe, Chloe, Renee, Andre).
_ACCENTED_GIVEN = {
    "female": ("Zoë", "Chloë", "Renée", "Anaïs", "Noémie", "Desirée", "Léa", "Amélie"),
    "male": ("André", "René", "Noël", "Jérôme", "Étienne", "Joaquín", "Zoltán", "Björn"),
}
_UNISEX_GIVEN = ("Alex", "Jordan", "Taylor", "Riley", "Casey", "Avery", "Quinn", "Rowan", "Sage", "River",
                 "Jamie", "Morgan", "Skyler", "Emerson", "Dakota", "Ari", "Kai", "Robin", "Charlie", "Remy")
_NICKNAMES = {
    "Robert": ("Bob", "Rob", "Bobby"), "William": ("Will", "Bill", "Liam"), "Michael": ("Mike", "Mikey"),
    "Christopher": ("Chris",), "Jennifer": ("Jen", "Jenny"), "Elizabeth": ("Liz", "Beth", "Eliza"),
    "Katherine": ("Kate", "Katie"), "Kathryn": ("Kate", "Kathy"), "Margaret": ("Maggie", "Peggy"),
    "Richard": ("Rick", "Rich"), "James": ("Jim", "Jamie"), "Joseph": ("Joe", "Joey"),
    "Thomas": ("Tom", "Tommy"), "Daniel": ("Dan", "Danny"), "Anthony": ("Tony",), "Nicholas": ("Nick",),
    "Matthew": ("Matt",), "Jonathan": ("Jon",), "Alexander": ("Alex", "Xander"), "Samantha": ("Sam",),
    "Jessica": ("Jess",), "Rebecca": ("Becca", "Becky"), "Victoria": ("Tori",), "Patricia": ("Pat", "Trish"),
    "Stephanie": ("Steph",), "Benjamin": ("Ben",), "Andrew": ("Drew", "Andy"), "Edward": ("Ed", "Eddie"),
    "Timothy": ("Tim",), "Kimberly": ("Kim",), "Deborah": ("Deb",), "Gregory": ("Greg",), "Zachary": ("Zach",),
    "José": ("Pepe",), "Francisco": ("Paco", "Pancho"), "Guadalupe": ("Lupe",), "Jesús": ("Chuy",),
    "Ignacio": ("Nacho",), "Alejandro": ("Alex",), "Eduardo": ("Lalo",), "Enrique": ("Kike",),
    "Dolores": ("Lola",), "Roberto": ("Beto",), "Alberto": ("Beto",), "Guillermo": ("Memo",),
    "Rafael": ("Rafa",), "Manuel": ("Manolo",), "Fernando": ("Nando",), "Gerardo": ("Jerry",),
    "Cristina": ("Tina",), "Christina": ("Tina",), "Rosario": ("Charo",), "Consuelo": ("Chelo",),
}
_PARTICLES = ("van der ", "van den ", "van de ", "van ", "de la ", "de los ", "del ", "de ")


def _american_particles(surname: str) -> str:
    """'van der Berg' as many American records spell it: 'Van Der Berg'."""
    if not surname.startswith(_PARTICLES):
        return surname
    *particles, rest = surname.split(" ")
    return " ".join([p.capitalize() for p in particles] + [rest])


@dataclass(frozen=True)
class NamePool:
    female: tuple[str, ...]
    male: tuple[str, ...]
    last: tuple[str, ...]

    def given(self, rng: random.Random, gender: str) -> str:
        if gender == "female":
            return _choice(rng, self.female)
        if gender == "male":
            return _choice(rng, self.male)
        if rng.random() < 0.4:
            return _choice(rng, _UNISEX_GIVEN)
        return _choice(rng, self.female if rng.random() < 0.5 else self.male)


class NamePools:
    """Faker, asked once per seed and locale; records combine these pools with `random`.

    Draws keep Faker's frequencies (common names come up often), and a pool's size follows its
    culture's share, so that the large groups do not repeat names too often.
    """

    STREETS = 800

    def __init__(self, seed: int):
        self.seed = seed
        self._pools: dict[str, NamePool] = {}
        self._streets: tuple[str, ...] | None = None

    def _faker(self, purpose: str) -> Faker:
        fake = _faker_for(purpose.split("/")[0])
        digest = hashlib.sha256(f"aftercare-demo/{self.seed}/faker/{purpose}".encode()).digest()
        fake.seed_instance(int.from_bytes(digest[:8], "big"))
        return fake

    def names(self, culture: Culture) -> NamePool:
        pool = self._pools.get(culture.locale)
        if pool is None:
            with _FAKER_LOCK:
                fake = self._faker(f"{culture.locale}/names")
                first_names = 150 + int(1500 * culture.share)
                last_names = 300 + int(3000 * culture.share)
                female = tuple(fake.first_name_female() for _ in range(first_names))
                male = tuple(fake.first_name_male() for _ in range(first_names))
                last = tuple(_SURNAME_FIXES.get(n, n) for n in (fake.last_name() for _ in range(last_names)))
            pool = self._pools[culture.locale] = NamePool(female, male, last)
        return pool

    def streets(self) -> tuple[str, ...]:
        if self._streets is None:
            with _FAKER_LOCK:
                fake = self._faker("en_US/streets")
                self._streets = tuple(fake.street_name() for _ in range(self.STREETS))
        return self._streets


# Making a Faker costs more than drawing a whole pool from it, so there is one per locale, re-seeded
# before each use; the lock keeps two runs on different threads from sharing a stream.
_FAKER_LOCK = threading.Lock()


@lru_cache(maxsize=None)
def _faker_for(locale: str) -> Faker:
    return Faker(locale)


@lru_cache(maxsize=4)
def name_pools(seed: int) -> NamePools:
    """Pools are immutable once drawn, so runs with the same seed in one process share them."""
    return NamePools(seed)


def _surname(rng: random.Random, pools: NamePools, culture: Culture) -> str:
    last = pools.names(culture).last
    name = _choice(rng, last)
    roll = rng.random()
    if culture is SPANISH:
        # Two family names, written with a space or (in many US records) joined by a hyphen.
        if roll < 0.12:
            name = f"{name}-{_choice(rng, last)}"
        elif roll < 0.35:
            name = f"{name} {_choice(rng, last)}"
        if rng.random() < 0.4:
            name = _american_particles(name)
    elif culture is AMERICAN:
        if roll < 0.025:
            name = f"{name}-{_choice(rng, last)}"
    elif culture.locale == "nl_NL" and rng.random() < 0.6:
        name = _american_particles(name)
    return name


def _given_name(rng: random.Random, pools: NamePools, culture: Culture, gender: str) -> str:
    if culture is AMERICAN and gender != "nonbinary" and rng.random() < 0.015:
        return _choice(rng, _ACCENTED_GIVEN[gender])
    return pools.names(culture).given(rng, gender)


# -- places and numbers -----------------------------------------------------------------------

# Real cities with real area codes and ZIP prefixes; numbers are made fictional by the 555-01XX range.
CITIES: tuple[tuple[str, tuple[str, ...], str, float], ...] = (
    ("Chicago", ("312", "773", "872"), "606", 14), ("Evanston", ("847", "224"), "602", 3),
    ("Oak Park", ("708",), "603", 2), ("Milwaukee", ("414",), "532", 4), ("Gary", ("219",), "464", 1.5),
    ("Los Angeles", ("213", "323", "310"), "900", 6), ("Houston", ("713", "832"), "770", 5),
    ("San Antonio", ("210",), "782", 3), ("El Paso", ("915",), "799", 2), ("Phoenix", ("602", "480"), "850", 4),
    ("Tucson", ("520",), "857", 1.5), ("Albuquerque", ("505",), "871", 1.5), ("Dallas", ("214", "469"), "752", 4),
    ("Austin", ("512",), "787", 3), ("Miami", ("305", "786"), "331", 4), ("Orlando", ("407",), "328", 2),
    ("Tampa", ("813",), "336", 2), ("Atlanta", ("404", "678"), "303", 3), ("Charlotte", ("704",), "282", 2),
    ("Nashville", ("615",), "372", 2), ("Louisville", ("502",), "402", 1.5), ("Columbus", ("614",), "432", 2),
    ("Cleveland", ("216",), "441", 2), ("Detroit", ("313",), "482", 3), ("Pittsburgh", ("412",), "152", 2),
    ("Philadelphia", ("215", "267"), "191", 4), ("Baltimore", ("410", "443"), "212", 2),
    ("Newark", ("973",), "071", 2), ("New York", ("212", "718", "917"), "100", 5), ("Boston", ("617",), "021", 3),
    ("Providence", ("401",), "029", 1), ("Hartford", ("860",), "061", 1), ("Minneapolis", ("612",), "554", 2),
    ("St. Louis", ("314",), "631", 2), ("Kansas City", ("816",), "641", 2), ("Denver", ("303", "720"), "802", 3),
    ("Salt Lake City", ("801",), "841", 1.5), ("Las Vegas", ("702",), "891", 2), ("Seattle", ("206",), "981", 3),
    ("Portland", ("503", "971"), "972", 2), ("Sacramento", ("916",), "958", 2), ("Fresno", ("559",), "937", 1.5),
    ("San Diego", ("619", "858"), "921", 3),
)
_CITY = _Weighted([(c, c[3]) for c in CITIES])
_ALL_AREA_CODES = tuple(code for city in CITIES for code in city[1])


def fictional_phone(rng: random.Random, area_code: str | None = None) -> str:
    """'(312) 555-0142': valid for `phonenumbers`, reserved for fiction; already in the app's format."""
    return f"({area_code or _choice(rng, _ALL_AREA_CODES)}) 555-01{_below(rng, 100):02d}"


def _street_address(rng: random.Random, pools: NamePools) -> str:
    address = f"{_randint(rng, 1, 9899)} {_choice(rng, pools.streets())}"
    if rng.random() < 0.22:
        address += f" {_choice(rng, ('Apt.', 'Apt.', 'Unit', '#'))} {_randint(rng, 1, 40)}{_choice(rng, 'AB  ').strip()}"
    return address


_NOT_EMAIL_SAFE = re.compile(r"[^a-z0-9]+")


def _email(rng: random.Random, first: str, last: str, birth_year: int) -> str:
    given = _NOT_EMAIL_SAFE.sub("", fold(first)) or "alum"
    family = _NOT_EMAIL_SAFE.sub("", fold(last)) or "alum"
    style = _below(rng, 5)
    if style == 0:
        local = f"{given}.{family}"
    elif style == 1:
        local = f"{given}{family}{_randint(rng, 1, 99)}"
    elif style == 2:
        local = f"{given[0]}{family}"
    elif style == 3:
        local = f"{given}.{family}{birth_year}"
    else:
        local = f"{family}.{given}{_randint(rng, 1, 9)}"
    return f"{local}@{'example.com' if rng.random() < 0.7 else 'example.org'}"


# -- the steps --------------------------------------------------------------------------------

class StaffStep:
    """6 to 12 staff members: one or two coordinators, the rest caseworkers."""

    name = "staff"
    per_alumnus = 0

    def run(self, context: Context, rng: random.Random) -> None:
        table = StaffMember.__table__
        taken = {n.casefold() for n in context.connection.execute(select(table.c.display_name)).scalars()}
        size = _randint(rng, 6, 12)
        coordinators = 1 if size < 9 else _randint(rng, 1, 2)
        joined = datetime.combine(context.today - timedelta(days=HISTORY_DAYS + 60), time(9), tzinfo=timezone.utc)
        rows = []
        while len(rows) < size:
            culture = SPANISH if rng.random() < 0.3 else AMERICAN
            gender = _choice(rng, ("female", "female", "male"))
            name = f"{_given_name(rng, context.pools, culture, gender)} {_surname(rng, context.pools, culture)}"
            if name.casefold() in taken:
                continue
            taken.add(name.casefold())
            role = StaffRole.COORDINATOR if len(rows) < coordinators else StaffRole.CASEWORKER
            rows.append({"display_name": name, "role": role, "active": True,
                         "created_at": joined + timedelta(days=_below(rng, 60), minutes=_below(rng, 480))})
        ids = context.connection.execute(
            insert(table).returning(table.c.id, sort_by_parameter_order=True), rows
        ).scalars().all()
        context.staff = [StaffFacts(staff_id, row["role"]) for staff_id, row in zip(ids, rows)]


STATUS_SHARES = (
    (AlumniStatus.ACTIVE, 0.78), (AlumniStatus.INACTIVE, 0.10), (AlumniStatus.LOST_CONTACT, 0.08),
    (AlumniStatus.OPTED_OUT, 0.035), (AlumniStatus.DECEASED, 0.005),
)
# Archiving hides a record from the daily lists; it happens mostly to records that are closed.
ARCHIVE_SHARE = {
    AlumniStatus.ACTIVE: 0.003, AlumniStatus.INACTIVE: 0.12, AlumniStatus.LOST_CONTACT: 0.2,
    AlumniStatus.OPTED_OUT: 0.35, AlumniStatus.DECEASED: 0.7,
}
PROGRAM_SHARES = (
    (Program.RESIDENTIAL, 0.38), (Program.PHP, 0.14), (Program.IOP, 0.26), (Program.OUTPATIENT, 0.17),
    (Program.OTHER, 0.05),
)
# Planned length of stay in days, by program.
STAY_DAYS = {
    Program.RESIDENTIAL: (21, 90), Program.PHP: (10, 42), Program.IOP: (28, 90), Program.OUTPATIENT: (42, 180),
    Program.OTHER: (7, 120),
}
_DISCHARGE = _Weighted([
    (DischargeType.COMPLETED, 0.66), (DischargeType.TRANSFERRED, 0.09), (DischargeType.AGAINST_ADVICE, 0.15),
    (DischargeType.ADMINISTRATIVE, 0.05), (DischargeType.OTHER, 0.05),
])
_SUBSTANCE = _Weighted([
    ("Alcohol", 0.42), ("Opioids", 0.16), ("Fentanyl", 0.08), ("Heroin", 0.05), ("Cocaine", 0.08),
    ("Methamphetamine", 0.08), ("Stimulants", 0.03), ("Cannabis", 0.06), ("Benzodiazepines", 0.03),
    ("Kratom", 0.005), ("Prescription stimulants", 0.01),
])
_OPIOIDS = {"Opioids", "Fentanyl", "Heroin"}
_PATHWAY = _Weighted([
    (RecoveryPathway.TWELVE_STEP.value, 0.45), (RecoveryPathway.SMART.value, 0.15),
    (RecoveryPathway.FAITH_BASED.value, 0.12), (RecoveryPathway.MEDICATION_SUPPORTED.value, 0.18),
    (RecoveryPathway.OTHER.value, 0.10),
])
_GENDER = _Weighted([("female", 0.46), ("male", 0.51), ("nonbinary", 0.03)])
_PRONOUNS = {
    "female": _Weighted([("she/her", 0.96), ("she/they", 0.04)]),
    "male": _Weighted([("he/him", 0.97), ("he/they", 0.03)]),
    "nonbinary": _Weighted([("they/them", 0.8), ("she/they", 0.1), ("he/they", 0.1)]),
}
_CONTACT_METHOD = _Weighted([
    (ContactMethod.PHONE, 0.4), (ContactMethod.TEXT, 0.33), (ContactMethod.EMAIL, 0.1),
    (ContactMethod.VIDEO, 0.06), (ContactMethod.IN_PERSON, 0.05), (None, 0.06),
])
_CONTACT_TIMES = _Weighted([
    ("Weekday mornings", 0.15), ("Weekday evenings", 0.2), ("After 5 pm", 0.15), ("Weekends", 0.08),
    ("Lunch break (12–1)", 0.07), ("Any time", 0.1), ("Not before 10 am", 0.05), ("Tuesdays and Thursdays", 0.03),
    (None, 0.17),
])
NOTES = (
    "Prefers text messages after work.",
    "Attends the Tuesday alumni group.",
    "Interested in volunteering at alumni events.",
    "Likes a reminder the day before appointments.",
    "Works night shifts; call after 2 pm.",
    "Moved recently; confirm the address at the next call.",
    "Has a dog that needs care; in-person meetings are hard on weekdays.",
    "Started a new job this month.",
    "Enjoys the Saturday recovery walk.",
    "Rides the bus; prefers video calls in winter.",
    "Family is supportive; sister is the first call.",
    "Going back to school in the fall.",
    "Would like to hear about peer mentor training.",
    "Sober-living house until the end of the year.",
    "Asked that voicemails not mention the program.",
    "Hard of hearing; text first, then call.",
)


class AlumniStep:
    """The alumni themselves, in the order they were discharged (ids ascend with discharge date)."""

    name = "alumni"
    per_alumnus = 1

    def run(self, context: Context, rng: random.Random) -> None:
        n = context.alumni_wanted
        today = context.today
        # Decisions that must come out in exact shares are drawn first, for the whole population.
        statuses = quota(rng, n, STATUS_SHARES)
        programs = quota(rng, n, PROGRAM_SHARES)
        # More recent discharges are more common (a growing program); linear density towards today.
        span = HISTORY_DAYS - NEWEST_DISCHARGE_DAYS_AGO
        days_ago = sorted((NEWEST_DISCHARGE_DAYS_AGO + int(span * (1 - rng.random() ** 0.5)) for _ in range(n)),
                          reverse=True)
        caseworkers = context.caseworkers
        loads = [rng.uniform(0.6, 1.4) for _ in caseworkers]
        caseworker_of = _Weighted(list(zip(caseworkers, loads)))
        client_number = _randint(rng, 1000, 4999)
        table = Alumnus.__table__
        statement = insert(table)
        for start in range(0, n, CHUNK_SIZE):
            rows, facts = [], []
            for index in range(start, min(n, start + CHUNK_SIZE)):
                # Gaps of 1–9 keep client numbers rising and below 1,000,000 even for 100,000 alumni.
                client_number += _randint(rng, 1, 9)
                row, fact = self._alumnus(context, rng, f"AC-{client_number:06d}", statuses[index],
                                          programs[index], today - timedelta(days=days_ago[index]), caseworker_of)
                rows.append(row)
                facts.append(fact)
            context.connection.execute(statement, rows)
            context.alumni.extend(facts)
            context.progress.advance(len(rows))
        # The table was empty, so every row is ours. Ids are read back by client ID in one query: an
        # ordered RETURNING executemany goes row by row on SQLite, several times slower.
        ids = {client_id: alumnus_id for client_id, alumnus_id in
               context.connection.execute(select(table.c.client_id, table.c.id))}
        for fact in context.alumni:
            fact.id = ids[fact.client_id]

    def _alumnus(
        self, context: Context, rng: random.Random, client_id: str, status: AlumniStatus, program: Program,
        discharge: date, caseworker_of: _Weighted,
    ) -> tuple[dict[str, Any], AlumnusFacts]:
        pools = context.pools
        today = context.today
        culture: Culture = _CULTURE.pick(rng)
        gender = _GENDER.pick(rng)
        first = _given_name(rng, pools, culture, gender)
        last = _surname(rng, pools, culture)
        languages = list(_LANGUAGES[culture.locale].pick(rng))

        preferred = None
        if rng.random() < 0.12:
            if first in _NICKNAMES:
                preferred = _choice(rng, _NICKNAMES[first])
            elif culture.locale in ("vi_VN", "en_IN") or gender == "nonbinary":
                preferred = pools.names(AMERICAN).given(rng, gender)
        pronouns = _PRONOUNS[gender].pick(rng) if gender == "nonbinary" or rng.random() < 0.75 else None

        # Dates: discharge is given; the stay, then the age at admission, are drawn backwards from it.
        low, high = STAY_DAYS[program]
        stay = _randint(rng, low, high)
        discharge_type: DischargeType = _DISCHARGE.pick(rng)
        if discharge_type is DischargeType.AGAINST_ADVICE:
            stay = max(2, int(stay * rng.uniform(0.15, 0.8)))
        admission = discharge - timedelta(days=stay)
        years_since = (today - admission).days / 365.25
        age_at_admission = rng.triangular(18.05, min(70.0, 75.9 - years_since), 31)
        birth = admission - timedelta(days=int(age_at_admission * 365.25))
        roll = rng.random()
        if roll < 0.72:
            sobriety = admission - timedelta(days=_randint(rng, 0, 14))
        elif roll < 0.9 and (today - discharge).days > 30:
            # A return to use after discharge, and a new start since.
            sobriety = discharge + timedelta(days=_randint(rng, 14, (today - discharge).days - 1))
        else:
            sobriety = None

        email = _email(rng, first, last, birth.year) if rng.random() < 0.72 else None
        city, area_codes, zip_prefix, _ = _CITY.pick(rng)
        area_code = _choice(rng, area_codes)
        mobile = fictional_phone(rng, area_code) if rng.random() < 0.93 else None
        home = fictional_phone(rng, area_code) if rng.random() < 0.2 else None
        has_address = rng.random() < 0.86
        method = _CONTACT_METHOD.pick(rng)
        if (method is ContactMethod.EMAIL and not email) or (method is ContactMethod.TEXT and not mobile):
            method = ContactMethod.PHONE if (mobile or home) else None

        substances = [_SUBSTANCE.pick(rng)]
        for chance in (0.4, 0.15):
            if rng.random() < chance:
                extra = _SUBSTANCE.pick(rng)
                if extra not in substances:
                    substances.append(extra)
        if _OPIOIDS & set(substances) and rng.random() < 0.45:
            pathways = [RecoveryPathway.MEDICATION_SUPPORTED.value]
        else:
            pathways = [_PATHWAY.pick(rng)]
        if rng.random() < 0.25:
            extra = _PATHWAY.pick(rng)
            if extra not in pathways:
                pathways.append(extra)
        pathways.sort(key=_PATHWAY_ORDER.index)  # the order the app itself stores

        caseworker: StaffFacts | None = caseworker_of.pick(rng) if rng.random() < 0.97 else None
        coordinator = _choice(rng, context.coordinators)
        creator = caseworker if caseworker and rng.random() < 0.8 else coordinator
        ceiling = context.ceiling
        created_day = min(discharge + timedelta(days=_choice(rng, (0, 0, 0, 0, 1, 2, 3))),
                          today - timedelta(days=NEWEST_DISCHARGE_DAYS_AGO))
        created_at = _office_hours(rng, created_day)

        changed_at = changed_by = None
        reconnected = status is AlumniStatus.ACTIVE and rng.random() < 0.04
        if status is not AlumniStatus.ACTIVE or reconnected:
            changed_at = _between(rng, created_at, ceiling)
            changed_by = (caseworker or coordinator).id
        archived_at = None
        if rng.random() < ARCHIVE_SHARE[status]:
            archived_at = _between(rng, changed_at or created_at, ceiling)
        updated_at = max(t for t in (created_at, changed_at, archived_at) if t is not None)
        updated_by = creator.id if updated_at == created_at else (caseworker or coordinator).id

        notes = _choice(rng, NOTES) if rng.random() < 0.3 else None
        if languages == ["Spanish"] and rng.random() < 0.2:
            notes = "Asked for letters and materials in Spanish."
        elif preferred and rng.random() < 0.2:
            notes = "Please use the preferred name, also on the phone."
        wants_mentor = rng.random() < (0.45 if (today - discharge).days < 365 else 0.15)
        long_sober = sobriety is not None and (today - sobriety).days > 730
        consents = rng.random() < (0.9 if wants_mentor else 0.35 if long_sober else 0.1)

        row: dict[str, Any] = {
            "client_id": client_id,
            "first_name": first,
            "last_name": last,
            "preferred_name": preferred,
            "pronouns": pronouns,
            "date_of_birth": birth,
            "phone_mobile": mobile,
            "phone_home": home,
            "email": email,
            "address": _street_address(rng, pools) if has_address else None,
            "city": city if has_address or rng.random() < 0.5 else None,
            "postal_code": f"{zip_prefix}{_below(rng, 100):02d}" if has_address else None,
            "preferred_contact_method": method,
            "preferred_contact_times": _CONTACT_TIMES.pick(rng),
            "languages": languages,
            "program": program,
            "admission_date": admission,
            "discharge_date": discharge,
            "discharge_type": discharge_type,
            "substances": substances,
            "recovery_pathways": pathways,
            "sobriety_start_date": sobriety,
            "caseworker_id": caseworker.id if caseworker else None,
            "status": status,
            "opted_in_on": created_day,
            "opted_out_on": changed_at.date() if status is AlumniStatus.OPTED_OUT and changed_at else None,
            "wants_mentor": wants_mentor,
            "consents_to_mentor_program": consents,
            "notes": notes,
            "archived_at": archived_at,
            "created_at": created_at,
            "created_by_id": creator.id,
            "updated_at": updated_at,
            "updated_by_id": updated_by,
            "row_version": 1,
        }
        # The very function the app uses on save, so search and sorting treat demo rows like real ones.
        refresh_search_keys(_RowAttributes(row))
        fact = AlumnusFacts(
            id=0, client_id=client_id, culture=culture, last_name=last, area_code=area_code, status=status,
            created_at=created_at, created_by_id=creator.id, caseworker_id=row["caseworker_id"], status_changed_at=changed_at,
            status_changed_by_id=changed_by, reconnected=reconnected,
            twelve_step=RecoveryPathway.TWELVE_STEP.value in pathways,
        )
        return row, fact


class _RowAttributes:
    """Attribute access onto an insert row, so `refresh_search_keys` can fill it as it fills an Alumnus."""

    __slots__ = ("_row",)

    def __init__(self, row: dict[str, Any]):
        object.__setattr__(self, "_row", row)

    def __getattr__(self, name: str) -> Any:
        try:
            return self._row[name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name: str, value: Any) -> None:
        self._row[name] = value


def _between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    """A moment after `start` and before `end`, in office hours when there is a whole day between."""
    days = (end.date() - start.date()).days
    if days >= 2:
        day = start.date() + timedelta(days=_randint(rng, 1, days - 1))
        return _office_hours(rng, day)
    room = int((end - start).total_seconds())
    return start + timedelta(seconds=_randint(rng, 1, room - 1)) if room > 1 else start


def _office_hours(rng: random.Random, day: date) -> datetime:
    return datetime.combine(day, time(8), tzinfo=timezone.utc) + timedelta(seconds=_below(rng, 10 * 3600))


_CONTACT_COUNT = _Weighted([(0, 0.12), (1, 0.23), (2, 0.3), (3, 0.22), (4, 0.13)])
_RELATION = _Weighted([
    (Relationship.FAMILY, 0.38), (Relationship.FRIEND, 0.25), (Relationship.SPONSOR, 0.15),
    (Relationship.THERAPIST, 0.14), (Relationship.OTHER, 0.08),
])
# Who is usually called first when cravings hit; the order is then shuffled a little per person.
_CALL_PRIORITY = {
    Relationship.SPONSOR: 0.0, Relationship.FRIEND: 1.0, Relationship.FAMILY: 1.3, Relationship.THERAPIST: 2.0,
    Relationship.OTHER: 2.5,
}
_AVAILABILITY = _Weighted([
    ("Any time", 0.2), ("Evenings", 0.2), ("Weekdays 9–5", 0.15), ("Weekends", 0.1), ("After 6 pm", 0.1),
    ("Mornings before work", 0.05), ("Office hours; leave a message", 0.05), (None, 0.15),
])
_CREDENTIALS = (", LCSW", ", LPC", ", LMFT", ", PhD", ", LCADC", "")


class SupportContactsStep:
    """0 to 4 people each alumnus would call, in call order."""

    name = "support_contacts"
    per_alumnus = 1

    def run(self, context: Context, rng: random.Random) -> None:
        table = SupportContact.__table__
        pools = context.pools
        total = 0
        for start in range(0, len(context.alumni), CHUNK_SIZE):
            chunk = context.alumni[start:start + CHUNK_SIZE]
            rows = []
            for alumnus in chunk:
                count = _CONTACT_COUNT.pick(rng)
                relations = [_RELATION.pick(rng) for _ in range(count)]
                if alumnus.twelve_step and count and Relationship.SPONSOR not in relations and rng.random() < 0.6:
                    relations[0] = Relationship.SPONSOR
                relations.sort(key=lambda r: _CALL_PRIORITY[r] + rng.random() * 1.5)
                for order, relation in enumerate(relations):
                    rows.append({
                        "alumnus_id": alumnus.id,
                        "name": self._name(rng, pools, alumnus, relation),
                        "relation": relation,
                        "phone": self._phone(rng, alumnus) if rng.random() < 0.92 else None,
                        "availability": _AVAILABILITY.pick(rng),
                        "call_order": order,
                    })
            _insert_chunks(context.connection, table, rows)
            total += len(rows)
            context.progress.advance(len(chunk))
        context.counts["support_contacts"] = total

    @staticmethod
    def _phone(rng: random.Random, alumnus: AlumnusFacts) -> str:
        # Most of a person's network lives nearby.
        return fictional_phone(rng, alumnus.area_code if rng.random() < 0.65 else None)

    @staticmethod
    def _name(rng: random.Random, pools: NamePools, alumnus: AlumnusFacts, relation: Relationship) -> str:
        gender = _choice(rng, ("female", "male"))
        if relation is Relationship.FAMILY:
            culture = alumnus.culture
            last = alumnus.last_name if rng.random() < 0.6 else _surname(rng, pools, culture)
        else:
            culture = alumnus.culture if rng.random() < 0.6 else AMERICAN
            last = _surname(rng, pools, culture)
        name = f"{_given_name(rng, pools, culture, gender)} {last}"
        if relation is Relationship.THERAPIST:
            name += _choice(rng, _CREDENTIALS)
        return name[:120]


_REASONS = {
    AlumniStatus.INACTIVE: ("No contact for 90 days", "Asked for a pause in check-ins", "Moved out of the area",
                            "Doing well; wants less contact for now"),
    AlumniStatus.LOST_CONTACT: ("Phone disconnected; letters returned", "No answer after repeated attempts",
                                "Number no longer in service", None),
    AlumniStatus.OPTED_OUT: ("Asked to stop aftercare contact", "Chose to leave the aftercare program",
                             "Prefers to continue with own therapist only"),
    AlumniStatus.DECEASED: ("Reported by family", "Reported by a support contact"),
    AlumniStatus.ACTIVE: ("Back in touch after an alumni event", "Called the team to reconnect",
                          "Reconnected through a support contact"),
}


class StatusHistoryStep:
    """'Record created', then the change that led to the current status, if any."""

    name = "status_history"
    per_alumnus = 1

    def run(self, context: Context, rng: random.Random) -> None:
        table = AlumniStatusChange.__table__
        total = 0
        for start in range(0, len(context.alumni), CHUNK_SIZE):
            chunk = context.alumni[start:start + CHUNK_SIZE]
            rows = []
            for alumnus in chunk:
                rows.append(self._row(alumnus, None, AlumniStatus.ACTIVE, alumnus.created_at, alumnus.created_by_id,
                                      "Record created"))
                if alumnus.status_changed_at is None:
                    continue
                if alumnus.reconnected:
                    away = _choice(rng, (AlumniStatus.LOST_CONTACT, AlumniStatus.INACTIVE))
                    away_at = _between(rng, alumnus.created_at, alumnus.status_changed_at - timedelta(seconds=1))
                    rows.append(self._row(alumnus, AlumniStatus.ACTIVE, away, away_at, alumnus.status_changed_by_id,
                                          _choice(rng, _REASONS[away])))
                    old = away
                else:
                    old = AlumniStatus.ACTIVE
                rows.append(self._row(alumnus, old, alumnus.status, alumnus.status_changed_at,
                                      alumnus.status_changed_by_id, _choice(rng, _REASONS[alumnus.status])))
            _insert_chunks(context.connection, table, rows)
            total += len(rows)
            context.progress.advance(len(chunk))
        context.counts["status_changes"] = total

    @staticmethod
    def _row(alumnus: AlumnusFacts, old: AlumniStatus | None, new: AlumniStatus, at: datetime,
             by: int | None, reason: str | None) -> dict[str, Any]:
        return {"alumnus_id": alumnus.id, "old_status": old, "new_status": new, "changed_at": at,
                "changed_by_id": by, "reason": reason}


# The generator's steps, in order. Append new ones at the end: each draws from its own random
# stream, so the rows of the steps before it stay the same for a given seed.
STEPS: tuple[type[Step], ...] = (StaffStep, AlumniStep, SupportContactsStep, StatusHistoryStep)

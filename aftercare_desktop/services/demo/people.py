"""The people of the demo data: the team (StaffStep), the decisions about all alumni at once
(Population), and the alumni themselves (AlumniStep)."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from sqlalchemy import insert, select

from ...models import Alumnus, StaffMember
from ...models.enums import (
    AlumniStatus,
    ContactMethod,
    DischargeType,
    Program,
    RecoveryPathway,
    StaffRole,
)
from ..alumni import refresh_search_keys
from .context import (
    HISTORY_DAYS,
    NEWEST_DISCHARGE_DAYS_AGO,
    AlumnusFacts,
    Context,
    StaffFacts,
    Weighted,
    below,
    between,
    choice,
    office_hours,
    quota,
    randint,
)
from .names import AMERICAN, CULTURE, LANGUAGES, NICKNAMES, SPANISH, Culture, given_name, surname
from .places import CITY, email_address, fictional_phone, street_address
from .writer import insert_chunks

_PATHWAY_ORDER = [pathway.value for pathway in RecoveryPathway]

# Active alumni one caseworker follows: aftercare caseloads run from a few dozen to about a hundred.
CASELOAD = 100
# Caseworkers one coordinator looks after.
CASEWORKERS_PER_COORDINATOR = 12


class StaffStep:
    """The team: 6 to 12 staff members for a small program (one or two coordinators, the rest
    caseworkers), and for a large one enough caseworkers that each follows about CASELOAD active alumni."""

    name = "staff"
    per_alumnus = 0

    def run(self, context: Context, rng: random.Random) -> None:
        table = StaffMember.__table__
        taken = {n.casefold() for n in context.connection.execute(select(table.c.display_name)).scalars()}
        size = randint(rng, 6, 12)
        coordinators = 1 if size < 9 else randint(rng, 1, 2)
        caseworkers = math.ceil(context.alumni_wanted * dict(STATUS_SHARES)[AlumniStatus.ACTIVE] / CASELOAD)
        if caseworkers > size - coordinators:
            coordinators = math.ceil(caseworkers / CASEWORKERS_PER_COORDINATOR)
            size = caseworkers + coordinators
        joined = datetime.combine(context.today - timedelta(days=HISTORY_DAYS + 60), time(9), tzinfo=timezone.utc)
        rows = []
        while len(rows) < size:
            culture = SPANISH if rng.random() < 0.3 else AMERICAN
            gender = choice(rng, ("female", "female", "male"))
            name = f"{given_name(rng, context.pools, culture, gender)} {surname(rng, context.pools, culture)}"
            if name.casefold() in taken:
                continue
            taken.add(name.casefold())
            role = StaffRole.COORDINATOR if len(rows) < coordinators else StaffRole.CASEWORKER
            rows.append({"display_name": name, "role": role, "active": True,
                         "created_at": joined + timedelta(days=below(rng, 60), minutes=below(rng, 480))})
        ids = context.connection.execute(
            insert(table).returning(table.c.id, sort_by_parameter_order=True), rows
        ).scalars().all()
        context.staff = [StaffFacts(staff_id, row["role"], row["display_name"]) for staff_id, row in zip(ids, rows)]


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
_DISCHARGE = Weighted([
    (DischargeType.COMPLETED, 0.66), (DischargeType.TRANSFERRED, 0.09), (DischargeType.AGAINST_ADVICE, 0.15),
    (DischargeType.ADMINISTRATIVE, 0.05), (DischargeType.OTHER, 0.05),
])
SUBSTANCE = Weighted([
    ("Alcohol", 0.42), ("Opioids", 0.16), ("Fentanyl", 0.08), ("Heroin", 0.05), ("Cocaine", 0.08),
    ("Methamphetamine", 0.08), ("Stimulants", 0.03), ("Cannabis", 0.06), ("Benzodiazepines", 0.03),
    ("Kratom", 0.005), ("Prescription stimulants", 0.01),
])
_OPIOIDS = {"Opioids", "Fentanyl", "Heroin"}
_PATHWAY = Weighted([
    (RecoveryPathway.TWELVE_STEP.value, 0.45), (RecoveryPathway.SMART.value, 0.15),
    (RecoveryPathway.FAITH_BASED.value, 0.12), (RecoveryPathway.MEDICATION_SUPPORTED.value, 0.18),
    (RecoveryPathway.OTHER.value, 0.10),
])
_GENDER = Weighted([("female", 0.46), ("male", 0.51), ("nonbinary", 0.03)])
_PRONOUNS = {
    "female": Weighted([("she/her", 0.96), ("she/they", 0.04)]),
    "male": Weighted([("he/him", 0.97), ("he/they", 0.03)]),
    "nonbinary": Weighted([("they/them", 0.8), ("she/they", 0.1), ("he/they", 0.1)]),
}
_CONTACT_METHOD = Weighted([
    (ContactMethod.PHONE, 0.4), (ContactMethod.TEXT, 0.33), (ContactMethod.EMAIL, 0.1),
    (ContactMethod.VIDEO, 0.06), (ContactMethod.IN_PERSON, 0.05), (None, 0.06),
])
_CONTACT_TIMES = Weighted([
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


@dataclass(frozen=True, slots=True)
class PlannedAlumnus:
    """What is decided for an alumnus before the chunks are made (see `Population`)."""

    client_id: str
    status: AlumniStatus
    program: Program
    discharge: date


@dataclass(frozen=True)
class Population:
    """The decisions about all alumni at once: statuses and programs in exact shares, discharge dates
    in order, client ids rising, each caseworker's share of the caseload. Drawn before the chunks
    (cheaply: a few numbers per alumnus), so that a chunk of alumni can be made on its own."""

    alumni: tuple[PlannedAlumnus, ...]
    caseworker_loads: tuple[float, ...]  # in the order of Context.caseworkers

    @classmethod
    def draw(cls, rng: random.Random, n: int, today: date, caseworkers: int) -> Population:
        statuses = quota(rng, n, STATUS_SHARES)
        programs = quota(rng, n, PROGRAM_SHARES)
        # More recent discharges are more common (a growing program); linear density towards today.
        span = HISTORY_DAYS - NEWEST_DISCHARGE_DAYS_AGO
        days_ago = sorted((NEWEST_DISCHARGE_DAYS_AGO + int(span * (1 - rng.random() ** 0.5)) for _ in range(n)),
                          reverse=True)
        loads = tuple(rng.uniform(0.6, 1.4) for _ in range(caseworkers))
        client_number = randint(rng, 1000, 4999)
        alumni = []
        for status, program, ago in zip(statuses, programs, days_ago):
            # Gaps of 1–9 keep client numbers rising and below 1,000,000 even for 100,000 alumni.
            client_number += randint(rng, 1, 9)
            alumni.append(PlannedAlumnus(f"AC-{client_number:06d}", status, program, today - timedelta(days=ago)))
        return cls(tuple(alumni), loads)


class AlumniStep:
    """The alumni themselves, in the order they were discharged (ids ascend with discharge date)."""

    name = "alumni"
    per_alumnus = 1

    def run(self, context: Context, rng: random.Random) -> None:
        caseworker_of = Weighted(list(zip(context.caseworkers, context.caseworker_loads)))
        coordinators = context.coordinators
        table = Alumnus.__table__
        rows = []
        for planned in context.planned:
            row, fact = self._alumnus(context, rng, planned.client_id, planned.status, planned.program,
                                      planned.discharge, caseworker_of, coordinators)
            rows.append(row)
            context.alumni.append(fact)
        insert_chunks(context.connection, table, rows)
        context.progress.advance(len(rows))
        # The table was empty, so every row is ours. Ids are read back by client ID in one query: an
        # ordered RETURNING executemany goes row by row on SQLite, several times slower.
        ids = {client_id: alumnus_id for client_id, alumnus_id in
               context.connection.execute(select(table.c.client_id, table.c.id))}
        for fact in context.alumni:
            fact.id = ids[fact.client_id]

    def _alumnus(
        self, context: Context, rng: random.Random, client_id: str, status: AlumniStatus, program: Program,
        discharge: date, caseworker_of: Weighted, coordinators: list[StaffFacts],
    ) -> tuple[dict[str, Any], AlumnusFacts]:
        pools = context.pools
        today = context.today
        culture: Culture = CULTURE.pick(rng)
        gender = _GENDER.pick(rng)
        first = given_name(rng, pools, culture, gender)
        last = surname(rng, pools, culture)
        languages = list(LANGUAGES[culture.locale].pick(rng))

        preferred = None
        if rng.random() < 0.12:
            if first in NICKNAMES:
                preferred = choice(rng, NICKNAMES[first])
            elif culture.locale in ("vi_VN", "en_IN") or gender == "nonbinary":
                preferred = pools.names(AMERICAN).given(rng, gender)
        pronouns = _PRONOUNS[gender].pick(rng) if gender == "nonbinary" or rng.random() < 0.75 else None

        # Dates: discharge is given; the stay, then the age at admission, are drawn backwards from it.
        low, high = STAY_DAYS[program]
        stay = randint(rng, low, high)
        discharge_type: DischargeType = _DISCHARGE.pick(rng)
        if discharge_type is DischargeType.AGAINST_ADVICE:
            stay = max(2, int(stay * rng.uniform(0.15, 0.8)))
        admission = discharge - timedelta(days=stay)
        years_since = (today - admission).days / 365.25
        age_at_admission = rng.triangular(18.05, min(70.0, 75.9 - years_since), 31)
        birth = admission - timedelta(days=int(age_at_admission * 365.25))
        roll = rng.random()
        if roll < 0.72:
            sobriety = admission - timedelta(days=randint(rng, 0, 14))
        elif roll < 0.9 and (today - discharge).days > 30:
            # A return to use after discharge, and a new start since.
            sobriety = discharge + timedelta(days=randint(rng, 14, (today - discharge).days - 1))
        else:
            sobriety = None

        email = email_address(rng, first, last, birth.year) if rng.random() < 0.72 else None
        city, area_codes, zip_prefix, _ = CITY.pick(rng)
        area_code = choice(rng, area_codes)
        mobile = fictional_phone(rng, area_code) if rng.random() < 0.93 else None
        home = fictional_phone(rng, area_code) if rng.random() < 0.2 else None
        has_address = rng.random() < 0.86
        method = _CONTACT_METHOD.pick(rng)
        if (method is ContactMethod.EMAIL and not email) or (method is ContactMethod.TEXT and not mobile):
            method = ContactMethod.PHONE if (mobile or home) else None

        substances = [SUBSTANCE.pick(rng)]
        for chance in (0.4, 0.15):
            if rng.random() < chance:
                extra = SUBSTANCE.pick(rng)
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
        coordinator = choice(rng, coordinators)
        creator = caseworker if caseworker and rng.random() < 0.8 else coordinator
        ceiling = context.ceiling
        created_day = min(discharge + timedelta(days=choice(rng, (0, 0, 0, 0, 1, 2, 3))),
                          today - timedelta(days=NEWEST_DISCHARGE_DAYS_AGO))
        created_at = office_hours(rng, created_day)

        changed_at = changed_by = None
        reconnected = status is AlumniStatus.ACTIVE and rng.random() < 0.04
        if status is not AlumniStatus.ACTIVE or reconnected:
            changed_at = between(rng, created_at, ceiling)
            changed_by = (caseworker or coordinator).id
        archived_at = None
        if rng.random() < ARCHIVE_SHARE[status]:
            archived_at = between(rng, changed_at or created_at, ceiling)
        updated_at = max(t for t in (created_at, changed_at, archived_at) if t is not None)
        updated_by = creator.id if updated_at == created_at else (caseworker or coordinator).id

        notes = choice(rng, NOTES) if rng.random() < 0.3 else None
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
            "address": street_address(rng, pools) if has_address else None,
            "city": city if has_address or rng.random() < 0.5 else None,
            "postal_code": f"{zip_prefix}{below(rng, 100):02d}" if has_address else None,
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
            discharge=discharge, sobriety=sobriety, substances=tuple(substances), pathways=tuple(pathways),
            languages=tuple(languages), city=row["city"], preferred_method=method, archived=archived_at is not None,
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


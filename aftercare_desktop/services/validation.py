"""The one place where alumnus input is checked and normalised: forms, importer and CLI use it."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import StrEnum


from ..models.enums import RecoveryPathway
from .records import AlumnusData, SupportContactData

DEFAULT_PHONE_REGION = "US"
MIN_AGE = 12
MAX_AGE = 110

# Deliberately simple: one @, something before it, a dotted domain, no spaces.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]{2,}$")
_CLIENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]*$")

LIMITS = {
    "client_id": 40, "first_name": 80, "last_name": 80, "preferred_name": 80, "pronouns": 40,
    "email": 254, "address": 200, "city": 80, "postal_code": 16, "preferred_contact_times": 120,
}

FIELD_LABELS = {
    "client_id": "Client ID", "first_name": "First name", "last_name": "Last name",
    "preferred_name": "Preferred name", "pronouns": "Pronouns", "date_of_birth": "Date of birth",
    "phone_mobile": "Mobile phone", "phone_home": "Home phone", "email": "Email",
    "address": "Address", "city": "City", "postal_code": "Postal code",
    "preferred_contact_times": "Preferred contact times", "admission_date": "Admission date",
    "discharge_date": "Discharge date", "sobriety_start_date": "Sobriety start date",
    "opted_in_on": "Opted in on", "opted_out_on": "Opted out on",
    "support_contacts": "Support contacts",
}


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    field: str
    message: str
    severity: Severity = Severity.ERROR


@dataclass(frozen=True)
class CheckedAlumnus:
    data: AlumnusData
    problems: tuple[Problem, ...]

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity is Severity.ERROR)

    @property
    def ok(self) -> bool:
        return not self.errors


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = " ".join(str(value).split())
    return value or None


def normalise_phone(raw: str | None, region: str = DEFAULT_PHONE_REGION) -> tuple[str | None, str | None]:
    """Return (formatted number, problem). National format for the home region, else international."""
    import phonenumbers  # a tenth of a second to import: loaded with the first number, not at start-up

    raw = _clean(raw)
    if raw is None:
        return None, None
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return raw, f"'{raw}' is not a phone number"
    # "Possible" (right length for the region) rather than "valid": the carrier tables lag behind
    # new area codes, and refusing a real number would lose a way to reach someone.
    if not phonenumbers.is_possible_number(number):
        return raw, f"'{raw}' is not a valid phone number"
    home = number.country_code == phonenumbers.country_code_for_region(region)
    style = phonenumbers.PhoneNumberFormat.NATIONAL if home else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    return phonenumbers.format_number(number, style), None


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def check_alumnus(data: AlumnusData, *, today: date, region: str = DEFAULT_PHONE_REGION) -> CheckedAlumnus:
    """Normalise `data` and list every problem with it. Never raises on odd input."""
    problems: list[Problem] = []
    cleaned = replace(data)
    for name in LIMITS:
        setattr(cleaned, name, _clean(getattr(cleaned, name)))
    cleaned.notes = (data.notes or "").strip() or None
    if cleaned.email:
        cleaned.email = cleaned.email.lower()
    cleaned.client_id = cleaned.client_id or ""
    cleaned.first_name = cleaned.first_name or ""
    cleaned.last_name = cleaned.last_name or ""
    cleaned.languages = _unique_words(data.languages)
    cleaned.substances = _unique_words(data.substances)
    cleaned.recovery_pathways = _canonical_pathways(data.recovery_pathways)

    for name in ("client_id", "first_name", "last_name"):
        if not getattr(cleaned, name):
            problems.append(Problem(name, f"{FIELD_LABELS[name]} is required"))
    for name, limit in LIMITS.items():
        value = getattr(cleaned, name)
        if value and len(value) > limit:
            problems.append(Problem(name, f"{FIELD_LABELS[name]} is longer than {limit} characters"))
    if cleaned.client_id and not _CLIENT_ID.match(cleaned.client_id):
        problems.append(Problem("client_id", "Client ID may hold only letters, digits and . _ / -"))

    for name in ("phone_mobile", "phone_home"):
        formatted, problem = normalise_phone(getattr(cleaned, name), region)
        setattr(cleaned, name, formatted)
        if problem:
            problems.append(Problem(name, f"{FIELD_LABELS[name]}: {problem}"))
    if cleaned.email and not _EMAIL.match(cleaned.email):
        problems.append(Problem("email", f"'{cleaned.email}' is not an email address"))

    problems.extend(_date_problems(cleaned, today))
    cleaned.support_contacts, contact_problems = _check_contacts(data.support_contacts, region)
    problems.extend(contact_problems)
    return CheckedAlumnus(cleaned, tuple(problems))


def _date_problems(data: AlumnusData, today: date) -> list[Problem]:
    problems: list[Problem] = []
    if data.date_of_birth:
        age = age_on(data.date_of_birth, today)
        if data.date_of_birth > today:
            problems.append(Problem("date_of_birth", "Date of birth is in the future"))
        elif not MIN_AGE <= age <= MAX_AGE:
            problems.append(Problem("date_of_birth", f"Age would be {age}; it must be {MIN_AGE} to {MAX_AGE}"))
    if data.admission_date and data.date_of_birth and data.admission_date < data.date_of_birth:
        problems.append(Problem("admission_date", "Admission date is before the date of birth"))
    if data.admission_date and data.admission_date > today:
        problems.append(Problem("admission_date", "Admission date is in the future"))
    if data.discharge_date and data.admission_date and data.discharge_date < data.admission_date:
        problems.append(Problem("discharge_date", "Discharge date is before the admission date"))
    if data.discharge_date and data.discharge_date > today:
        problems.append(Problem("discharge_date", "Discharge date is in the future"))
    if data.sobriety_start_date:
        # Tomorrow is allowed: a return to use recorded today starts the count again the next day.
        if data.sobriety_start_date > today + timedelta(days=1):
            problems.append(Problem("sobriety_start_date", "Sobriety start date is in the future"))
        elif data.date_of_birth and data.sobriety_start_date < data.date_of_birth:
            problems.append(Problem("sobriety_start_date", "Sobriety start date is before the date of birth"))
    if data.opted_out_on and data.opted_in_on and data.opted_out_on < data.opted_in_on:
        problems.append(Problem("opted_out_on", "Opt-out date is before the opt-in date"))
    for name in ("opted_in_on", "opted_out_on"):
        value = getattr(data, name)
        if value and value > today:
            problems.append(Problem(name, f"{FIELD_LABELS[name]} is in the future"))
    return problems


def _check_contacts(
    contacts: list[SupportContactData], region: str
) -> tuple[list[SupportContactData], list[Problem]]:
    cleaned: list[SupportContactData] = []
    problems: list[Problem] = []
    for position, contact in enumerate(contacts, start=1):
        name = _clean(contact.name)
        phone, phone_problem = normalise_phone(contact.phone, region)
        if not name:
            problems.append(Problem("support_contacts", f"Support contact {position} needs a name"))
        if phone_problem:
            problems.append(Problem("support_contacts", f"Support contact {position}: {phone_problem}"))
        cleaned.append(
            replace(contact, name=name or "", phone=phone, availability=_clean(contact.availability))
        )
    return cleaned, problems


def _canonical_pathways(values: list[str] | None) -> list[str]:
    """Known pathways in the app's order (so equal choices compare equal), unknown ones after."""
    words = _unique_words(values)
    order = {pathway.value: position for position, pathway in enumerate(RecoveryPathway)}
    return sorted(words, key=lambda word: order.get(word, len(order)))


def _unique_words(values: list[str] | None) -> list[str]:
    seen: dict[str, str] = {}
    for value in values or []:
        value = _clean(value)
        if value and value.casefold() not in seen:
            seen[value.casefold()] = value
    return list(seen.values())


# Four-digit years only: "3/1/65" could be 1965 or 2065, and a wrong birth year is worse than a question.
_DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%Y/%m/%d", "%m-%d-%Y")


def parse_date(raw: str | None) -> date | None:
    """A date typed by a person or found in a file: ISO 2024-03-01 or US 03/01/2024. Raises ValueError."""
    value = (raw or "").strip()
    if not value:
        return None
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"'{value}' is not a date (use YYYY-MM-DD or MM/DD/YYYY)")

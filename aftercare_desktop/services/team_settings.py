"""Team-wide settings: every threshold of the early-warning engine and the Today page, and what printed
documents say about the organisation, declared once.

Each setting is a field of `TeamSettingsValues` with its type, default, allowed range and the words a
settings page shows. The database (`team_settings`, one JSON value per key) holds only the values the
team changed; everything else reads as its default. A stored value that no longer passes the checks
(a range narrowed in a later version) reads as the default too, so a bad row never stops the Today
page. Every change is audited as "team_setting" with the key as the changed field (never the value).
"""

from __future__ import annotations

import base64
import binascii
import logging
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..db import Database
from ..errors import AftercareError, ValidationFailed
from ..models import TeamSetting, utcnow
from ..models.enums import AuditAction, CheckinCadence, NoticeStatement, PaperSize, label
from . import audit
from .audit import Actor
from .validation import Problem

log = logging.getLogger("aftercare.settings")

ENTITY = "team_setting"


@dataclass(frozen=True)
class SettingInfo:
    """How a setting reads on a settings page and which values it accepts.

    For a text setting, `maximum` is the longest text allowed (in characters), `multiline` says whether
    a settings page should offer several lines, and `check_text` (when given) returns a problem or None.
    """

    label: str
    unit: str = ""
    minimum: float | None = None
    maximum: float | None = None
    help: str = ""
    multiline: bool = False
    check_text: Callable[[str], str | None] | None = None
    group: str = ""  # where a settings page lists it (one of GROUPS)
    section: str = ""  # a heading within the group


# The groups of settings, in the order a settings page shows them. Each setting is edited in one
# place: the matching weights on Mentoring → Suggestions, what documents print in Edit →
# Organisation and notices…, the rest in Edit → Team settings….
EARLY_WARNING = "Early warning"
TODAY_PAGE = "Today page"
MENTOR_PROGRAM = "Mentor program"
MATCHING_WEIGHTS = "Matching weights"
PRINTED_DOCUMENTS = "Printed documents"
GROUPS = (EARLY_WARNING, TODAY_PAGE, MENTOR_PROGRAM, MATCHING_WEIGHTS, PRINTED_DOCUMENTS)


def _in(group: str, section: str = "") -> Callable[..., Any]:
    """Declares the settings of one group and section: each call is one field of `TeamSettingsValues`."""
    def setting(default: Any, label: str, unit: str = "", minimum: float | None = None,
                maximum: float | None = None, help: str = "", multiline: bool = False,
                check_text: Callable[[str], str | None] | None = None) -> Any:
        info = SettingInfo(label, unit, minimum, maximum, help, multiline, check_text, group, section)
        return field(default=default, metadata={"setting": info})
    return setting


LOGO_MAX_BYTES = 300_000
_IMAGE_SIGNATURES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")


def logo_bytes(text: str) -> bytes | None:
    """The image of a stored logo (base64 of a PNG or JPEG file); None for "no logo of our own"."""
    if not text:
        return None
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None
    return data if data.startswith(_IMAGE_SIGNATURES) else None


def logo_text(data: bytes) -> str:
    """How a logo file's bytes are stored (see `logo_bytes`)."""
    return base64.b64encode(data).decode("ascii")


def _check_logo(text: str) -> str | None:
    if len(text) * 3 // 4 > LOGO_MAX_BYTES:
        return f"Logo: choose an image of at most {LOGO_MAX_BYTES // 1000} KB."
    if text and logo_bytes(text) is None:
        return "Logo: choose a PNG or JPEG image."
    return None


_checkins = _in(EARLY_WARNING, "Check-ins")
_meetings = _in(EARLY_WARNING, "Support meetings")
_mood = _in(EARLY_WARNING, "Mood and cravings")
_signs = _in(EARLY_WARNING, "Warning signs")
_assessments = _in(EARLY_WARNING, "Assessments")
_recurrence = _in(EARLY_WARNING, "Return to use, mentor contact and level")
_today_page = _in(TODAY_PAGE)
_mentor_program = _in(MENTOR_PROGRAM)
_weight = _in(MATCHING_WEIGHTS)  # 0 (ignored) to 10, one per soft criterion of the pairing engine
_documents = _in(PRINTED_DOCUMENTS)


@dataclass(frozen=True)
class TeamSettingsValues:
    """The team's settings as plain typed values; the defaults are the app's recommendations."""

    default_checkin_cadence: CheckinCadence = _checkins(
        CheckinCadence.BIWEEKLY, "Check-in cadence without a plan",
        help="How often someone without an active aftercare plan should hear from the team.")
    overdue_grace_days_weekly: int = _checkins(
        2, "Grace after a weekly check-in is due", "days", 0, 14,
        help="A weekly check-in counts as overdue this many days after it was due.")
    overdue_grace_days_biweekly: int = _checkins(
        3, "Grace after a two-weekly check-in is due", "days", 0, 14,
        help="A two-weekly check-in counts as overdue this many days after it was due.")
    overdue_grace_days_monthly: int = _checkins(
        5, "Grace after a monthly check-in is due", "days", 0, 30,
        help="A monthly check-in counts as overdue this many days after it was due.")
    unanswered_attempts: int = _checkins(
        3, "Unanswered attempts in a row", "attempts", 2, 20,
        help="Calls or messages without an answer, one after another, before it is a warning sign.")
    meetings_window_weeks: int = _meetings(
        2, "Meetings looked at", "weeks", 1, 12,
        help="The meetings attended in the last weeks are compared with what the plan expects.")
    meetings_missed_share: float = _meetings(
        0.5, "Share of expected meetings missed", "", 0.1, 1.0,
        help="0.5: half or more of the meetings the plan expects in the window were missed.")
    meetings_missed_least: int = _meetings(
        2, "Fewest missed meetings that count", "meetings", 1, 20,
        help="One missed meeting out of two is half, but rarely a warning sign on its own.")
    mood_window_checkins: int = _mood(
        3, "Recent check-ins for mood", "check-ins", 1, 10,
        help="The average mood of the last check-ins in which someone was reached.")
    mood_baseline_checkins: int = _mood(
        6, "Earlier check-ins that make someone's usual mood", "check-ins", 3, 20,
        help="Their usual mood: the average of the check-ins before the recent ones.")
    mood_drop: float = _mood(
        1.0, "Mood drop below their usual", "points", 0.5, 4.0,
        help="A recent average this far or further below their usual mood (1–5) is a warning sign.")
    craving_window_checkins: int = _mood(
        4, "Check-ins for the craving trend", "check-ins", 2, 10,
        help="The craving trend is worked out over the last check-ins in which someone was reached.")
    craving_slope: float = _mood(
        1.0, "Craving rise per check-in", "points", 0.1, 5.0,
        help="The steepness of the trend (least squares over the window) that counts as rising.")
    warning_sign_days: int = _signs(
        28, "Warning signs looked back", "days", 7, 90,
        help="Warning signs ticked at the check-ins of the last days are counted.")
    warning_sign_count: int = _signs(
        2, "Check-ins with the same warning sign", "check-ins", 1, 10,
        help="The same sign ticked at this many check-ins of that time or more needs attention.")
    barc10_cutoff: int = _assessments(
        47, "BARC-10 cut-off", "points", 10, 60,
        help="47 or more predicted sustained remission in the validation study (Vilsaint et al. 2017).")
    barc10_drop: int = _assessments(
        5, "BARC-10 drop since the previous one", "points", 1, 50,
        help="A fall of this many points or more needs attention, even above the cut-off.")
    aware_rise: int = _assessments(
        10, "AWARE rise since the previous one", "points", 1, 168,
        help="A higher AWARE score means more warning signs of a return to use.")
    assessment_max_age_days: int = _assessments(
        180, "Assessments older than this are not used", "days", 30, 730,
        help="An old BARC-10 or AWARE result says little about today.")
    recurrence_window_days: int = _recurrence(
        30, "A return to use counts for", "days", 1, 365,
        help="After a return to use, the level is high for this many days.")
    mentor_lapse_days: int = _recurrence(
        14, "No contact with the mentor for", "days", 3, 90,
        help="A mentee not reached by their mentor for longer needs attention, and the pairing is due "
             "for review.")
    high_level_signals: int = _recurrence(
        2, "Strong signals at once for a high level", "signals", 1, 5,
        help="Fewer make the watch level. An overdue check-in and a lapsed mentor contact are not strong "
             "signals.")
    due_soon_days: int = _today_page(
        2, "Check-ins shown as due", "days ahead", 0, 14,
        help="The Today page lists check-ins due today and within this many days.")
    milestone_days_ahead: int = _today_page(
        14, "Upcoming milestones shown", "days ahead", 1, 60,
        help="Sobriety milestones in the coming days, so that the team can celebrate them.")
    assessment_days_ahead: int = _today_page(
        7, "Assessments shown as due", "days ahead", 0, 30,
        help="Assessments overdue and due within this many days.")
    mentor_min_sobriety_months: int = _mentor_program(
        12, "Continuous sobriety a mentor needs", "months", 0, 120,
        help="A mentor sober for less cannot take mentees; the mentor pool says why.")
    repairing_cooldown_days: int = _mentor_program(
        90, "No re-pairing after a pairing ends for", "days", 0, 730,
        help="The same two people are not suggested again until this many days after their pairing ended.")
    pairing_review_days: int = _mentor_program(
        28, "A pairing is due for review every", "days", 7, 180,
        help="Pairings never reviewed, reviewed longer ago than this, or put on watch are due.")
    weight_pathway: int = _weight(6, "Weight: same recovery pathway", "", 0, 10)
    weight_substances: int = _weight(4, "Weight: overlapping substances", "", 0, 10)
    weight_program: int = _weight(2, "Weight: same program", "", 0, 10)
    weight_age: int = _weight(3, "Weight: close in age", "", 0, 10)
    weight_distance: int = _weight(3, "Weight: living nearby", "", 0, 10)
    weight_availability: int = _weight(5, "Weight: availability overlap", "", 0, 10)
    weight_evening_weekend: int = _weight(
        6, "Weight: evening and weekend calls", "", 0, 10,
        help="For mentees who need someone to call when cravings hit.")
    weight_interests: int = _weight(2, "Weight: shared interests", "", 0, 10)
    weight_experience: int = _weight(3, "Weight: mentor experience", "", 0, 10)
    weight_load_balance: int = _weight(
        4, "Weight: spreading mentees across mentors", "", 0, 10)
    organisation_name: str = _documents(
        "Aftercare Program", "Organisation name", maximum=120,
        help="Printed at the top of every document.")
    organisation_address: str = _documents(
        "", "Organisation address", maximum=300, multiline=True,
        help="Printed under the name, one line per line. Empty: no address is printed.")
    organisation_phone: str = _documents(
        "", "Organisation phone", maximum=40,
        help="The team's number: printed with the address, on plans and on wallet cards.")
    organisation_logo: str = _documents(
        "", "Logo", maximum=LOGO_MAX_BYTES * 4 // 3 + 4, check_text=_check_logo,
        help="A PNG or JPEG image, printed beside the name. Empty: the app's own logo.")
    paper_size: PaperSize = _documents(PaperSize.LETTER, "Paper size")
    disclosure_notice: NoticeStatement = _documents(
        NoticeStatement.STATEMENT_1, "42 CFR §2.32 notice on disclosed documents",
        help="Printed on every page of a document that leaves the program. A document can choose the "
             "other statement when it is exported.")
    notice_statement_1: str = _documents(
        "", "Text of Statement 1 (standard)", maximum=4000, multiline=True,
        help="Empty: the wording of 42 CFR §2.32(a)(1). Your compliance officer has the last word.")
    notice_statement_2: str = _documents(
        "", "Text of Statement 2 (abbreviated)", maximum=1000, multiline=True,
        help="Empty: the wording of 42 CFR §2.32(a)(2).")

    def grace_days(self, cadence: CheckinCadence) -> int:
        return {
            CheckinCadence.WEEKLY: self.overdue_grace_days_weekly,
            CheckinCadence.BIWEEKLY: self.overdue_grace_days_biweekly,
            CheckinCadence.MONTHLY: self.overdue_grace_days_monthly,
        }[cadence]


DEFAULTS = TeamSettingsValues()


@dataclass(frozen=True)
class SettingSpec:
    """One setting as a settings page lists it."""

    key: str
    kind: type
    default: Any
    info: SettingInfo
    choices: tuple[StrEnum, ...] = ()


def _specs() -> dict[str, SettingSpec]:
    specs = {}
    for f in fields(TeamSettingsValues):
        kind = type(f.default)
        choices = tuple(kind) if issubclass(kind, StrEnum) else ()
        specs[f.name] = SettingSpec(f.name, kind, f.default, f.metadata["setting"], choices)
    return specs


SPECS: dict[str, SettingSpec] = _specs()


def check(key: str, value: Any) -> tuple[Any, str | None]:
    """(the value in its setting's type, problem) — the problem is None when the value is accepted."""
    spec = SPECS.get(key)
    if spec is None:
        raise AftercareError(f"There is no team setting called '{key}'.")
    name = spec.info.label
    if spec.choices:
        try:
            return spec.kind(value), None
        except ValueError:
            allowed = ", ".join(label(choice).lower() for choice in spec.choices)
            return value, f"{name}: choose one of {allowed}."
    if spec.kind is str:
        return _check_text(spec, value)
    if spec.kind is bool:
        return (value, None) if isinstance(value, bool) else (value, f"{name}: choose yes or no.")
    # bool is an int to Python, but True is not a number of days.
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return value, f"{name}: enter a number."
    try:
        number = float(value) if spec.kind is float else _whole(value)
    except ValueError:
        kind = "a number" if spec.kind is float else "a whole number"
        return value, f"{name}: enter {kind}."
    if not math.isfinite(number):
        return value, f"{name}: enter a number."
    low, high = spec.info.minimum, spec.info.maximum
    if (low is not None and number < low) or (high is not None and number > high):
        return number, f"{name}: enter {_plain(low)} to {_plain(high)}{' ' + spec.info.unit if spec.info.unit else ''}."
    return number, None


def _check_text(spec: SettingSpec, value: Any) -> tuple[Any, str | None]:
    name = spec.info.label
    if not isinstance(value, str):
        return value, f"{name}: enter text."
    # Line ends as typed on any desk; no trailing blanks that would print as empty lines.
    clean = "\n".join(line.rstrip() for line in value.replace("\r\n", "\n").replace("\r", "\n").split("\n")).strip()
    if not spec.info.multiline and "\n" in clean:
        return clean, f"{name}: enter one line."
    if spec.info.check_text is not None:
        problem = spec.info.check_text(clean)
        if problem:
            return clean, problem
    if spec.info.maximum is not None and len(clean) > spec.info.maximum:
        return clean, f"{name}: at most {spec.info.maximum:,.0f} characters (now {len(clean):,})."
    return clean, None


def _whole(value: int | float | str) -> int:
    if isinstance(value, int):
        return value
    number = float(value)
    if not number.is_integer():
        raise ValueError(value)
    return int(number)


def _plain(number: float | None) -> str:
    return f"{number:g}"


def stored_values(session: Session) -> TeamSettingsValues:
    """The settings as stored in the database, defaults for the rest; within the caller's session."""
    changes = {}
    stored = TeamSetting.__table__.c  # Core: reading settings needs no ORM set-up (see services/staff.py)
    for key, value in session.execute(select(stored.key, stored.value)):
        if key not in SPECS:
            continue  # a setting of another part of the app, or of a newer version
        clean, problem = check(key, value)
        if problem:
            log.warning("team setting %s holds a value out of range; using its default", key)
            continue
        changes[key] = clean
    return replace(DEFAULTS, **changes)


class TeamSettingsService:
    def __init__(self, database: Database):
        self.database = database

    @staticmethod
    def specs() -> list[SettingSpec]:
        return list(SPECS.values())

    def load(self) -> TeamSettingsValues:
        with self.database.session() as session:
            return stored_values(session)

    def get(self, key: str) -> Any:
        if key not in SPECS:
            raise AftercareError(f"There is no team setting called '{key}'.")
        return getattr(self.load(), key)

    def set(self, key: str, value: Any, actor: Actor) -> TeamSettingsValues:
        """Check and store one setting; raises ValidationFailed with the reason when refused."""
        clean, problem = check(key, value)
        if problem:
            raise ValidationFailed([Problem(key, problem)])
        with self.database.session() as session:
            _put(session, key, clean, actor)
            session.commit()
            return stored_values(session)

    def reset(self, key: str, actor: Actor) -> TeamSettingsValues:
        """Back to the app's default: the stored value is removed."""
        if key not in SPECS:
            raise AftercareError(f"There is no team setting called '{key}'.")
        with self.database.session() as session:
            _remove(session, key, actor)
            session.commit()
            return stored_values(session)

    def store(self, changes: Mapping[str, Any], actor: Actor) -> TeamSettingsValues:
        """Check and store several settings at once, all or none (a settings page's Save).

        A value equal to the app's default is not stored: the setting follows the default again, as
        after `reset`. Raises ValidationFailed with every problem, storing nothing, when any is refused.
        """
        checked, problems = {}, []
        for key, value in changes.items():
            clean, problem = check(key, value)
            if problem:
                problems.append(Problem(key, problem))
            checked[key] = clean
        if problems:
            raise ValidationFailed(problems)
        with self.database.session() as session:
            for key, clean in checked.items():
                if clean == SPECS[key].default:
                    _remove(session, key, actor)
                else:
                    _put(session, key, clean, actor)
            session.commit()
            return stored_values(session)


def _put(session: Session, key: str, clean: Any, actor: Actor) -> None:
    """Store a checked value (audited when it changes anything)."""
    stored = clean.value if isinstance(clean, StrEnum) else clean
    row = session.get(TeamSetting, key)
    if row is None:
        session.add(TeamSetting(key=key, value=stored, updated_by_id=actor.staff_id))
        audit.record(session, actor, AuditAction.CREATE, ENTITY, None, [key])
    elif row.value != stored:
        row.value = stored
        row.updated_at = utcnow()
        row.updated_by_id = actor.staff_id
        audit.record(session, actor, AuditAction.UPDATE, ENTITY, None, [key])


def _remove(session: Session, key: str, actor: Actor) -> None:
    row = session.get(TeamSetting, key)
    if row is not None:
        session.delete(row)
        audit.record(session, actor, AuditAction.DELETE, ENTITY, None, [key])

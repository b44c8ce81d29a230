"""Assessment instruments as data: load, check and score the definition files in resources/instruments.

A definition file describes one instrument (BARC-10, AWARE, or one an organisation adds): its items,
response scale, reverse-scored items, score bands, cut-off, citation and how often it is due. The
format is described in resources/instruments/README.md. Every file is checked when loaded, because a
typo in a definition (a reverse-scored item that does not exist, a gap between two bands) would give
wrong totals without anyone noticing; a broken file is an `AftercareError` naming the file and the
problem.

Scoring is exact integer arithmetic: reverse-scored items count as (min + max − answer).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any

from ..errors import AftercareError, ValidationFailed
from ..paths import resource, user_data_dir
from .validation import Problem

FORMAT_VERSION = 1
CODE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,39}$")
# Column widths of assessment_results (models/recovery.py).
MAX_CODE_LENGTH = 40
MAX_BAND_LABEL_LENGTH = 80

BARC_10 = "BARC-10"
AWARE = "AWARE"


class Direction(StrEnum):
    """Which way a total points: BARC-10 totals are better high, AWARE totals are worse high."""

    HIGHER_IS_BETTER = "higher_is_better"
    HIGHER_IS_WORSE = "higher_is_worse"


@dataclass(frozen=True)
class Scale:
    min: int
    max: int
    labels: Mapping[int, str]

    @property
    def values(self) -> range:
        return range(self.min, self.max + 1)

    def describe(self, value: int) -> str:
        """'4 — Somewhat agree', or just '4' where the scale has no words for the value."""
        text = self.labels.get(value)
        return f"{value} — {text}" if text else str(value)

    def legend(self) -> str:
        """'1 = Strongly disagree … 6 = Strongly agree' for the top of a form."""
        return " · ".join(f"{value} = {text}" for value, text in sorted(self.labels.items()))


@dataclass(frozen=True)
class Item:
    number: int
    # None where the wording is not on file (the form then points to the paper form).
    text: str | None

    @property
    def display_text(self) -> str:
        return self.text or f"Wording of item {self.number} is not on file: read it from the paper form."


@dataclass(frozen=True)
class Band:
    min: int
    max: int
    label: str
    meaning: str

    def contains(self, total: int) -> bool:
        return self.min <= total <= self.max


@dataclass(frozen=True)
class CutOff:
    value: int
    label: str
    meaning: str


@dataclass(frozen=True)
class CadenceRule:
    """From `from_month` months after discharge (until `until_month`, None = for good), every `every_months`."""

    from_month: int
    until_month: int | None
    every_months: int


@dataclass(frozen=True)
class Cadence:
    description: str
    at_discharge: bool
    rules: tuple[CadenceRule, ...]

    def interval_at(self, months_since_discharge: int) -> int:
        """The interval in months that applies at that many whole months after discharge."""
        for rule in self.rules:
            if months_since_discharge < rule.from_month:
                break
            if rule.until_month is None or months_since_discharge < rule.until_month:
                return rule.every_months
        return self.rules[0].every_months  # before discharge: the first rule


@dataclass(frozen=True)
class InstrumentDefinition:
    code: str
    name: str
    version: str
    citation: str
    source: str
    instructions: str
    wording_note: str | None
    scale: Scale
    items: tuple[Item, ...]
    reverse_scored: frozenset[int]
    total_min: int
    total_max: int
    direction: Direction
    bands: tuple[Band, ...]
    cut_off: CutOff | None
    cadence: Cadence | None
    chart_y_min: int
    chart_y_max: int
    order: int = 100
    path: Path | None = None

    @property
    def item_count(self) -> int:
        return len(self.items)

    @property
    def title(self) -> str:
        return f"{self.code} — {self.name}"

    def band_for(self, total: int) -> Band:
        for band in self.bands:
            if band.contains(total):
                return band
        raise ValueError(f"{self.code}: total {total} is outside {self.total_min}–{self.total_max}")

    def item_score(self, number: int, answer: int) -> int:
        """What an answer to item `number` adds to the total (reversed for reverse-scored items)."""
        if number in self.reverse_scored:
            return self.scale.min + self.scale.max - answer
        return answer

    def meets_cut_off(self, total: int) -> bool | None:
        """True when the total is on the favourable side of the cut-off; None without a cut-off.

        Higher is better (BARC-10): favourable at or above the value. Higher is worse: favourable below it.
        """
        if self.cut_off is None:
            return None
        if self.direction is Direction.HIGHER_IS_BETTER:
            return total >= self.cut_off.value
        return total < self.cut_off.value


@dataclass(frozen=True)
class Score:
    total: int
    band: Band
    # One per item, in item order, with reverse scoring applied: these add up to `total`.
    item_scores: tuple[int, ...]
    # The answers as given, one per item in item order (not reversed): what is stored.
    answers: tuple[int, ...]


# -- scoring -----------------------------------------------------------------------------------------


def score(definition: InstrumentDefinition, answers: Sequence[int | None] | Mapping[int, int | None]) -> Score:
    """Score one administration. `answers` is one answer per item in item order, or {item number: answer}.

    Raises ValidationFailed listing every missing or out-of-range answer.
    """
    by_number = _answers_by_number(definition, answers)
    problems: list[Problem] = []
    scores: list[int] = []
    given: list[int] = []
    low, high = definition.scale.min, definition.scale.max
    for item in definition.items:
        answer = by_number.get(item.number)
        field = f"item_{item.number}"
        if answer is None:
            problems.append(Problem(field, f"Item {item.number} is not answered."))
        elif isinstance(answer, bool) or not isinstance(answer, int):
            problems.append(Problem(field, f"Item {item.number}: the answer must be a whole number from {low} to {high}."))
        elif not low <= answer <= high:
            problems.append(Problem(field, f"Item {item.number}: {answer} is outside the scale ({low}–{high})."))
        else:
            given.append(answer)
            scores.append(definition.item_score(item.number, answer))
    if problems:
        raise ValidationFailed(problems)
    total = sum(scores)
    return Score(total, definition.band_for(total), tuple(scores), tuple(given))


def _answers_by_number(definition: InstrumentDefinition, answers) -> dict[int, Any]:
    if isinstance(answers, Mapping):
        unknown = sorted(set(answers) - {item.number for item in definition.items}, key=str)
        if unknown:
            raise ValidationFailed([Problem("answers", f"{definition.code} has no item {unknown[0]}.")])
        return dict(answers)
    answers = list(answers)
    if len(answers) != definition.item_count:
        raise ValidationFailed([Problem(
            "answers", f"{definition.code} has {definition.item_count} items; {len(answers)} answers were given.")])
    return {item.number: answer for item, answer in zip(definition.items, answers)}


# -- months, for the cadence ---------------------------------------------------------------------------


_DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _days_in_month(year: int, month: int) -> int:
    if month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
        return 29
    return _DAYS_IN_MONTH[month - 1]


# Both month functions run for every alumnus and instrument when the Today page asks who is due,
# so they avoid exceptions and calendar tables.
def add_months(day: date, months: int) -> date:
    """The same day `months` later; the 31st becomes the last day of a shorter month."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    month += 1
    dom = day.day
    if dom > 28:
        dom = min(dom, _days_in_month(year, month))
    return date(year, month, dom)


def whole_months_between(start: date, end: date) -> int:
    """Completed calendar months from `start` to `end` (negative when `end` is earlier).

    Consistent with `add_months`: the result is the largest m with add_months(start, m) <= end
    (for an earlier `end`, the smallest m with add_months(start, m) >= end).
    """
    months = (end.year - start.year) * 12 + end.month - start.month
    if months:
        landed = min(start.day, _days_in_month(end.year, end.month))  # add_months(start, months).day
        if months > 0 and landed > end.day:
            months -= 1
        elif months < 0 and landed < end.day:
            months += 1
    return months


# -- loading and checking ------------------------------------------------------------------------------


def instrument_folders() -> list[Path]:
    """Where definitions are read from: the shipped ones, then the organisation's own (if that folder exists)."""
    folders = [resource("instruments")]
    own = user_data_dir() / "instruments"
    if own.is_dir():
        folders.append(own)
    return folders


def load_instruments(folders: Iterable[Path] | None = None) -> dict[str, InstrumentDefinition]:
    """Every definition (*.json) in the folders, checked, by code; in `order`, then file-name order.

    Raises AftercareError naming the file and the problem when a file is broken, or when two files
    define the same code.
    """
    found: dict[str, InstrumentDefinition] = {}
    for folder in (instrument_folders() if folders is None else folders):
        for path in sorted(Path(folder).glob("*.json")):
            definition = load_instrument_file(path)
            if definition.code in found:
                other = found[definition.code].path
                raise AftercareError(
                    f"Instrument files {other.name if other else '?'} and {path.name} both define "
                    f"{definition.code}; remove or rename one of them.")
            found[definition.code] = definition
    return dict(sorted(found.items(), key=lambda pair: pair[1].order))


def load_instrument_file(path: Path) -> InstrumentDefinition:
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise AftercareError(f"Instrument file {path.name} cannot be read: {exc.strerror or exc}.") from None
    except UnicodeDecodeError:
        raise AftercareError(f"Instrument file {path.name} is not UTF-8 text.") from None
    except json.JSONDecodeError as exc:
        raise AftercareError(
            f"Instrument file {path.name} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}).") from None
    try:
        return parse_definition(raw, path)
    except DefinitionError as exc:
        raise AftercareError(f"Instrument file {path.name}: {exc}") from None


class DefinitionError(ValueError):
    """One problem in a definition; `load_instrument_file` adds the file name."""


_TOP_LEVEL = {
    "format": True, "code": True, "name": True, "version": True, "citation": True, "source": True,
    "instructions": True, "wording_note": False, "scale": True, "items": True, "reverse_scored": True,
    "total": True, "direction": True, "bands": True, "cut_off": True, "cadence": True, "chart": True,
    "order": False,
}


def parse_definition(raw: Any, path: Path | None = None) -> InstrumentDefinition:
    """Check a decoded definition and build it. Raises DefinitionError saying what is wrong and where."""
    obj = _Object(raw, "the file")
    obj.only(_TOP_LEVEL)
    file_format = obj.integer("format")
    if file_format != FORMAT_VERSION:
        raise DefinitionError(f"'format' is {file_format}; this version of the app reads format {FORMAT_VERSION}.")

    code = obj.text("code")
    if len(code) > MAX_CODE_LENGTH or not CODE_PATTERN.match(code):
        raise DefinitionError(
            f"'code' {code!r} must be capital letters, digits and hyphens (at most {MAX_CODE_LENGTH}), e.g. \"BARC-10\".")

    scale = _parse_scale(obj.object("scale"))
    items = _parse_items(obj.array("items"), scale)
    numbers = {item.number for item in items}

    reverse: set[int] = set()
    for position, value in enumerate(obj.array("reverse_scored")):
        number = _whole(value, f"'reverse_scored' entry {position + 1}")
        if number not in numbers:
            raise DefinitionError(f"'reverse_scored' names item {number}, but the items are numbered 1–{len(items)}.")
        if number in reverse:
            raise DefinitionError(f"'reverse_scored' names item {number} twice.")
        reverse.add(number)

    total = obj.object("total")
    total.only({"min": True, "max": True})
    total_min, total_max = total.integer("min"), total.integer("max")
    expected = (len(items) * scale.min, len(items) * scale.max)
    if (total_min, total_max) != expected:
        raise DefinitionError(
            f"'total' is {total_min}–{total_max}, but {len(items)} items on a {scale.min}–{scale.max} scale "
            f"add up to {expected[0]}–{expected[1]}.")

    direction_text = obj.text("direction")
    try:
        direction = Direction(direction_text)
    except ValueError:
        raise DefinitionError(
            f"'direction' is {direction_text!r}; use \"higher_is_better\" or \"higher_is_worse\".") from None

    bands = _parse_bands(obj.array("bands"), total_min, total_max)
    cut_off = _parse_cut_off(obj.get("cut_off"), total_min, total_max)
    cadence = _parse_cadence(obj.get("cadence"))

    chart = obj.object("chart")
    chart.only({"y_min": True, "y_max": True})
    y_min, y_max = chart.integer("y_min"), chart.integer("y_max")
    if not y_min < y_max:
        raise DefinitionError(f"'chart': y_min ({y_min}) must be below y_max ({y_max}).")
    if y_min > total_min or y_max < total_max:
        raise DefinitionError(
            f"'chart': the range {y_min}–{y_max} must include every possible total ({total_min}–{total_max}).")

    wording_note = obj.optional_text("wording_note")
    if any(item.text is None for item in items) and not wording_note:
        raise DefinitionError("some items have no text; say why in 'wording_note'.")

    order = obj.get("order")
    order = 100 if order is None else _whole(order, "'order'")

    return InstrumentDefinition(
        code=code,
        name=obj.text("name"),
        version=obj.text("version"),
        citation=obj.text("citation"),
        source=obj.text("source"),
        instructions=obj.text("instructions"),
        wording_note=wording_note,
        scale=scale,
        items=items,
        reverse_scored=frozenset(reverse),
        total_min=total_min,
        total_max=total_max,
        direction=direction,
        bands=bands,
        cut_off=cut_off,
        cadence=cadence,
        chart_y_min=y_min,
        chart_y_max=y_max,
        order=order,
        path=path,
    )


def _parse_scale(obj: _Object) -> Scale:
    obj.only({"min": True, "max": True, "labels": True})
    low, high = obj.integer("min"), obj.integer("max")
    if not low < high:
        raise DefinitionError(f"'scale': min ({low}) must be below max ({high}).")
    labels: dict[int, str] = {}
    raw_labels = obj.object("labels")
    for key, text in raw_labels.raw.items():
        try:
            value = int(key)
        except ValueError:
            raise DefinitionError(f"'scale.labels' key {key!r} is not a scale value.") from None
        if not low <= value <= high:
            raise DefinitionError(f"'scale.labels' has a label for {value}, outside the scale {low}–{high}.")
        if not isinstance(text, str) or not text.strip():
            raise DefinitionError(f"'scale.labels' for {value} must be text.")
        labels[value] = text.strip()
    if low not in labels or high not in labels:
        raise DefinitionError(f"'scale.labels' needs at least the words for both ends ({low} and {high}).")
    return Scale(low, high, labels)


def _parse_items(values: list, scale: Scale) -> tuple[Item, ...]:
    if not values:
        raise DefinitionError("'items' is empty.")
    items = []
    for position, value in enumerate(values, start=1):
        item = _Object(value, f"item {position}")
        item.only({"number": True, "text": True})
        number = item.integer("number")
        if number != position:
            raise DefinitionError(
                f"items must be numbered 1, 2, 3 … in order; entry {position} is numbered {number}.")
        items.append(Item(number, item.optional_text("text")))
    return tuple(items)


def _parse_bands(values: list, total_min: int, total_max: int) -> tuple[Band, ...]:
    if not values:
        raise DefinitionError("'bands' is empty; give at least one band covering the whole total range.")
    bands = []
    for position, value in enumerate(values, start=1):
        obj = _Object(value, f"band {position}")
        obj.only({"min": True, "max": True, "label": True, "meaning": True})
        band = Band(obj.integer("min"), obj.integer("max"), obj.text("label"), obj.text("meaning"))
        if band.min > band.max:
            raise DefinitionError(f"band {position} ({band.label!r}) runs from {band.min} down to {band.max}.")
        if len(band.label) > MAX_BAND_LABEL_LENGTH:
            raise DefinitionError(f"band {position}: the label is longer than {MAX_BAND_LABEL_LENGTH} characters.")
        bands.append(band)
    bands.sort(key=lambda b: b.min)
    expected = total_min
    for band in bands:
        if band.min > expected:
            raise DefinitionError(f"the bands leave totals {expected}–{band.min - 1} without a band.")
        if band.min < expected:
            if band.min < total_min:
                raise DefinitionError(f"band {band.label!r} starts at {band.min}, below the lowest total {total_min}.")
            raise DefinitionError(f"bands overlap at {band.min}–{min(expected - 1, band.max)} (see {band.label!r}).")
        expected = band.max + 1
    if expected - 1 != total_max:
        if expected - 1 > total_max:
            raise DefinitionError(f"the last band ends at {expected - 1}, above the highest total {total_max}.")
        raise DefinitionError(f"the bands leave totals {expected}–{total_max} without a band.")
    return tuple(bands)


def _parse_cut_off(value: Any, total_min: int, total_max: int) -> CutOff | None:
    if value is None:
        return None
    obj = _Object(value, "'cut_off'")
    obj.only({"value": True, "label": True, "meaning": True})
    cut = CutOff(obj.integer("value"), obj.text("label"), obj.text("meaning"))
    if not total_min < cut.value <= total_max:
        raise DefinitionError(
            f"'cut_off' value {cut.value} is outside the total range ({total_min + 1}–{total_max} possible).")
    return cut


def _parse_cadence(value: Any) -> Cadence | None:
    if value is None:
        return None
    obj = _Object(value, "'cadence'")
    obj.only({"description": True, "at_discharge": True, "rules": True})
    at_discharge = obj.get("at_discharge")
    if not isinstance(at_discharge, bool):
        raise DefinitionError("'cadence.at_discharge' must be true or false.")
    rules = []
    expected_start = 0
    raw_rules = obj.array("rules")
    if not raw_rules:
        raise DefinitionError("'cadence.rules' is empty; give at least one rule starting at month 0.")
    for position, raw in enumerate(raw_rules, start=1):
        rule_obj = _Object(raw, f"cadence rule {position}")
        rule_obj.only({"from_month": True, "until_month": True, "every_months": True})
        start = rule_obj.integer("from_month")
        until = rule_obj.get("until_month")
        if until is not None:
            until = _whole(until, f"cadence rule {position} 'until_month'")
        every = rule_obj.integer("every_months")
        if start != expected_start:
            raise DefinitionError(
                f"cadence rule {position} starts at month {start}; it must start where the previous one ends "
                f"(month {expected_start}).")
        if until is not None and until <= start:
            raise DefinitionError(f"cadence rule {position} ends (month {until}) before it starts (month {start}).")
        if every < 1:
            raise DefinitionError(f"cadence rule {position}: 'every_months' must be 1 or more.")
        last = position == len(raw_rules)
        if last and until is not None:
            raise DefinitionError("the last cadence rule must have \"until_month\": null (it applies for good).")
        if not last and until is None:
            raise DefinitionError(f"cadence rule {position} has no end, but more rules follow it.")
        rules.append(CadenceRule(start, until, every))
        expected_start = until if until is not None else start
    return Cadence(obj.text("description"), at_discharge, tuple(rules))


def _whole(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise DefinitionError(f"{where} must be a whole number, not {json.dumps(value)}.")
    return value


class _Object:
    """A JSON object being checked; messages name the field with its place in the file."""

    def __init__(self, raw: Any, where: str):
        if not isinstance(raw, dict):
            raise DefinitionError(f"{where} must be a JSON object {{…}}.")
        self.raw = raw
        self.where = where

    def _name(self, key: str) -> str:
        return f"'{key}'" if self.where == "the file" else f"{self.where}: '{key}'"

    def only(self, keys: Mapping[str, bool]) -> None:
        # A misspelt key (say "reverse_scorred") would otherwise be ignored and give wrong totals.
        for key in self.raw:
            if key not in keys:
                raise DefinitionError(f"{self._name(key)} is not a field of the format (misspelt?).")
        for key, required in keys.items():
            if required and key not in self.raw:
                raise DefinitionError(f"{self._name(key)} is missing.")

    def get(self, key: str) -> Any:
        return self.raw.get(key)

    def text(self, key: str) -> str:
        value = self.raw.get(key)
        if not isinstance(value, str) or not value.strip():
            raise DefinitionError(f"{self._name(key)} must be text.")
        return value.strip()

    def optional_text(self, key: str) -> str | None:
        value = self.raw.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            raise DefinitionError(f"{self._name(key)} must be text or null.")
        return value.strip() or None

    def integer(self, key: str) -> int:
        return _whole(self.raw.get(key), self._name(key))

    def object(self, key: str) -> _Object:
        return _Object(self.raw.get(key), self._name(key))

    def array(self, key: str) -> list:
        value = self.raw.get(key)
        if not isinstance(value, list):
            raise DefinitionError(f"{self._name(key)} must be a list […].")
        return value

"""Instrument definition files: the shipped ones load with their published facts; broken ones are refused
with a message that names the file and says what is wrong."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from aftercare_desktop.errors import AftercareError
from aftercare_desktop.paths import resource
from aftercare_desktop.services.instruments import (
    AWARE,
    BARC_10,
    Direction,
    load_instrument_file,
    load_instruments,
)


@pytest.fixture(scope="module")
def shipped():
    return load_instruments([resource("instruments")])


@pytest.fixture
def barc_raw() -> dict:
    return json.loads(resource("instruments", "barc10.json").read_text(encoding="utf-8"))


def write(folder: Path, raw, name: str = "mine.json") -> Path:
    path = folder / name
    path.write_text(raw if isinstance(raw, str) else json.dumps(raw), encoding="utf-8")
    return path


def test_both_shipped_instruments_load(shipped):
    assert list(shipped) == [BARC_10, AWARE]  # in their `order`
    for definition in shipped.values():
        assert [item.number for item in definition.items] == list(range(1, definition.item_count + 1))
        assert definition.citation and definition.source and definition.instructions
        assert definition.bands[0].min == definition.total_min and definition.bands[-1].max == definition.total_max


def test_barc10_facts(shipped):
    barc = shipped[BARC_10]
    assert barc.item_count == 10
    assert (barc.scale.min, barc.scale.max) == (1, 6)
    assert (barc.total_min, barc.total_max) == (10, 60)
    assert barc.reverse_scored == frozenset()
    assert barc.direction is Direction.HIGHER_IS_BETTER
    assert barc.cut_off.value == 47
    assert "Vilsaint" in barc.citation and "177" in barc.citation
    assert barc.items[0].text == "There are more important things to me in life than using substances."
    assert barc.items[9].text == "I am making good progress on my recovery journey."
    assert barc.cadence.at_discharge
    assert (barc.chart_y_min, barc.chart_y_max) == (0, 60)


def test_aware_facts(shipped):
    aware = shipped[AWARE]
    assert aware.item_count == 28
    assert (aware.scale.min, aware.scale.max) == (1, 7)
    assert aware.scale.labels[1] == "Never" and aware.scale.labels[7] == "Always"
    assert aware.reverse_scored == frozenset({8, 14, 20, 24, 26})
    assert (aware.total_min, aware.total_max) == (28, 196)
    assert aware.direction is Direction.HIGHER_IS_WORSE
    assert aware.cut_off is None
    assert "Miller" in aware.citation and "759" in aware.citation and "CASAA" in aware.source
    assert [(b.min, b.max) for b in aware.bands][:2] == [(28, 55), (56, 69)]
    assert [r.every_months for r in aware.cadence.rules] == [2]


def test_aware_items_without_wording_point_to_the_paper_form(shipped):
    aware = shipped[AWARE]
    missing = [item.number for item in aware.items if item.text is None]
    assert missing == [24, 25, 26, 27, 28]
    assert "paper form" in aware.items[23].display_text
    assert "24–28" in aware.wording_note


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d.pop("items"), "'items' is missing"),
        (lambda d: d.update(reverse_scorred=[1]), "'reverse_scorred' is not a field of the format"),
        (lambda d: d.update(format=2), "this version of the app reads format 1"),
        (lambda d: d.update(code="barc 10"), "'code' 'barc 10' must be capital letters"),
        (lambda d: d.update(code="X" * 41), "at most 40"),
        (lambda d: d.update(name=""), "'name' must be text"),
        (lambda d: d["items"].__setitem__(3, {"number": 5, "text": "x"}), "entry 4 is numbered 5"),
        (lambda d: d["items"].__setitem__(0, {"number": "1", "text": "x"}), "item 1: 'number' must be a whole number"),
        (lambda d: d["items"].__setitem__(0, {"number": 1, "txt": "x"}), "item 1: 'txt' is not a field"),
        (lambda d: (d["items"].__setitem__(0, {"number": 1, "text": None}), d.pop("wording_note")), "some items have no text; say why in 'wording_note'"),
        (lambda d: d.update(items=[]), "'items' is empty"),
        (lambda d: d.update(reverse_scored=[11]), "'reverse_scored' names item 11, but the items are numbered 1–10"),
        (lambda d: d.update(reverse_scored=[2, 2]), "'reverse_scored' names item 2 twice"),
        (lambda d: d.update(reverse_scored=[True]), "'reverse_scored' entry 1 must be a whole number"),
        (lambda d: d.update(total={"min": 10, "max": 61}), "10 items on a 1–6 scale add up to 10–60"),
        (lambda d: d.update(direction="up"), "'direction' is 'up'"),
        (lambda d: d["scale"].update(min=6, max=1), "'scale': min (6) must be below max (1)"),
        (lambda d: d["scale"]["labels"].update({"7": "Beyond"}), "a label for 7, outside the scale 1–6"),
        (lambda d: d["scale"]["labels"].pop("6"), "needs at least the words for both ends (1 and 6)"),
        (lambda d: d["scale"]["labels"].update({"x": "?"}), "key 'x' is not a scale value"),
        (lambda d: d["bands"][0].update(max=40), "the bands leave totals 41–46 without a band"),
        (lambda d: d["bands"][0].update(max=47), "bands overlap at 47–47"),
        (lambda d: d["bands"][1].update(max=61), "the last band ends at 61, above the highest total 60"),
        (lambda d: d["bands"][1].update(max=59), "the bands leave totals 60–60 without a band"),
        (lambda d: d["bands"][0].update(min=5), "starts at 5, below the lowest total 10"),
        (lambda d: d["bands"][0].update(min=20, max=15), "runs from 20 down to 15"),
        (lambda d: d["bands"][0].update(label="L" * 81), "longer than 80 characters"),
        (lambda d: d.update(bands=[]), "'bands' is empty"),
        (lambda d: d["cut_off"].update(value=61), "'cut_off' value 61 is outside the total range"),
        (lambda d: d["cut_off"].update(value=10), "'cut_off' value 10 is outside the total range"),
        (lambda d: d["cut_off"].update(value=47.5), "'cut_off': 'value' must be a whole number"),
        (lambda d: d["cadence"]["rules"][0].update(from_month=1), "cadence rule 1 starts at month 1"),
        (lambda d: d["cadence"]["rules"][1].update(from_month=4), "cadence rule 2 starts at month 4"),
        (lambda d: d["cadence"]["rules"][2].update(until_month=24), "the last cadence rule must have \"until_month\": null"),
        (lambda d: d["cadence"]["rules"][0].update(until_month=None), "cadence rule 1 has no end, but more rules follow"),
        (lambda d: d["cadence"]["rules"][0].update(every_months=0), "cadence rule 1: 'every_months' must be 1 or more"),
        (lambda d: d["cadence"]["rules"][0].update(until_month=0), "cadence rule 1 ends (month 0) before it starts"),
        (lambda d: d["cadence"].update(at_discharge="yes"), "'cadence.at_discharge' must be true or false"),
        (lambda d: d["cadence"].update(rules=[]), "'cadence.rules' is empty"),
        (lambda d: d["chart"].update(y_min=20), "must include every possible total (10–60)"),
        (lambda d: d["chart"].update(y_min=60, y_max=10), "y_min (60) must be below y_max (10)"),
    ],
)
def test_a_broken_definition_names_the_file_and_the_problem(tmp_path, barc_raw, change, expected):
    raw = copy.deepcopy(barc_raw)
    change(raw)
    path = write(tmp_path, raw)
    with pytest.raises(AftercareError) as error:
        load_instrument_file(path)
    message = str(error.value)
    assert message.startswith("Instrument file mine.json: ")
    assert expected in message


def test_not_json(tmp_path):
    path = write(tmp_path, '{"format": 1,\n "code": "X",,}')
    with pytest.raises(AftercareError, match=r"Instrument file mine.json is not valid JSON \(line 2, column"):
        load_instrument_file(path)


def test_not_an_object(tmp_path):
    with pytest.raises(AftercareError, match="the file must be a JSON object"):
        load_instrument_file(write(tmp_path, "[1, 2]"))


def test_not_utf8(tmp_path):
    path = tmp_path / "latin.json"
    path.write_bytes('{"name": "Évaluation"}'.encode("latin-1"))
    with pytest.raises(AftercareError, match="latin.json is not UTF-8 text"):
        load_instrument_file(path)


def test_two_files_with_the_same_code(tmp_path, barc_raw):
    write(tmp_path, barc_raw, "a.json")
    write(tmp_path, barc_raw, "b.json")
    with pytest.raises(AftercareError, match="Instrument files a.json and b.json both define BARC-10"):
        load_instruments([tmp_path])


def test_an_organisation_adds_its_own_instrument(tmp_path, barc_raw):
    own = copy.deepcopy(barc_raw)
    own.update(code="MY-SCALE-2", name="Our own check", cut_off=None, cadence=None, wording_note=None)
    own.pop("order")  # appears after the shipped ones
    write(tmp_path, own, "own.json")
    found = load_instruments([resource("instruments"), tmp_path])
    assert list(found) == [BARC_10, AWARE, "MY-SCALE-2"]
    assert found["MY-SCALE-2"].cut_off is None and found["MY-SCALE-2"].cadence is None


def test_the_organisation_folder_is_read_when_it_exists(tmp_path, monkeypatch, barc_raw):
    import aftercare_desktop.services.instruments as instruments

    monkeypatch.setattr(instruments, "user_data_dir", lambda: tmp_path)
    assert instruments.instrument_folders() == [resource("instruments")]
    (tmp_path / "instruments").mkdir()
    own = dict(copy.deepcopy(barc_raw), code="OWN")
    write(tmp_path / "instruments", own)
    assert "OWN" in load_instruments()

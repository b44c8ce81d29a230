"""The team settings' declarations: where each is edited, and how values of every kind are judged."""

from __future__ import annotations

import pytest

from aftercare_desktop.services import team_settings
from aftercare_desktop.services.team_settings import (
    EARLY_WARNING,
    GROUPS,
    MENTOR_PROGRAM,
    SPECS,
    TODAY_PAGE,
    SettingInfo,
    SettingSpec,
    check,
)


def test_every_setting_belongs_to_a_group_and_numbers_have_a_range():
    for spec in SPECS.values():
        assert spec.info.group in GROUPS, spec.key
        if spec.kind in (int, float):
            assert spec.info.minimum is not None and spec.info.maximum is not None, spec.key
            assert spec.info.minimum <= spec.default <= spec.info.maximum, spec.key
        assert check(spec.key, spec.default) == (spec.default, None), spec.key


def test_the_groups_hold_what_their_pages_use():
    by_group = {group: [key for key, spec in SPECS.items() if spec.info.group == group] for group in GROUPS}
    assert by_group[TODAY_PAGE] == ["due_soon_days", "milestone_days_ahead", "assessment_days_ahead"]
    assert by_group[MENTOR_PROGRAM] == ["mentor_min_sobriety_months", "repairing_cooldown_days",
                                        "pairing_review_days"]
    assert {"unanswered_attempts", "barc10_cutoff", "high_level_signals"} <= set(by_group[EARLY_WARNING])
    assert all(SPECS[key].info.section for key in by_group[EARLY_WARNING])


@pytest.fixture
def yes_or_no(monkeypatch):
    """A setting of a kind none is of yet: a settings page must still know what to do with it."""
    spec = SettingSpec("celebrate_in_groups", bool, True, SettingInfo("Celebrate in groups", group=TODAY_PAGE))
    monkeypatch.setitem(team_settings.SPECS, spec.key, spec)
    return spec.key


def test_a_yes_or_no_setting_takes_only_yes_or_no(yes_or_no):
    assert check(yes_or_no, False) == (False, None)
    assert check(yes_or_no, 1)[1] == "Celebrate in groups: choose yes or no."
    assert check(yes_or_no, "yes")[1] == "Celebrate in groups: choose yes or no."

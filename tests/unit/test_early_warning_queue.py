"""The queue runs each rule only for the alumni it may fire for (`early_warning._candidates`, worked
out over the whole caseload at once); it must say exactly what `judge` says, alumnus by alumnus.
Caseloads of a few people with facts near every threshold, several together so that the columns of
one person never leak into the next."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta, timezone

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aftercare_desktop.models.enums import STANDARD_WARNING_SIGNS, CheckinCadence, RecurrenceKind
from aftercare_desktop.services import early_warning as ew
from aftercare_desktop.services.team_settings import DEFAULTS

TODAY = date(2026, 6, 15)
SIGNS = (*STANDARD_WARNING_SIGNS[:3], "Ça ne va pas", "不眠")  # a person's own words, not only Latin-1


def _day(days_ago: int) -> date:
    return TODAY - timedelta(days=days_ago)


@st.composite
def checkin(draw, days_ago: int) -> ew.CheckinFact:
    at = datetime.combine(_day(days_ago), time(draw(st.integers(0, 23)), draw(st.integers(0, 59))))
    return ew.CheckinFact(
        at.date(),
        mood=draw(st.one_of(st.none(), st.integers(1, 5))),
        craving=draw(st.one_of(st.none(), st.integers(0, 10))),
        meetings_attended=draw(st.one_of(st.none(), st.integers(0, 6))),
        warning_signs=tuple(draw(st.lists(st.sampled_from(SIGNS), max_size=3, unique=True))),
        at=at.astimezone().astimezone(timezone.utc),
    )


@st.composite
def alumnus_facts(draw, alumnus_id: int) -> ew.AlumnusFacts:
    gaps = draw(st.lists(st.integers(0, 12), max_size=12))
    days, recent = 0, []
    for gap in gaps:  # newest first
        days += gap
        recent.append(draw(checkin(days)))
    recent.sort(key=lambda c: c.at, reverse=True)
    per_week = draw(st.integers(0, 3))
    results = st.lists(st.builds(ew.AssessmentFact, st.integers(0, 250).map(_day), st.integers(10, 60)),
                       max_size=2).map(lambda found: tuple(sorted(found, reverse=True)))
    unanswered = draw(st.integers(0, 4))
    return ew.AlumnusFacts(
        alumnus_id,
        contact_start=_day(draw(st.integers(0, 60))),
        contact_start_kind=draw(st.sampled_from(list(ew.ContactStart))),
        cadence=draw(st.one_of(st.none(), st.sampled_from(list(CheckinCadence)))),
        plan_started_on=draw(st.one_of(st.none(), st.integers(0, 30).map(_day))),
        meetings_per_week=per_week,
        last_reached_on=draw(st.one_of(st.none(), st.integers(0, 40).map(_day))),
        unanswered_in_a_row=unanswered,
        unanswered_since=_day(3) if unanswered else None,
        unanswered_all_calls=draw(st.booleans()),
        recent=tuple(ew.pack(c) for c in recent),
        meetings_recorded=draw(st.integers(0, 6)),
        meetings_recorded_attended=draw(st.integers(0, 6)),
        barc10=draw(results),
        aware=draw(results),
        last_recurrence=draw(st.one_of(st.none(), st.builds(ew.RecurrenceFact, st.integers(-1, 32).map(_day),
                                                            st.sampled_from(list(RecurrenceKind))))),
        mentor=draw(st.one_of(st.none(), st.builds(ew.MentorFact, st.integers(0, 30).map(_day),
                                                   st.one_of(st.none(), st.integers(0, 20).map(_day))))),
    )


team_settings = st.builds(
    lambda mood_window, baseline, drop, craving_window, slope, sign_count, least, share: replace(
        DEFAULTS, mood_window_checkins=mood_window, mood_baseline_checkins=baseline, mood_drop=drop,
        craving_window_checkins=craving_window, craving_slope=slope, warning_sign_count=sign_count,
        meetings_missed_least=least, meetings_missed_share=share),
    st.integers(1, 4), st.integers(1, 6), st.sampled_from([0.5, 1.0, 1.5]), st.integers(2, 5),
    st.sampled_from([0.5, 1.0, 4 / 3]), st.integers(1, 3), st.integers(1, 3), st.sampled_from([0.25, 0.5, 0.75]),
)


@st.composite
def caseloads(draw) -> ew.Caseload:
    facts = [draw(alumnus_facts(alumnus_id)) for alumnus_id in range(1, draw(st.integers(1, 6)) + 1)]
    people = {f.alumnus_id: ew.Person(f.alumnus_id, f"C{f.alumnus_id}", "First", f"Last{f.alumnus_id}", None,
                                      f"last{f.alumnus_id}", None, None, None) for f in facts}
    return ew.Caseload(people, facts)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(caseloads(), team_settings)
def test_the_queue_says_what_judge_says_for_each_alumnus(caseload, team):
    ctx = ew.RuleContext.of(team, TODAY)
    expected = {}
    for f in caseload.facts:
        attention = ew.judge(f, ctx)
        if attention.reasons:
            expected[f.alumnus_id] = (attention.level, attention.reasons)
    rows = ew.queue(caseload, team, TODAY)
    assert {row.alumnus_id: (row.level, row.reasons) for row in rows} == expected
    assert len(rows) == len(expected)


def test_the_queue_of_nobody_is_empty():
    assert ew.queue(ew.Caseload({}, []), DEFAULTS, TODAY) == []

"""One alumnus judged on past days from one read of their history (a report's look back) finds the
very facts the set-based loader finds for each of those days, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest

from aftercare_desktop.models.enums import AlumniStatus
from aftercare_desktop.services.early_warning import (
    AttentionService,
    CaseloadFilter,
    RuleContext,
    load_caseload,
    load_history,
)
from aftercare_desktop.services.team_settings import stored_values
from tests.conftest import FIXED_TODAY
from tests.db.caseload_data import CaseloadBuilder, random_caseload

TODAY = FIXED_TODAY


@pytest.mark.parametrize("seed", [3, 11])
def test_history_facts_equal_the_loaders_day_by_day(any_db, seed):
    build = CaseloadBuilder(any_db, TODAY)
    ids = random_caseload(build, seed, alumni=25)
    days = [TODAY - timedelta(days=n) for n in (0, 1, 6, 13, 30, 61, 120, 400)]
    compared = 0
    with any_db.session() as session:
        settings = stored_values(session)
        for alumnus_id in ids:
            history = load_history(session, alumnus_id)
            for day in days:
                loaded = load_caseload(session, settings, day, CaseloadFilter(alumni_ids=(alumnus_id,)))
                if history is None:
                    assert loaded.facts == []
                    continue
                (expected,) = loaded.facts
                assert history.facts_on(RuleContext.of(settings, day)) == expected, (alumnus_id, day)
                compared += 1
    assert compared > 100


def test_assess_on_days_leaves_out_the_future_and_people_not_followed(any_db):
    build = CaseloadBuilder(any_db, TODAY)
    late = build.alumnus("Late", "Person")
    build.reached(late, 30)
    gone = build.alumnus("Gone", "Person", status=AlumniStatus.INACTIVE)
    attention = AttentionService(any_db, today=lambda: TODAY)
    looks = attention.assess_on_days(late, [TODAY - timedelta(days=20), TODAY, TODAY + timedelta(days=7)])
    assert [day for day, _ in looks] == [TODAY - timedelta(days=20), TODAY]
    assert looks[0][1].reasons == () and looks[1][1].reasons[0].text.startswith("No check-in for 30 days")
    assert attention.assess_on_days(gone, [TODAY]) == []

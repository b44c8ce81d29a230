from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aftercare_desktop.services.records import AlumnusData, SupportContactData
from aftercare_desktop.services.validation import Severity, check_alumnus, normalise_phone, parse_date

TODAY = date(2026, 6, 15)


def valid(**changes) -> AlumnusData:
    values = dict(client_id="AC-1", first_name="José", last_name="Núñez", date_of_birth=date(1990, 5, 1))
    values.update(changes)
    return AlumnusData(**values)


def fields_with_errors(data: AlumnusData) -> set[str]:
    return {p.field for p in check_alumnus(data, today=TODAY).errors}


def test_a_complete_record_passes():
    checked = check_alumnus(valid(phone_mobile="312 555 0142", email="Jose@Example.org"), today=TODAY)
    assert checked.ok
    assert checked.data.phone_mobile == "(312) 555-0142"
    assert checked.data.email == "jose@example.org"


@pytest.mark.parametrize("name", ["client_id", "first_name", "last_name"])
def test_required_fields(name):
    assert name in fields_with_errors(valid(**{name: "  "}))


def test_discharge_before_admission_is_refused():
    data = valid(admission_date=date(2025, 3, 1), discharge_date=date(2025, 2, 28))
    assert fields_with_errors(data) == {"discharge_date"}
    assert check_alumnus(valid(admission_date=date(2025, 3, 1), discharge_date=date(2025, 3, 1)), today=TODAY).ok


def test_sobriety_start_may_be_tomorrow_but_no_later():
    # Tomorrow: the count after a return to use recorded today starts the next day.
    assert check_alumnus(valid(sobriety_start_date=date(2026, 6, 16)), today=TODAY).ok
    assert fields_with_errors(valid(sobriety_start_date=date(2026, 6, 17))) == {"sobriety_start_date"}


@pytest.mark.parametrize(
    ("birth", "ok"),
    [
        (date(2014, 6, 15), True),   # 12 today
        (date(2014, 6, 16), False),  # 11, twelve tomorrow
        (date(1916, 6, 16), True),   # 109... 110 tomorrow
        (date(1915, 6, 15), False),  # 111
    ],
)
def test_age_must_be_12_to_110(birth, ok):
    assert check_alumnus(valid(date_of_birth=birth), today=TODAY).ok is ok


def test_phone_numbers_are_normalised_or_refused():
    assert normalise_phone("+44 20 7946 0958") == ("+44 20 7946 0958", None)
    formatted, problem = normalise_phone("ask at the front desk")
    assert problem == "'ask at the front desk' is not a phone number"
    assert formatted == "ask at the front desk"  # kept as typed so the form can show it
    assert fields_with_errors(valid(phone_home="12")) == {"phone_home"}


@pytest.mark.parametrize("email", ["no-at-sign", "a@b", "two@@example.org", "sp ace@example.org"])
def test_bad_emails(email):
    assert fields_with_errors(valid(email=email)) == {"email"}


def test_support_contacts_need_a_name_and_a_real_phone():
    data = valid(support_contacts=[SupportContactData(name="", phone="2125550199"),
                                   SupportContactData(name="Rosa", phone="nope")])
    problems = check_alumnus(data, today=TODAY).errors
    assert [p.message for p in problems] == [
        "Support contact 1 needs a name",
        "Support contact 2: 'nope' is not a phone number",
    ]


def test_lists_are_trimmed_and_deduplicated():
    checked = check_alumnus(valid(languages=[" Spanish", "spanish", "English", ""]), today=TODAY)
    assert checked.data.languages == ["Spanish", "English"]


def test_parse_date_accepts_iso_and_us_forms():
    assert parse_date("2024-03-01") == date(2024, 3, 1)
    assert parse_date("03/01/2024") == date(2024, 3, 1)
    assert parse_date("  ") is None
    with pytest.raises(ValueError, match="not a date"):
        parse_date("3/1/65")  # 1965 or 2065? Ask rather than guess.
    with pytest.raises(ValueError, match="not a date"):
        parse_date("31/31/2024")


optional_text = st.one_of(st.none(), st.text(max_size=300))
optional_date = st.one_of(st.none(), st.dates())


@given(
    st.builds(
        AlumnusData,
        client_id=st.text(max_size=60), first_name=st.text(max_size=100), last_name=st.text(max_size=100),
        preferred_name=optional_text, email=optional_text, phone_mobile=optional_text, phone_home=optional_text,
        postal_code=optional_text, date_of_birth=optional_date, admission_date=optional_date,
        discharge_date=optional_date, sobriety_start_date=optional_date, opted_in_on=optional_date,
        opted_out_on=optional_date, languages=st.lists(st.text(max_size=20), max_size=4),
        support_contacts=st.lists(st.builds(SupportContactData, name=st.text(max_size=30),
                                            phone=optional_text), max_size=3),
    )
)
def test_validation_never_crashes_and_always_explains(data):
    checked = check_alumnus(data, today=TODAY)
    for problem in checked.problems:
        assert problem.message.strip()
        assert problem.severity in (Severity.ERROR, Severity.WARNING)
    # What passes is stored as given: re-checking the cleaned data finds nothing new.
    if checked.ok:
        assert check_alumnus(checked.data, today=TODAY).ok

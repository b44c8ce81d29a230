"""The team settings documents print: text values tidied and bounded, the logo an image or nothing,
and the notice texts as the regulation words them until the team rewords them."""

from __future__ import annotations

import io
from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from aftercare_desktop.models.enums import NoticeStatement
from aftercare_desktop.reports.export import notice_text, organisation
from aftercare_desktop.services.team_settings import DEFAULTS, check, logo_bytes, logo_text


def test_text_settings_are_tidied():
    assert check("organisation_name", "  Casa Esperanza  ") == ("Casa Esperanza", None)
    assert check("organisation_address", "1200 Calle Ñandú  \r\nSanta Fe\r\n\r\n") == (
        "1200 Calle Ñandú\nSanta Fe", None)


def test_text_settings_refuse_what_does_not_print():
    assert check("organisation_name", "Two\nlines")[1] == "Organisation name: enter one line."
    assert check("organisation_name", 42)[1] == "Organisation name: enter text."
    assert check("organisation_name", "x" * 121)[1] == "Organisation name: at most 120 characters (now 121)."
    assert check("notice_statement_2", "y" * 1001)[1].startswith("Text of Statement 2 (abbreviated): at most 1,000")


@given(st.text(max_size=200))
def test_a_one_line_text_is_accepted_or_refused_with_a_reason(value):
    clean, problem = check("organisation_phone", value)
    if problem is None:
        assert "\n" not in clean and len(clean) <= 40 and clean == clean.strip()
    else:
        assert problem.startswith("Organisation phone:")


def png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (46, 107, 94)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_the_logo_is_a_png_or_jpeg_of_reasonable_size():
    image = png(40, 20)
    assert check("organisation_logo", logo_text(image)) == (logo_text(image), None)
    assert logo_bytes(logo_text(image)) == image
    assert check("organisation_logo", logo_text(b"GIF89a not ours"))[1] == "Logo: choose a PNG or JPEG image."
    assert check("organisation_logo", "not base64 at all!")[1] == "Logo: choose a PNG or JPEG image."
    assert check("organisation_logo", "A" * 500_000)[1] == "Logo: choose an image of at most 300 KB."
    assert check("organisation_logo", "") == ("", None)


def test_without_a_logo_of_their_own_documents_carry_the_apps():
    assert organisation(DEFAULTS).logo.startswith(b"\x89PNG")
    assert organisation(DEFAULTS).name == "Aftercare Program" and organisation(DEFAULTS).address_lines == ()


def test_notice_texts_default_to_the_regulation_and_follow_the_team():
    assert notice_text(DEFAULTS, NoticeStatement.STATEMENT_1).startswith(
        "This record which has been disclosed to you is protected by Federal confidentiality rules (42 CFR part 2).")
    assert notice_text(DEFAULTS, NoticeStatement.STATEMENT_2) == (
        "42 CFR part 2 prohibits unauthorized use or disclosure of these records.")
    reworded = replace(DEFAULTS, notice_statement_2="Our wording.")
    assert notice_text(reworded, NoticeStatement.STATEMENT_2) == "Our wording."
    assert notice_text(reworded, NoticeStatement.STATEMENT_1).startswith("This record which has been disclosed")

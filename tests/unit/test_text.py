import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from aftercare_desktop.services import text


def test_fold_removes_accents_and_case():
    assert text.fold("Núñez-GARCÍA") == "nunez-garcia"
    assert text.fold("Nguyễn Thị Thảo") == "nguyen thi thao"
    assert text.fold("Zoë  Øster") == "zoe oster"
    assert text.fold("Straße") == "strasse"


def test_digits_keeps_only_digits():
    assert text.digits("(555) 010-2020") == "5550102020"


def test_sort_name_orders_by_last_then_first():
    names = [("Zoë", "Adams"), ("Ana", "Adams"), ("Bob", "Ábalos")]
    ordered = sorted(names, key=lambda n: text.sort_name(*n))
    assert ordered == [("Bob", "Ábalos"), ("Ana", "Adams"), ("Zoë", "Adams")]


def test_escape_like_neutralises_wildcards():
    assert text.escape_like("50%_a\\b") == "50\\%\\_a\\\\b"


@given(st.text())
def test_fold_is_idempotent(value):
    assert text.fold(text.fold(value)) == text.fold(value)


@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_ascii_text_folds_as_the_full_unicode_folding_does(value):
    # The shortcut for ASCII must give what the two rounds of decomposition and case folding give.
    full = value
    for _ in range(2):
        full = "".join(ch for ch in unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", full).casefold())
                       if not unicodedata.combining(ch))
    assert text.fold(value) == " ".join(full.split())

"""Folding text for search and sorting: case-, accent- and punctuation-insensitive."""

from __future__ import annotations

import re
import unicodedata

# Letters that Unicode does not decompose into a base letter plus an accent.
_EXTRA_FOLDS = str.maketrans({"ø": "o", "đ": "d", "ð": "d", "ł": "l", "æ": "ae", "œ": "oe", "þ": "th", "ı": "i"})
_NON_DIGITS = re.compile(r"\D+")
_SPACES = re.compile(r"\s+")


def fold(value: str | None) -> str:
    """'Núñez-García ' -> 'nunez-garcia'. Same folding for stored keys and for typed queries."""
    if not value:
        return ""
    if value.isascii():
        # Nothing to decompose and no accents: the rounds below would only lower the case (most names,
        # every email and client id; a demo of 100,000 alumni folds half a million of them).
        return _SPACES.sub(" ", value.lower()).strip()
    # Compatibility forms (ℌ, ﬁ) decompose to letters that still need case folding, and case
    # folding can produce letters that decompose again; two rounds reach a fixed point.
    for _ in range(2):
        decomposed = unicodedata.normalize("NFKD", value).casefold()
        value = "".join(ch for ch in unicodedata.normalize("NFKD", decomposed) if not unicodedata.combining(ch))
    return _SPACES.sub(" ", value.translate(_EXTRA_FOLDS)).strip()


def digits(value: str | None) -> str:
    return _NON_DIGITS.sub("", value or "")


def sort_name(first_name: str, last_name: str) -> str:
    return fold(f"{last_name}\x1f{first_name}")


def search_text(*parts: str | None) -> str:
    """All searchable words of a record in one folded string; '|' keeps parts from running together."""
    return "|".join(fold(part) for part in parts if part)


def phone_digits(*phones: str | None) -> str:
    return "|".join(digits(phone) for phone in phones if phone)


def escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")

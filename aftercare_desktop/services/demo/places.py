"""Places and numbers for the demo data: cities with their area codes and ZIP prefixes, fictional phone
numbers, street addresses, and emails at the reserved example domains."""

from __future__ import annotations

import random
import re

from ..text import fold
from .context import Weighted, below, choice, randint
from .names import NamePools

# Real cities with real area codes and ZIP prefixes; numbers are made fictional by the 555-01XX range.
CITIES: tuple[tuple[str, tuple[str, ...], str, float], ...] = (
    ("Chicago", ("312", "773", "872"), "606", 14), ("Evanston", ("847", "224"), "602", 3),
    ("Oak Park", ("708",), "603", 2), ("Milwaukee", ("414",), "532", 4), ("Gary", ("219",), "464", 1.5),
    ("Los Angeles", ("213", "323", "310"), "900", 6), ("Houston", ("713", "832"), "770", 5),
    ("San Antonio", ("210",), "782", 3), ("El Paso", ("915",), "799", 2), ("Phoenix", ("602", "480"), "850", 4),
    ("Tucson", ("520",), "857", 1.5), ("Albuquerque", ("505",), "871", 1.5), ("Dallas", ("214", "469"), "752", 4),
    ("Austin", ("512",), "787", 3), ("Miami", ("305", "786"), "331", 4), ("Orlando", ("407",), "328", 2),
    ("Tampa", ("813",), "336", 2), ("Atlanta", ("404", "678"), "303", 3), ("Charlotte", ("704",), "282", 2),
    ("Nashville", ("615",), "372", 2), ("Louisville", ("502",), "402", 1.5), ("Columbus", ("614",), "432", 2),
    ("Cleveland", ("216",), "441", 2), ("Detroit", ("313",), "482", 3), ("Pittsburgh", ("412",), "152", 2),
    ("Philadelphia", ("215", "267"), "191", 4), ("Baltimore", ("410", "443"), "212", 2),
    ("Newark", ("973",), "071", 2), ("New York", ("212", "718", "917"), "100", 5), ("Boston", ("617",), "021", 3),
    ("Providence", ("401",), "029", 1), ("Hartford", ("860",), "061", 1), ("Minneapolis", ("612",), "554", 2),
    ("St. Louis", ("314",), "631", 2), ("Kansas City", ("816",), "641", 2), ("Denver", ("303", "720"), "802", 3),
    ("Salt Lake City", ("801",), "841", 1.5), ("Las Vegas", ("702",), "891", 2), ("Seattle", ("206",), "981", 3),
    ("Portland", ("503", "971"), "972", 2), ("Sacramento", ("916",), "958", 2), ("Fresno", ("559",), "937", 1.5),
    ("San Diego", ("619", "858"), "921", 3),
)
CITY = Weighted([(c, c[3]) for c in CITIES])
_ALL_AREA_CODES = tuple(code for city in CITIES for code in city[1])


def fictional_phone(rng: random.Random, area_code: str | None = None) -> str:
    """'(312) 555-0142': valid for `phonenumbers`, reserved for fiction; already in the app's format."""
    return f"({area_code or choice(rng, _ALL_AREA_CODES)}) 555-01{below(rng, 100):02d}"


def street_address(rng: random.Random, pools: NamePools) -> str:
    address = f"{randint(rng, 1, 9899)} {choice(rng, pools.streets())}"
    if rng.random() < 0.22:
        address += f" {choice(rng, ('Apt.', 'Apt.', 'Unit', '#'))} {randint(rng, 1, 40)}{choice(rng, 'AB  ').strip()}"
    return address


_NOT_EMAIL_SAFE = re.compile(r"[^a-z0-9]+")


def email_address(rng: random.Random, first: str, last: str, birth_year: int) -> str:
    given = _NOT_EMAIL_SAFE.sub("", fold(first)) or "alum"
    family = _NOT_EMAIL_SAFE.sub("", fold(last)) or "alum"
    style = below(rng, 5)
    if style == 0:
        local = f"{given}.{family}"
    elif style == 1:
        local = f"{given}{family}{randint(rng, 1, 99)}"
    elif style == 2:
        local = f"{given[0]}{family}"
    elif style == 3:
        local = f"{given}.{family}{birth_year}"
    else:
        local = f"{family}.{given}{randint(rng, 1, 9)}"
    return f"{local}@{'example.com' if rng.random() < 0.7 else 'example.org'}"

"""Names for the demo data: naming traditions (cultures) and the languages that go with them, and pools
of given names and surnames drawn from Faker once per seed."""

from __future__ import annotations

import hashlib
import random
import threading
from dataclasses import dataclass
from functools import lru_cache

from faker import Faker

from .context import Weighted, choice


@dataclass(frozen=True)
class Culture:
    """A naming tradition (a Faker locale) and the languages its alumni speak, with weights."""

    locale: str
    share: float
    languages: tuple[tuple[tuple[str, ...], float], ...]

    def __reduce__(self) -> tuple:
        # By name, so that a culture coming back from a worker process is one of CULTURES (the steps
        # compare them with `is`).
        return _culture, (self.locale,)


def _culture(locale: str) -> Culture:
    return next(culture for culture in CULTURES if culture.locale == locale)


CULTURES: tuple[Culture, ...] = (
    Culture("en_US", 0.685, ((("English",), 0.985), (("English", "American Sign Language"), 0.01),
                             (("English", "Spanish"), 0.005))),
    # About 20% of all alumni speak Spanish; most of them English as well.
    Culture("es_MX", 0.22, ((("Spanish", "English"), 0.6), (("Spanish",), 0.31), (("English",), 0.09))),
    Culture("vi_VN", 0.025, ((("Vietnamese", "English"), 0.6), (("Vietnamese",), 0.25), (("English",), 0.15))),
    Culture("fr_FR", 0.015, ((("French", "English"), 0.5), (("Haitian Creole", "French", "English"), 0.3),
                             (("English",), 0.2))),
    Culture("pt_BR", 0.015, ((("Portuguese", "English"), 0.6), (("Portuguese",), 0.2), (("English",), 0.2))),
    Culture("pl_PL", 0.015, ((("Polish", "English"), 0.6), (("English",), 0.4))),
    Culture("en_IN", 0.015, ((("English", "Hindi"), 0.5), (("English",), 0.3), (("Gujarati", "English"), 0.1),
                             (("Punjabi", "English"), 0.1))),
    Culture("de_DE", 0.005, ((("English",), 0.8), (("German", "English"), 0.2))),
    Culture("nl_NL", 0.005, ((("English",), 0.8), (("Dutch", "English"), 0.2))),
)
CULTURE = Weighted([(c, c.share) for c in CULTURES])
LANGUAGES = {c.locale: Weighted(c.languages) for c in CULTURES}
AMERICAN = CULTURES[0]
SPANISH = CULTURES[1]

# Faker's census list drops apostrophes, and a few of its entries are misspelt.
_SURNAME_FIXES = {
    "Obrien": "O'Brien", "Oconnor": "O'Connor", "Oconnell": "O'Connell", "Odonnell": "O'Donnell",
    "Oneill": "O'Neill", "Oneal": "O'Neal", "Rodríquez": "Rodríguez", "de la Crúz": "de la Cruz",
}
# Spellings with diacritics that American name lists flatten (Zoe, Chloe, Renee, Andre).
_ACCENTED_GIVEN = {
    "female": ("Zoë", "Chloë", "Renée", "Anaïs", "Noémie", "Desirée", "Léa", "Amélie"),
    "male": ("André", "René", "Noël", "Jérôme", "Étienne", "Joaquín", "Zoltán", "Björn"),
}
_UNISEX_GIVEN = ("Alex", "Jordan", "Taylor", "Riley", "Casey", "Avery", "Quinn", "Rowan", "Sage", "River",
                 "Jamie", "Morgan", "Skyler", "Emerson", "Dakota", "Ari", "Kai", "Robin", "Charlie", "Remy")
NICKNAMES = {
    "Robert": ("Bob", "Rob", "Bobby"), "William": ("Will", "Bill", "Liam"), "Michael": ("Mike", "Mikey"),
    "Christopher": ("Chris",), "Jennifer": ("Jen", "Jenny"), "Elizabeth": ("Liz", "Beth", "Eliza"),
    "Katherine": ("Kate", "Katie"), "Kathryn": ("Kate", "Kathy"), "Margaret": ("Maggie", "Peggy"),
    "Richard": ("Rick", "Rich"), "James": ("Jim", "Jamie"), "Joseph": ("Joe", "Joey"),
    "Thomas": ("Tom", "Tommy"), "Daniel": ("Dan", "Danny"), "Anthony": ("Tony",), "Nicholas": ("Nick",),
    "Matthew": ("Matt",), "Jonathan": ("Jon",), "Alexander": ("Alex", "Xander"), "Samantha": ("Sam",),
    "Jessica": ("Jess",), "Rebecca": ("Becca", "Becky"), "Victoria": ("Tori",), "Patricia": ("Pat", "Trish"),
    "Stephanie": ("Steph",), "Benjamin": ("Ben",), "Andrew": ("Drew", "Andy"), "Edward": ("Ed", "Eddie"),
    "Timothy": ("Tim",), "Kimberly": ("Kim",), "Deborah": ("Deb",), "Gregory": ("Greg",), "Zachary": ("Zach",),
    "José": ("Pepe",), "Francisco": ("Paco", "Pancho"), "Guadalupe": ("Lupe",), "Jesús": ("Chuy",),
    "Ignacio": ("Nacho",), "Alejandro": ("Alex",), "Eduardo": ("Lalo",), "Enrique": ("Kike",),
    "Dolores": ("Lola",), "Roberto": ("Beto",), "Alberto": ("Beto",), "Guillermo": ("Memo",),
    "Rafael": ("Rafa",), "Manuel": ("Manolo",), "Fernando": ("Nando",), "Gerardo": ("Jerry",),
    "Cristina": ("Tina",), "Christina": ("Tina",), "Rosario": ("Charo",), "Consuelo": ("Chelo",),
}
_PARTICLES = ("van der ", "van den ", "van de ", "van ", "de la ", "de los ", "del ", "de ")


def _american_particles(name: str) -> str:
    """'van der Berg' as many American records spell it: 'Van Der Berg'."""
    if not name.startswith(_PARTICLES):
        return name
    *particles, rest = name.split(" ")
    return " ".join([p.capitalize() for p in particles] + [rest])


@dataclass(frozen=True)
class NamePool:
    female: tuple[str, ...]
    male: tuple[str, ...]
    last: tuple[str, ...]

    def given(self, rng: random.Random, gender: str) -> str:
        if gender == "female":
            return choice(rng, self.female)
        if gender == "male":
            return choice(rng, self.male)
        if rng.random() < 0.4:
            return choice(rng, _UNISEX_GIVEN)
        return choice(rng, self.female if rng.random() < 0.5 else self.male)


class NamePools:
    """Faker, asked once per seed and locale; records combine these pools with `random`.

    Draws keep Faker's frequencies (common names come up often), and a pool's size follows its
    culture's share, so that the large groups do not repeat names too often.
    """

    STREETS = 800

    def __init__(self, seed: int):
        self.seed = seed
        self._pools: dict[str, NamePool] = {}
        self._streets: tuple[str, ...] | None = None

    def _faker(self, purpose: str) -> Faker:
        fake = _faker_for(purpose.split("/")[0])
        digest = hashlib.sha256(f"aftercare-demo/{self.seed}/faker/{purpose}".encode()).digest()
        fake.seed_instance(int.from_bytes(digest[:8], "big"))
        return fake

    def names(self, culture: Culture) -> NamePool:
        pool = self._pools.get(culture.locale)
        if pool is None:
            with _FAKER_LOCK:
                fake = self._faker(f"{culture.locale}/names")
                first_names = 150 + int(1500 * culture.share)
                last_names = 300 + int(3000 * culture.share)
                female = tuple(fake.first_name_female() for _ in range(first_names))
                male = tuple(fake.first_name_male() for _ in range(first_names))
                last = tuple(_SURNAME_FIXES.get(n, n) for n in (fake.last_name() for _ in range(last_names)))
            pool = self._pools[culture.locale] = NamePool(female, male, last)
        return pool

    def streets(self) -> tuple[str, ...]:
        if self._streets is None:
            with _FAKER_LOCK:
                fake = self._faker("en_US/streets")
                self._streets = tuple(fake.street_name() for _ in range(self.STREETS))
        return self._streets


# Making a Faker costs more than drawing a whole pool from it, so there is one per locale, re-seeded
# before each use; the lock keeps two runs on different threads from sharing a stream.
_FAKER_LOCK = threading.Lock()


@lru_cache(maxsize=None)
def _faker_for(locale: str) -> Faker:
    return Faker(locale)


@lru_cache(maxsize=4)
def name_pools(seed: int) -> NamePools:
    """Pools are immutable once drawn, so runs with the same seed in one process share them."""
    return NamePools(seed)


def surname(rng: random.Random, pools: NamePools, culture: Culture) -> str:
    last = pools.names(culture).last
    name = choice(rng, last)
    roll = rng.random()
    if culture is SPANISH:
        # Two family names, written with a space or (in many US records) joined by a hyphen.
        if roll < 0.12:
            name = f"{name}-{choice(rng, last)}"
        elif roll < 0.35:
            name = f"{name} {choice(rng, last)}"
        if rng.random() < 0.4:
            name = _american_particles(name)
    elif culture is AMERICAN:
        if roll < 0.025:
            name = f"{name}-{choice(rng, last)}"
    elif culture.locale == "nl_NL" and rng.random() < 0.6:
        name = _american_particles(name)
    return name


def given_name(rng: random.Random, pools: NamePools, culture: Culture, gender: str) -> str:
    if culture is AMERICAN and gender != "nonbinary" and rng.random() < 0.015:
        return choice(rng, _ACCENTED_GIVEN[gender])
    return pools.names(culture).given(rng, gender)

"""Support contacts for the demo alumni: the people each would call, in call order."""

from __future__ import annotations

import random

from ...models import SupportContact
from ...models.enums import Relationship
from .context import CHUNK_SIZE, AlumnusFacts, Context, Weighted, choice
from .names import AMERICAN, NamePools, given_name, surname
from .places import fictional_phone
from .writer import insert_chunks

_CONTACT_COUNT = Weighted([(0, 0.12), (1, 0.23), (2, 0.3), (3, 0.22), (4, 0.13)])
_RELATION = Weighted([
    (Relationship.FAMILY, 0.38), (Relationship.FRIEND, 0.25), (Relationship.SPONSOR, 0.15),
    (Relationship.THERAPIST, 0.14), (Relationship.OTHER, 0.08),
])
# Who is usually called first when cravings hit; the order is then shuffled a little per person.
_CALL_PRIORITY = {
    Relationship.SPONSOR: 0.0, Relationship.FRIEND: 1.0, Relationship.FAMILY: 1.3, Relationship.THERAPIST: 2.0,
    Relationship.OTHER: 2.5,
}
_AVAILABILITY = Weighted([
    ("Any time", 0.2), ("Evenings", 0.2), ("Weekdays 9–5", 0.15), ("Weekends", 0.1), ("After 6 pm", 0.1),
    ("Mornings before work", 0.05), ("Office hours; leave a message", 0.05), (None, 0.15),
])
_CREDENTIALS = (", LCSW", ", LPC", ", LMFT", ", PhD", ", LCADC", "")


class SupportContactsStep:
    """0 to 4 people each alumnus would call, in call order."""

    name = "support_contacts"
    per_alumnus = 1

    def run(self, context: Context, rng: random.Random) -> None:
        table = SupportContact.__table__
        pools = context.pools
        total = 0
        for start in range(0, len(context.alumni), CHUNK_SIZE):
            chunk = context.alumni[start:start + CHUNK_SIZE]
            rows = []
            for alumnus in chunk:
                count = _CONTACT_COUNT.pick(rng)
                relations = [_RELATION.pick(rng) for _ in range(count)]
                if alumnus.twelve_step and count and Relationship.SPONSOR not in relations and rng.random() < 0.6:
                    relations[0] = Relationship.SPONSOR
                relations.sort(key=lambda r: _CALL_PRIORITY[r] + rng.random() * 1.5)
                for order, relation in enumerate(relations):
                    rows.append({
                        "alumnus_id": alumnus.id,
                        "name": self._name(rng, pools, alumnus, relation),
                        "relation": relation,
                        "phone": self._phone(rng, alumnus) if rng.random() < 0.92 else None,
                        "availability": _AVAILABILITY.pick(rng),
                        "call_order": order,
                    })
            insert_chunks(context.connection, table, rows)
            total += len(rows)
            context.progress.advance(len(chunk))
        context.counts["support_contacts"] = total

    @staticmethod
    def _phone(rng: random.Random, alumnus: AlumnusFacts) -> str:
        # Most of a person's network lives nearby.
        return fictional_phone(rng, alumnus.area_code if rng.random() < 0.65 else None)

    @staticmethod
    def _name(rng: random.Random, pools: NamePools, alumnus: AlumnusFacts, relation: Relationship) -> str:
        gender = choice(rng, ("female", "male"))
        if relation is Relationship.FAMILY:
            culture = alumnus.culture
            last = alumnus.last_name if rng.random() < 0.6 else surname(rng, pools, culture)
        else:
            culture = alumnus.culture if rng.random() < 0.6 else AMERICAN
            last = surname(rng, pools, culture)
        name = f"{given_name(rng, pools, culture, gender)} {last}"
        if relation is Relationship.THERAPIST:
            name += choice(rng, _CREDENTIALS)
        return name[:120]

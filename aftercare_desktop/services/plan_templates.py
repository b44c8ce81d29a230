"""The team's plan templates: common triggers with coping strategies, warning signs and starter goals.

The defaults ship as JSON in resources/plan_templates/ and are copied into an empty template table at
start-up; from then on the templates belong to the team, and nothing overwrites their edits.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from ..db import Database
from ..errors import AftercareError, ConcurrentEditError, RecordNotFoundError, ValidationFailed
from ..models import PlanTemplate, StaffMember, utcnow
from ..models.enums import AuditAction, LifeArea
from ..paths import resource
from . import audit
from .audit import Actor
from .plans import LIMITS, GoalData, TriggerData, _clean, _template_content
from .validation import Problem

log = logging.getLogger("aftercare.plans")

ENTITY = "plan_template"
RESOURCE_FOLDER = "plan_templates"
SEED_ACTOR = Actor(None, "app:default-templates")
NAME_LIMIT = 120
DESCRIPTION_LIMIT = 400
TEMPLATE_FIELDS = ("name", "description", "triggers", "warning_signs", "goals")


@dataclass
class TemplateData:
    """A template as the team edits it. Goals keep only their text and life area."""

    name: str = ""
    description: str | None = None
    triggers: list[TriggerData] = field(default_factory=list)
    warning_signs: list[str] = field(default_factory=list)
    goals: list[GoalData] = field(default_factory=list)

    # Bookkeeping, filled when loaded; `updated_at` guards against overwriting a colleague's edit.
    id: int | None = None
    updated_at: datetime | None = None
    updated_by: str | None = None


def check_template(data: TemplateData) -> tuple[TemplateData, list[Problem]]:
    """Normalise a template and list its problems; empty lines are dropped."""
    problems: list[Problem] = []
    name = _clean(data.name)
    description = _clean(data.description)
    if name is None:
        problems.append(Problem("name", "Name is required"))
    elif len(name) > NAME_LIMIT:
        problems.append(Problem("name", f"Name is longer than {NAME_LIMIT} characters"))
    if description and len(description) > DESCRIPTION_LIMIT:
        problems.append(Problem("description", f"Description is longer than {DESCRIPTION_LIMIT} characters"))
    triggers = []
    for position, item in enumerate(data.triggers, start=1):
        text = _clean(item.trigger)
        strategies = [s for s in (_clean(s) for s in item.coping_strategies) if s]
        if text is None and not strategies:
            continue
        if text is None:
            problems.append(Problem("triggers", f"Trigger {position}: say what the trigger is"))
        elif len(text) > LIMITS["trigger"]:
            problems.append(Problem("triggers", f"Trigger {position} is longer than {LIMITS['trigger']} characters"))
        if any(len(s) > LIMITS["strategy"] for s in strategies):
            problems.append(Problem("triggers", f"Trigger {position}: a coping strategy is longer than "
                                                f"{LIMITS['strategy']} characters"))
        triggers.append(TriggerData(text or "", strategies))
    signs = [s for s in (_clean(s) for s in data.warning_signs) if s]
    if any(len(s) > LIMITS["warning_sign"] for s in signs):
        problems.append(Problem("warning_signs", f"A warning sign is longer than {LIMITS['warning_sign']} characters"))
    goals = []
    for position, goal in enumerate(data.goals, start=1):
        text = _clean(goal.text)
        if text is None:
            continue
        if len(text) > LIMITS["goal"]:
            problems.append(Problem("goals", f"Goal {position} is longer than {LIMITS['goal']} characters"))
        goals.append(GoalData(text, LifeArea(goal.life_area)))
    clean = replace(data, name=name or "", description=description, triggers=triggers, warning_signs=signs,
                    goals=goals)
    return clean, problems


def _json_values(data: TemplateData) -> dict:
    return {
        "name": data.name,
        "description": data.description,
        "triggers": [{"trigger": t.trigger, "coping_strategies": list(t.coping_strategies)} for t in data.triggers],
        "warning_signs": list(data.warning_signs),
        "goals": [{"text": g.text, "life_area": g.life_area.value} for g in data.goals],
    }


def _to_data(row: PlanTemplate, updated_by: str | None) -> TemplateData:
    triggers, signs, goals = _template_content(row)
    return TemplateData(row.name, row.description, triggers, signs, goals, row.id, row.updated_at, updated_by)


def read_template_file(path: Path) -> TemplateData:
    """A shipped template; a malformed file is a packaging bug and fails loudly."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    row = PlanTemplate(name=raw["name"], description=raw.get("description"), triggers=raw.get("triggers", []),
                       warning_signs=raw.get("warning_signs", []), goals=raw.get("goals", []))
    data = _to_data(row, None)
    clean, problems = check_template(data)
    if problems:
        raise ValueError(f"{path.name}: {'; '.join(p.message for p in problems)}")
    return clean


def default_templates() -> list[TemplateData]:
    folder = resource(RESOURCE_FOLDER)
    return [read_template_file(path) for path in sorted(folder.glob("*.json"))]


class PlanTemplateService:
    def __init__(self, database: Database):
        self.database = database

    def _query(self):
        editor = aliased(StaffMember)
        return (select(PlanTemplate, editor.display_name)
                .outerjoin(editor, editor.id == PlanTemplate.updated_by_id))

    def list(self) -> list[TemplateData]:
        with self.database.session() as session:
            rows = session.execute(self._query().order_by(func.lower(PlanTemplate.name), PlanTemplate.id))
            return [_to_data(row, name) for row, name in rows]

    def get(self, template_id: int) -> TemplateData:
        with self.database.session() as session:
            found = session.execute(self._query().where(PlanTemplate.id == template_id)).first()
            if found is None:
                raise RecordNotFoundError("This plan template")
            return _to_data(*found)

    def validate(self, data: TemplateData) -> list[Problem]:
        return check_template(data)[1]

    def save(self, data: TemplateData, actor: Actor) -> TemplateData:
        """Create (no id) or change a template. A change made by someone else meanwhile is not overwritten."""
        clean, problems = check_template(data)
        if problems:
            raise ValidationFailed(problems)
        values = _json_values(clean)
        with self.database.session() as session:
            if clean.id is None:
                row = PlanTemplate(**values, updated_by_id=actor.staff_id)
                session.add(row)
                self._flush_unique(session, clean.name)
                audit.record(session, actor, AuditAction.CREATE, ENTITY, row.id, TEMPLATE_FIELDS)
                template_id = row.id
            else:
                current = session.get(PlanTemplate, clean.id)
                if current is None:
                    raise RecordNotFoundError("This plan template")
                old = _json_values(_to_data(current, None))
                changed = [name for name in TEMPLATE_FIELDS if old[name] != values[name]]
                if not changed:
                    return self.get(clean.id)
                guard = PlanTemplate.id == clean.id
                if clean.updated_at is not None:
                    guard &= PlanTemplate.updated_at == clean.updated_at
                try:
                    result = session.execute(
                        update(PlanTemplate).where(guard)
                        .values(**values, updated_at=utcnow(), updated_by_id=actor.staff_id)
                        .execution_options(synchronize_session=False)
                    )
                except IntegrityError:
                    session.rollback()
                    raise AftercareError(f"Another template is already named '{clean.name}'.") from None
                if result.rowcount != 1:
                    session.rollback()
                    raise ConcurrentEditError("This plan template")
                audit.record(session, actor, AuditAction.UPDATE, ENTITY, clean.id, changed)
                template_id = clean.id
            session.commit()
        return self.get(template_id)

    def delete(self, template_id: int, actor: Actor) -> None:
        """Plans made from the template keep their copy of its content."""
        with self.database.session() as session:
            row = session.get(PlanTemplate, template_id)
            if row is None:
                raise RecordNotFoundError("This plan template")
            session.delete(row)
            session.flush()
            audit.record(session, actor, AuditAction.DELETE, ENTITY, template_id)
            session.commit()

    def ensure_default_templates(self, actor: Actor = SEED_ACTOR) -> int:
        """Copy the shipped templates into an empty template table; returns how many were added.

        Runs at every start-up: once the team has any template, nothing is added or overwritten.
        """
        with self.database.session() as session:
            if session.scalar(select(func.count()).select_from(PlanTemplate)):
                return 0
            templates = default_templates()
            rows = [PlanTemplate(**_json_values(t), updated_by_id=actor.staff_id) for t in templates]
            session.add_all(rows)
            try:
                session.flush()
            except IntegrityError:
                # Another desk seeded the same templates at the same moment.
                session.rollback()
                return 0
            for row in rows:
                audit.record(session, actor, AuditAction.CREATE, ENTITY, row.id, TEMPLATE_FIELDS)
            session.commit()
            log.info("default plan templates added: %d", len(rows))
            return len(rows)

    @staticmethod
    def _flush_unique(session: Session, name: str) -> None:
        try:
            session.flush()
        except IntegrityError:
            session.rollback()
            raise AftercareError(f"Another template is already named '{name}'.") from None

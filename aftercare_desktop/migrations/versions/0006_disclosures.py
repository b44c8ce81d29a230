"""disclosures

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28

Printed output: every exported or printed document is recorded with its recipient and purpose, the
accounting of disclosures of 42 CFR §2.25. Append-only, like the audit trail.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from aftercare_desktop.models.base import UTCDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

GUARD_MESSAGE = "disclosures are append-only"
ACTIONS = ("create", "update", "delete", "view", "archive", "restore", "status_change", "import", "export", "print")


def upgrade() -> None:
    op.create_table(
        "disclosures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("occurred_at", UTCDateTime(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=40), nullable=False),
        sa.Column("action", sa.Enum(*ACTIONS, name="auditaction", native_enum=False, length=21), nullable=False),
        sa.Column("document", sa.String(length=40), nullable=False),
        sa.Column("alumnus_id", sa.Integer(), nullable=True),
        sa.Column("caseworker_id", sa.Integer(), nullable=True),
        sa.Column("period_from", sa.Date(), nullable=True),
        sa.Column("period_to", sa.Date(), nullable=True),
        sa.Column("sections", sa.JSON(), nullable=False),
        sa.Column("recipient", sa.String(length=200), nullable=False),
        sa.Column("purpose", sa.String(length=400), nullable=False),
        sa.Column("notice", sa.String(length=20), nullable=True),
        sa.ForeignKeyConstraint(["staff_id"], ["staff_members.id"],
                                name=op.f("fk_disclosures_staff_id_staff_members"), ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disclosures")),
    )
    with op.batch_alter_table("disclosures", schema=None) as batch_op:
        batch_op.create_index("ix_disclosures_alumnus", ["alumnus_id", "occurred_at"], unique=False)
    if op.get_context().dialect.name == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER disclosures_no_{verb.lower()} BEFORE {verb} ON disclosures "
                f"BEGIN SELECT RAISE(ABORT, '{GUARD_MESSAGE}'); END"
            )
    else:
        op.execute(
            "CREATE FUNCTION disclosures_refuse_change() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN RAISE EXCEPTION '{GUARD_MESSAGE}'; END $$"
        )
        op.execute(
            "CREATE TRIGGER disclosures_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON disclosures "
            "FOR EACH STATEMENT EXECUTE FUNCTION disclosures_refuse_change()"
        )


def downgrade() -> None:
    if op.get_context().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS disclosures_no_update")
        op.execute("DROP TRIGGER IF EXISTS disclosures_no_delete")
    else:
        op.execute("DROP TRIGGER IF EXISTS disclosures_append_only ON disclosures")
        op.execute("DROP FUNCTION IF EXISTS disclosures_refuse_change()")
    with op.batch_alter_table("disclosures", schema=None) as batch_op:
        batch_op.drop_index("ix_disclosures_alumnus")
    op.drop_table("disclosures")

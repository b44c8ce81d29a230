"""sobriety date index

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28

Upcoming milestones (the Today page) look up alumni whose sobriety started exactly 30, 60, 90 days,
6 or 9 months, 1 year, 18 months or N years ago; without an index each lookup scans the table.
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("alumni", schema=None) as batch_op:
        batch_op.create_index("ix_alumni_sobriety_start_date", ["sobriety_start_date"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("alumni", schema=None) as batch_op:
        batch_op.drop_index("ix_alumni_sobriety_start_date")

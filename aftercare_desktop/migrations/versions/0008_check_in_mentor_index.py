"""check-in mentor index

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28

A mentor's last contact with a mentee (the early-warning queue, the pairing review, a report's look
back) is the newest reached check-in of that alumnus by that mentor. Through the (alumnus, time)
index that means walking the mentee's whole history whenever the mentor never reached them; this
index answers it with one seek. Created directly (not in batch mode): check_ins keeps its triggers.
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_check_ins_alumnus_mentor", "check_ins", ["alumnus_id", "mentor_id", "outcome", "occurred_at"],
                    unique=False)


def downgrade() -> None:
    op.drop_index("ix_check_ins_alumnus_mentor", table_name="check_ins")

"""check-in digests

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28

One row per alumnus with what the early-warning engine reads about their check-ins (the last
conversation, the unanswered attempts since, the recent check-ins packed), so that the Today page
for everyone reads 20,000 short rows instead of walking a million check-ins.

The database keeps the digests honest: any insert, delete or change (of a column a digest reads) of
a check-in deletes that alumnus's digest in the same transaction, and a new alumnus gets an empty
one. The app writes digests back (`early_warning.refresh_digests`); whoever has none is read from the
check-ins. On PostgreSQL the trigger also locks the alumnus's row, as the refresh does, so that a
digest worked out beside an uncommitted check-in cannot outlive it.

Existing databases start with no digests; the first Today page makes them.

A later migration that rebuilds `check_ins` or `alumni` in SQLite batch mode drops these triggers
with the table and must create them again (tests/db/test_check_in_digests.py fails without them).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from aftercare_desktop.models.base import UTCDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# The check-in columns a digest is made from; changing any other (a follow-up done) keeps it.
DIGEST_COLUMNS = "alumnus_id, occurred_at, method, outcome, mood, craving, meetings_attended, warning_signs"


def upgrade() -> None:
    op.create_table('check_in_digests',
    sa.Column('alumnus_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('newest_at', UTCDateTime(), nullable=True),
    sa.Column('last_reached', sa.BigInteger(), nullable=True),
    sa.Column('unanswered', sa.Text(), nullable=True),
    sa.Column('recent', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['alumnus_id'], ['alumni.id'], name=op.f('fk_check_in_digests_alumnus_id_alumni'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('alumnus_id', name=op.f('pk_check_in_digests'))
    )
    if op.get_context().dialect.name == "sqlite":
        op.execute(
            "CREATE TRIGGER alumni_digest_new AFTER INSERT ON alumni "
            "BEGIN INSERT OR REPLACE INTO check_in_digests (alumnus_id) VALUES (NEW.id); END"
        )
        op.execute(
            "CREATE TRIGGER check_ins_digest_insert AFTER INSERT ON check_ins "
            "BEGIN DELETE FROM check_in_digests WHERE alumnus_id = NEW.alumnus_id; END"
        )
        op.execute(
            f"CREATE TRIGGER check_ins_digest_update AFTER UPDATE OF {DIGEST_COLUMNS} ON check_ins "
            "BEGIN DELETE FROM check_in_digests WHERE alumnus_id IN (OLD.alumnus_id, NEW.alumnus_id); END"
        )
        op.execute(
            "CREATE TRIGGER check_ins_digest_delete AFTER DELETE ON check_ins "
            "BEGIN DELETE FROM check_in_digests WHERE alumnus_id = OLD.alumnus_id; END"
        )
    else:
        op.execute(
            "CREATE FUNCTION alumni_digest_new() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "INSERT INTO check_in_digests (alumnus_id) VALUES (NEW.id) ON CONFLICT (alumnus_id) DO UPDATE "
            "SET newest_at = NULL, last_reached = NULL, unanswered = NULL, recent = NULL; "
            "RETURN NULL; END $$"
        )
        op.execute(
            "CREATE TRIGGER alumni_digest_new AFTER INSERT ON alumni "
            "FOR EACH ROW EXECUTE FUNCTION alumni_digest_new()"
        )
        # Row locks (not advisory locks): a bulk insert touches thousands of alumni in one transaction.
        op.execute(
            "CREATE FUNCTION check_ins_forget_digest() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "IF TG_OP <> 'INSERT' THEN "
            "PERFORM 1 FROM alumni WHERE id = OLD.alumnus_id FOR NO KEY UPDATE; "
            "DELETE FROM check_in_digests WHERE alumnus_id = OLD.alumnus_id; "
            "END IF; "
            "IF TG_OP <> 'DELETE' THEN "
            "PERFORM 1 FROM alumni WHERE id = NEW.alumnus_id FOR NO KEY UPDATE; "
            "DELETE FROM check_in_digests WHERE alumnus_id = NEW.alumnus_id; "
            "END IF; "
            "RETURN NULL; END $$"
        )
        op.execute(
            f"CREATE TRIGGER check_ins_digest AFTER INSERT OR DELETE OR UPDATE OF {DIGEST_COLUMNS} "
            "ON check_ins FOR EACH ROW EXECUTE FUNCTION check_ins_forget_digest()"
        )
        op.execute(
            "CREATE FUNCTION check_ins_forget_all_digests() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "DELETE FROM check_in_digests; RETURN NULL; END $$"
        )
        op.execute(
            "CREATE TRIGGER check_ins_digest_truncate AFTER TRUNCATE ON check_ins "
            "FOR EACH STATEMENT EXECUTE FUNCTION check_ins_forget_all_digests()"
        )


def downgrade() -> None:
    if op.get_context().dialect.name == "sqlite":
        for name in ("alumni_digest_new", "check_ins_digest_insert", "check_ins_digest_update",
                     "check_ins_digest_delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    else:
        op.execute("DROP TRIGGER IF EXISTS alumni_digest_new ON alumni")
        op.execute("DROP TRIGGER IF EXISTS check_ins_digest ON check_ins")
        op.execute("DROP TRIGGER IF EXISTS check_ins_digest_truncate ON check_ins")
        op.execute("DROP FUNCTION IF EXISTS alumni_digest_new()")
        op.execute("DROP FUNCTION IF EXISTS check_ins_forget_digest()")
        op.execute("DROP FUNCTION IF EXISTS check_ins_forget_all_digests()")
    op.drop_table('check_in_digests')

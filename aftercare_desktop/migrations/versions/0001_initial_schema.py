"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-28

Staff, alumni, support contacts, status history and the append-only audit trail.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from aftercare_desktop.models.base import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('staff_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('display_name', sa.String(length=120), nullable=False),
    sa.Column('role', sa.Enum('caseworker', 'coordinator', 'staff', name='staffrole', native_enum=False, length=19), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_members')),
    sa.UniqueConstraint('display_name', name=op.f('uq_staff_members_display_name'))
    )
    op.create_table('alumni',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.String(length=40), nullable=False),
    sa.Column('first_name', sa.String(length=80), nullable=False),
    sa.Column('last_name', sa.String(length=80), nullable=False),
    sa.Column('preferred_name', sa.String(length=80), nullable=True),
    sa.Column('pronouns', sa.String(length=40), nullable=True),
    sa.Column('date_of_birth', sa.Date(), nullable=True),
    sa.Column('phone_mobile', sa.String(length=32), nullable=True),
    sa.Column('phone_home', sa.String(length=32), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('address', sa.String(length=200), nullable=True),
    sa.Column('city', sa.String(length=80), nullable=True),
    sa.Column('postal_code', sa.String(length=16), nullable=True),
    sa.Column('preferred_contact_method', sa.Enum('phone', 'text', 'email', 'video', 'in_person', name='contactmethod', native_enum=False, length=17), nullable=True),
    sa.Column('preferred_contact_times', sa.String(length=120), nullable=True),
    sa.Column('languages', sa.JSON(), nullable=False),
    sa.Column('program', sa.Enum('residential', 'php', 'iop', 'outpatient', 'other', name='program', native_enum=False, length=19), nullable=True),
    sa.Column('admission_date', sa.Date(), nullable=True),
    sa.Column('discharge_date', sa.Date(), nullable=True),
    sa.Column('discharge_type', sa.Enum('completed', 'transferred', 'against_advice', 'administrative', 'other', name='dischargetype', native_enum=False, length=22), nullable=True),
    sa.Column('substances', sa.JSON(), nullable=False),
    sa.Column('recovery_pathways', sa.JSON(), nullable=False),
    sa.Column('sobriety_start_date', sa.Date(), nullable=True),
    sa.Column('caseworker_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('active', 'inactive', 'lost_contact', 'opted_out', 'deceased', name='alumnistatus', native_enum=False, length=20), nullable=False),
    sa.Column('opted_in_on', sa.Date(), nullable=True),
    sa.Column('opted_out_on', sa.Date(), nullable=True),
    sa.Column('wants_mentor', sa.Boolean(), nullable=False),
    sa.Column('consents_to_mentor_program', sa.Boolean(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('archived_at', UTCDateTime(), nullable=True),
    sa.Column('sort_name', sa.String(length=200), nullable=False),
    sa.Column('search_text', sa.String(length=800), nullable=False),
    sa.Column('phone_digits', sa.String(length=80), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('row_version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['caseworker_id'], ['staff_members.id'], name=op.f('fk_alumni_caseworker_id_staff_members'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff_members.id'], name=op.f('fk_alumni_created_by_id_staff_members'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['staff_members.id'], name=op.f('fk_alumni_updated_by_id_staff_members'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alumni')),
    sa.UniqueConstraint('client_id', name=op.f('uq_alumni_client_id'))
    )
    with op.batch_alter_table('alumni', schema=None) as batch_op:
        batch_op.create_index('ix_alumni_caseworker_sort_name', ['caseworker_id', 'sort_name'], unique=False)
        batch_op.create_index('ix_alumni_discharge_date', ['discharge_date'], unique=False)
        batch_op.create_index('ix_alumni_name_dob', ['sort_name', 'date_of_birth'], unique=False)
        batch_op.create_index('ix_alumni_sort_name', ['sort_name', 'id'], unique=False)
        batch_op.create_index('ix_alumni_status_sort_name', ['status', 'sort_name'], unique=False)

    op.create_table('audit_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('occurred_at', UTCDateTime(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.Column('actor', sa.String(length=40), nullable=False),
    sa.Column('action', sa.Enum('create', 'update', 'delete', 'view', 'archive', 'restore', 'status_change', 'import', name='auditaction', native_enum=False, length=21), nullable=False),
    sa.Column('entity_type', sa.String(length=40), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=True),
    sa.Column('changed_fields', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['staff_id'], ['staff_members.id'], name=op.f('fk_audit_events_staff_id_staff_members'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_events'))
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index('ix_audit_events_entity', ['entity_type', 'entity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_events_occurred_at'), ['occurred_at'], unique=False)
    _make_audit_append_only()

    op.create_table('alumni_status_history',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('alumnus_id', sa.Integer(), nullable=False),
    sa.Column('old_status', sa.Enum('active', 'inactive', 'lost_contact', 'opted_out', 'deceased', name='alumnistatus', native_enum=False, length=20), nullable=True),
    sa.Column('new_status', sa.Enum('active', 'inactive', 'lost_contact', 'opted_out', 'deceased', name='alumnistatus', native_enum=False, length=20), nullable=False),
    sa.Column('changed_at', UTCDateTime(), nullable=False),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(length=400), nullable=True),
    sa.ForeignKeyConstraint(['alumnus_id'], ['alumni.id'], name=op.f('fk_alumni_status_history_alumnus_id_alumni'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['changed_by_id'], ['staff_members.id'], name=op.f('fk_alumni_status_history_changed_by_id_staff_members'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alumni_status_history'))
    )
    with op.batch_alter_table('alumni_status_history', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alumni_status_history_alumnus_id'), ['alumnus_id'], unique=False)

    op.create_table('support_contacts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('alumnus_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('relation', sa.Enum('sponsor', 'family', 'friend', 'therapist', 'other', name='relationship', native_enum=False, length=17), nullable=False),
    sa.Column('phone', sa.String(length=32), nullable=True),
    sa.Column('availability', sa.String(length=120), nullable=True),
    sa.Column('call_order', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['alumnus_id'], ['alumni.id'], name=op.f('fk_support_contacts_alumnus_id_alumni'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_support_contacts'))
    )
    with op.batch_alter_table('support_contacts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_support_contacts_alumnus_id'), ['alumnus_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('support_contacts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_support_contacts_alumnus_id'))

    op.drop_table('support_contacts')
    with op.batch_alter_table('alumni_status_history', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_alumni_status_history_alumnus_id'))

    op.drop_table('alumni_status_history')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_events_occurred_at'))
        batch_op.drop_index('ix_audit_events_entity')

    _drop_audit_guards()
    op.drop_table('audit_events')
    with op.batch_alter_table('alumni', schema=None) as batch_op:
        batch_op.drop_index('ix_alumni_status_sort_name')
        batch_op.drop_index('ix_alumni_sort_name')
        batch_op.drop_index('ix_alumni_name_dob')
        batch_op.drop_index('ix_alumni_discharge_date')
        batch_op.drop_index('ix_alumni_caseworker_sort_name')

    op.drop_table('alumni')
    op.drop_table('staff_members')


# The audit trail is append-only in the database itself, not only in the app.
AUDIT_GUARD_MESSAGE = "audit events are append-only"


def _make_audit_append_only() -> None:
    if op.get_context().dialect.name == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_events_no_{verb.lower()} BEFORE {verb} ON audit_events "
                f"BEGIN SELECT RAISE(ABORT, '{AUDIT_GUARD_MESSAGE}'); END"
            )
    else:
        op.execute(
            "CREATE FUNCTION audit_events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN RAISE EXCEPTION '{AUDIT_GUARD_MESSAGE}'; END $$"
        )
        op.execute(
            "CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_events "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse_change()"
        )


def _drop_audit_guards() -> None:
    if op.get_context().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_delete")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_events_append_only ON audit_events")
        op.execute("DROP FUNCTION IF EXISTS audit_events_refuse_change()")

"""caseworker day

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28

Aftercare plans (versioned) and templates, check-ins, meeting attendance, sobriety date changes,
returns to use, celebrated milestones, assessment results and team settings.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from aftercare_desktop.models.base import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('plan_templates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('description', sa.String(length=400), nullable=True),
    sa.Column('triggers', sa.JSON(), nullable=False),
    sa.Column('warning_signs', sa.JSON(), nullable=False),
    sa.Column('goals', sa.JSON(), nullable=False),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by_id'], ['staff_members.id'], name=op.f('fk_plan_templates_updated_by_id_staff_members'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_templates')),
    sa.UniqueConstraint('name', name=op.f('uq_plan_templates_name'))
    )
    op.create_table('team_settings',
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('value', sa.JSON(), nullable=True),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by_id'], ['staff_members.id'], name=op.f('fk_team_settings_updated_by_id_staff_members'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_team_settings'))
    )
    op.create_table('aftercare_plans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('alumnus_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('active', 'superseded', name='planstatus', native_enum=False, length=18), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('next_review_date', sa.Date(), nullable=True),
    sa.Column('checkin_cadence', sa.Enum('weekly', 'biweekly', 'monthly', name='checkincadence', native_enum=False, length=16), nullable=False),
    sa.Column('preferred_method', sa.Enum('phone', 'text', 'email', 'video', 'in_person', name='contactmethod', native_enum=False, length=17), nullable=True),
    sa.Column('medication_notes', sa.Text(), nullable=True),
    sa.Column('housing_notes', sa.Text(), nullable=True),
    sa.Column('signed_by_alumnus_on', sa.Date(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('superseded_at', UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['alumnus_id'], ['alumni.id'], name=op.f('fk_aftercare_plans_alumnus_id_alumni'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff_members.id'], name=op.f('fk_aftercare_plans_created_by_id_staff_members'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_aftercare_plans'))
    )
    with op.batch_alter_table('aftercare_plans', schema=None) as batch_op:
        batch_op.create_index('ix_aftercare_plans_alumnus_status', ['alumnus_id', 'status'], unique=False)

    op.create_table('assessment_results',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('alumnus_id', sa.Integer(), nullable=False),
    sa.Column('instrument', sa.String(length=40), nullable=False),
    sa.Column('administered_on', sa.Date(), nullable=False),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('band', sa.String(length=80), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['alumnus_id'], ['alumni.id'], name=op.f('fk_assessment_results_alumnus_id_alumni'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['staff_members.id'], name=op.f('fk_assessment_results_recorded_by_id_staff_members'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment_results'))
    )
    with op.batch_alter_table('assessment_results', schema=None) as batch_op:
        batch_op.create_index('ix_assessment_results_alumnus', ['alumnus_id', 'instrument', 'administered_on'], unique=False)

    op.create_table('check_ins',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('alumnus_id', sa.Integer(), nullable=False),
    sa.Column('occurred_at', UTCDateTime(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.Column('mentor_id', sa.Integer(), nullable=True),
    sa.Column('method', sa.Enum('call', 'text', 'video', 'in_person', 'group', name='checkinmethod', native_enum=False, length=17), nullable=False),
    sa.Column('outcome', sa.Enum('reached', 'no_answer', 'left_message', name='checkinoutcome', native_enum=False, length=20), nullable=False),
    sa.Column('mood', sa.Integer(), nullable=True),
    sa.Column('craving', sa.Integer(), nullable=True),
    sa.Column('used_since_last', sa.Boolean(), nullable=True),
    sa.Column('meetings_attended', sa.Integer(), nullable=True),
    sa.Column('warning_signs', sa.JSON(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('follow_up_due', sa.Date(), nullable=True),
    sa.Column('follow_up_done_at', UTCDateTime(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['alumnus_id'], ['alumni.id'], name=op.f('fk_check_ins_alumnus_id_alumni'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['mentor_id'], ['alumni.id'], name=op.f('fk_check_ins_mentor_id_alumni'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['staff_id'], ['staff_members.id'], name=op.f('fk_check_ins_staff_id_staff_members'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_check_ins'))
    )
    with op.batch_alter_table('check_ins', schema=None) as batch_op:
        batch_op.create_index('ix_check_ins_alumnus_occurred', ['alumnus_id', 'occurred_at'], unique=False)
        batch_op.create_index('ix_check_ins_follow_up', ['follow_up_due', 'follow_up_done_at'], unique=False)

    op.create_table('meeting_attendance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('alumnus_id', sa.Integer(), nullable=False),
    sa.Column('met_on', sa.Date(), nullable=False),
    sa.Column('kind', sa.Enum('aa', 'na', 'smart_recovery', 'refuge_recovery', 'celebrate_recovery', 'alumni_group', 'other', name='meetingkind', native_enum=False, length=26), nullable=False),
    sa.Column('attended', sa.Boolean(), nullable=False),
    sa.Column('verified', sa.Boolean(), nullable=False),
    sa.Column('note', sa.String(length=300), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['alumnus_id'], ['alumni.id'], name=op.f('fk_meeting_attendance_alumnus_id_alumni'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['staff_members.id'], name=op.f('fk_meeting_attendance_recorded_by_id_staff_members'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_attendance'))
    )
    with op.batch_alter_table('meeting_attendance', schema=None) as batch_op:
        batch_op.create_index('ix_meeting_attendance_alumnus_on', ['alumnus_id', 'met_on'], unique=False)

    op.create_table('milestone_celebrations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('alumnus_id', sa.Integer(), nullable=False),
    sa.Column('sobriety_start_date', sa.Date(), nullable=False),
    sa.Column('milestone', sa.String(length=20), nullable=False),
    sa.Column('celebrated_on', sa.Date(), nullable=False),
    sa.Column('how', sa.String(length=300), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['alumnus_id'], ['alumni.id'], name=op.f('fk_milestone_celebrations_alumnus_id_alumni'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['staff_members.id'], name=op.f('fk_milestone_celebrations_recorded_by_id_staff_members'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_milestone_celebrations'))
    )
    with op.batch_alter_table('milestone_celebrations', schema=None) as batch_op:
        batch_op.create_index('ix_milestone_celebrations_alumnus', ['alumnus_id', 'sobriety_start_date'], unique=False)

    op.create_table('sobriety_date_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('alumnus_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('recurrence', 'correction', name='sobrietychangekind', native_enum=False, length=18), nullable=False),
    sa.Column('old_date', sa.Date(), nullable=True),
    sa.Column('new_date', sa.Date(), nullable=True),
    sa.Column('reason', sa.String(length=400), nullable=True),
    sa.Column('changed_at', UTCDateTime(), nullable=False),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['alumnus_id'], ['alumni.id'], name=op.f('fk_sobriety_date_changes_alumnus_id_alumni'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['changed_by_id'], ['staff_members.id'], name=op.f('fk_sobriety_date_changes_changed_by_id_staff_members'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sobriety_date_changes'))
    )
    with op.batch_alter_table('sobriety_date_changes', schema=None) as batch_op:
        batch_op.create_index('ix_sobriety_date_changes_alumnus', ['alumnus_id', 'changed_at'], unique=False)

    op.create_table('plan_goals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('text', sa.String(length=400), nullable=False),
    sa.Column('life_area', sa.Enum('recovery', 'health', 'housing', 'work_education', 'family', 'legal', name='lifearea', native_enum=False, length=22), nullable=False),
    sa.Column('target_date', sa.Date(), nullable=True),
    sa.Column('status', sa.Enum('not_started', 'in_progress', 'achieved', 'dropped', name='goalstatus', native_enum=False, length=19), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['aftercare_plans.id'], name=op.f('fk_plan_goals_plan_id_aftercare_plans'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_goals'))
    )
    with op.batch_alter_table('plan_goals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_goals_plan_id'), ['plan_id'], unique=False)

    op.create_table('plan_meetings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('aa', 'na', 'smart_recovery', 'refuge_recovery', 'celebrate_recovery', 'alumni_group', 'other', name='meetingkind', native_enum=False, length=26), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=True),
    sa.Column('weekday', sa.Integer(), nullable=True),
    sa.Column('starts_at', sa.Time(), nullable=True),
    sa.Column('place', sa.String(length=300), nullable=True),
    sa.Column('per_week', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['aftercare_plans.id'], name=op.f('fk_plan_meetings_plan_id_aftercare_plans'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_meetings'))
    )
    with op.batch_alter_table('plan_meetings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_meetings_plan_id'), ['plan_id'], unique=False)

    op.create_table('plan_roster',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('mentor', 'sponsor', 'family', 'caseworker', 'crisis_line', 'other', name='rosterrole', native_enum=False, length=19), nullable=False),
    sa.Column('support_contact_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('phone', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['plan_id'], ['aftercare_plans.id'], name=op.f('fk_plan_roster_plan_id_aftercare_plans'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['support_contact_id'], ['support_contacts.id'], name=op.f('fk_plan_roster_support_contact_id_support_contacts'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_roster'))
    )
    with op.batch_alter_table('plan_roster', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_roster_plan_id'), ['plan_id'], unique=False)

    op.create_table('plan_triggers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('trigger', sa.String(length=300), nullable=False),
    sa.Column('coping_strategies', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['aftercare_plans.id'], name=op.f('fk_plan_triggers_plan_id_aftercare_plans'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_triggers'))
    )
    with op.batch_alter_table('plan_triggers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_triggers_plan_id'), ['plan_id'], unique=False)

    op.create_table('plan_warning_signs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('text', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['aftercare_plans.id'], name=op.f('fk_plan_warning_signs_plan_id_aftercare_plans'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_warning_signs'))
    )
    with op.batch_alter_table('plan_warning_signs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_warning_signs_plan_id'), ['plan_id'], unique=False)

    op.create_table('recurrence_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('alumnus_id', sa.Integer(), nullable=False),
    sa.Column('occurred_on', sa.Date(), nullable=False),
    sa.Column('substance', sa.String(length=80), nullable=True),
    sa.Column('kind', sa.Enum('lapse', 'relapse', name='recurrencekind', native_enum=False, length=15), nullable=False),
    sa.Column('response_plan', sa.Text(), nullable=True),
    sa.Column('check_in_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', UTCDateTime(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['alumnus_id'], ['alumni.id'], name=op.f('fk_recurrence_events_alumnus_id_alumni'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['check_in_id'], ['check_ins.id'], name=op.f('fk_recurrence_events_check_in_id_check_ins'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['staff_members.id'], name=op.f('fk_recurrence_events_recorded_by_id_staff_members'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recurrence_events'))
    )
    with op.batch_alter_table('recurrence_events', schema=None) as batch_op:
        batch_op.create_index('ix_recurrence_events_alumnus_on', ['alumnus_id', 'occurred_on'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('recurrence_events', schema=None) as batch_op:
        batch_op.drop_index('ix_recurrence_events_alumnus_on')

    op.drop_table('recurrence_events')
    with op.batch_alter_table('plan_warning_signs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_warning_signs_plan_id'))

    op.drop_table('plan_warning_signs')
    with op.batch_alter_table('plan_triggers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_triggers_plan_id'))

    op.drop_table('plan_triggers')
    with op.batch_alter_table('plan_roster', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_roster_plan_id'))

    op.drop_table('plan_roster')
    with op.batch_alter_table('plan_meetings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_meetings_plan_id'))

    op.drop_table('plan_meetings')
    with op.batch_alter_table('plan_goals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_goals_plan_id'))

    op.drop_table('plan_goals')
    with op.batch_alter_table('sobriety_date_changes', schema=None) as batch_op:
        batch_op.drop_index('ix_sobriety_date_changes_alumnus')

    op.drop_table('sobriety_date_changes')
    with op.batch_alter_table('milestone_celebrations', schema=None) as batch_op:
        batch_op.drop_index('ix_milestone_celebrations_alumnus')

    op.drop_table('milestone_celebrations')
    with op.batch_alter_table('meeting_attendance', schema=None) as batch_op:
        batch_op.drop_index('ix_meeting_attendance_alumnus_on')

    op.drop_table('meeting_attendance')
    with op.batch_alter_table('check_ins', schema=None) as batch_op:
        batch_op.drop_index('ix_check_ins_follow_up')
        batch_op.drop_index('ix_check_ins_alumnus_occurred')

    op.drop_table('check_ins')
    with op.batch_alter_table('assessment_results', schema=None) as batch_op:
        batch_op.drop_index('ix_assessment_results_alumnus')

    op.drop_table('assessment_results')
    with op.batch_alter_table('aftercare_plans', schema=None) as batch_op:
        batch_op.drop_index('ix_aftercare_plans_alumnus_status')

    op.drop_table('aftercare_plans')
    op.drop_table('team_settings')
    op.drop_table('plan_templates')

"""mentor program

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28

Mentor profiles, mentee needs and preferences, mentor pairings (one current pairing per mentee),
the do-not-pair list, and the weekly pairing reviews with their attendees and outcomes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from aftercare_desktop.models.base import UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('pairing_reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff_members.id'], name=op.f('fk_pairing_reviews_created_by_id_staff_members'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pairing_reviews'))
    )
    with op.batch_alter_table('pairing_reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pairing_reviews_held_on'), ['held_on'], unique=False)

    op.create_table('do_not_pair',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('alumnus_id', sa.Integer(), nullable=False),
    sa.Column('other_alumnus_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=400), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('alumnus_id < other_alumnus_id', name=op.f('ck_do_not_pair_ordered')),
    sa.ForeignKeyConstraint(['alumnus_id'], ['alumni.id'], name=op.f('fk_do_not_pair_alumnus_id_alumni'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff_members.id'], name=op.f('fk_do_not_pair_created_by_id_staff_members'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['other_alumnus_id'], ['alumni.id'], name=op.f('fk_do_not_pair_other_alumnus_id_alumni'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_do_not_pair')),
    sa.UniqueConstraint('alumnus_id', 'other_alumnus_id', name='uq_do_not_pair_alumnus_id')
    )
    with op.batch_alter_table('do_not_pair', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_do_not_pair_other_alumnus_id'), ['other_alumnus_id'], unique=False)

    op.create_table('mentee_profiles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('alumnus_id', sa.Integer(), nullable=False),
    sa.Column('waiting_since', sa.Date(), nullable=False),
    sa.Column('needs', sa.JSON(), nullable=False),
    sa.Column('gender', sa.Enum('woman', 'man', 'non_binary', 'another', name='gender', native_enum=False, length=18), nullable=True),
    sa.Column('preferred_mentor_genders', sa.JSON(), nullable=False),
    sa.Column('preferred_languages', sa.JSON(), nullable=False),
    sa.Column('preferred_pathways', sa.JSON(), nullable=False),
    sa.Column('availability', sa.JSON(), nullable=False),
    sa.Column('interests', sa.JSON(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('row_version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['alumnus_id'], ['alumni.id'], name=op.f('fk_mentee_profiles_alumnus_id_alumni'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff_members.id'], name=op.f('fk_mentee_profiles_created_by_id_staff_members'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['staff_members.id'], name=op.f('fk_mentee_profiles_updated_by_id_staff_members'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mentee_profiles')),
    sa.UniqueConstraint('alumnus_id', name=op.f('uq_mentee_profiles_alumnus_id'))
    )
    op.create_table('mentor_pairings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mentee_id', sa.Integer(), nullable=False),
    sa.Column('mentor_id', sa.Integer(), nullable=False),
    sa.Column('started_on', sa.Date(), nullable=True),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('end_reason', sa.Enum('completed', 'mentee_request', 'mentor_capacity', 'conflict', 'recurrence', 'lost_contact', name='pairingendreason', native_enum=False, length=23), nullable=True),
    sa.Column('end_note', sa.Text(), nullable=True),
    sa.Column('current', sa.Boolean(), nullable=True),
    sa.Column('match_score', sa.Float(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('row_version', sa.Integer(), nullable=False),
    sa.CheckConstraint('mentee_id <> mentor_id', name=op.f('ck_mentor_pairings_not_oneself')),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff_members.id'], name=op.f('fk_mentor_pairings_created_by_id_staff_members'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['mentee_id'], ['alumni.id'], name=op.f('fk_mentor_pairings_mentee_id_alumni'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['mentor_id'], ['alumni.id'], name=op.f('fk_mentor_pairings_mentor_id_alumni'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['staff_members.id'], name=op.f('fk_mentor_pairings_updated_by_id_staff_members'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mentor_pairings')),
    sa.UniqueConstraint('mentee_id', 'current', name='uq_mentor_pairings_mentee_current')
    )
    with op.batch_alter_table('mentor_pairings', schema=None) as batch_op:
        batch_op.create_index('ix_mentor_pairings_mentee_started', ['mentee_id', 'started_on'], unique=False)
        batch_op.create_index('ix_mentor_pairings_mentor_current', ['mentor_id', 'current'], unique=False)

    op.create_table('mentor_profiles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('alumnus_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('applicant', 'in_training', 'active', 'paused', 'retired', name='mentorstatus', native_enum=False, length=19), nullable=False),
    sa.Column('training_completed_on', sa.Date(), nullable=True),
    sa.Column('training_completed_by', sa.String(length=120), nullable=True),
    sa.Column('paused_until', sa.Date(), nullable=True),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('availability', sa.JSON(), nullable=False),
    sa.Column('evening_weekend_calls', sa.Boolean(), nullable=False),
    sa.Column('gender', sa.Enum('woman', 'man', 'non_binary', 'another', name='gender', native_enum=False, length=18), nullable=True),
    sa.Column('preferred_mentee_genders', sa.JSON(), nullable=False),
    sa.Column('interests', sa.JSON(), nullable=False),
    sa.Column('background_check_on', sa.Date(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('row_version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['alumnus_id'], ['alumni.id'], name=op.f('fk_mentor_profiles_alumnus_id_alumni'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff_members.id'], name=op.f('fk_mentor_profiles_created_by_id_staff_members'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['staff_members.id'], name=op.f('fk_mentor_profiles_updated_by_id_staff_members'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mentor_profiles')),
    sa.UniqueConstraint('alumnus_id', name=op.f('uq_mentor_profiles_alumnus_id'))
    )
    op.create_table('pairing_review_attendees',
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['review_id'], ['pairing_reviews.id'], name=op.f('fk_pairing_review_attendees_review_id_pairing_reviews'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['staff_id'], ['staff_members.id'], name=op.f('fk_pairing_review_attendees_staff_id_staff_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('review_id', 'staff_id', name=op.f('pk_pairing_review_attendees'))
    )
    op.create_table('pairing_review_outcomes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('pairing_id', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.Enum('continue', 'watch', 'reassign', 'end', name='reviewoutcome', native_enum=False, length=16), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['pairing_id'], ['mentor_pairings.id'], name=op.f('fk_pairing_review_outcomes_pairing_id_mentor_pairings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['review_id'], ['pairing_reviews.id'], name=op.f('fk_pairing_review_outcomes_review_id_pairing_reviews'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pairing_review_outcomes')),
    sa.UniqueConstraint('review_id', 'pairing_id', name='uq_pairing_review_outcomes_review_id')
    )
    with op.batch_alter_table('pairing_review_outcomes', schema=None) as batch_op:
        batch_op.create_index('ix_pairing_review_outcomes_pairing', ['pairing_id', 'review_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('pairing_review_outcomes', schema=None) as batch_op:
        batch_op.drop_index('ix_pairing_review_outcomes_pairing')

    op.drop_table('pairing_review_outcomes')
    op.drop_table('pairing_review_attendees')
    op.drop_table('mentor_profiles')
    with op.batch_alter_table('mentor_pairings', schema=None) as batch_op:
        batch_op.drop_index('ix_mentor_pairings_mentor_current')
        batch_op.drop_index('ix_mentor_pairings_mentee_started')

    op.drop_table('mentor_pairings')
    op.drop_table('mentee_profiles')
    with op.batch_alter_table('do_not_pair', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_do_not_pair_other_alumnus_id'))

    op.drop_table('do_not_pair')
    with op.batch_alter_table('pairing_reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pairing_reviews_held_on'))

    op.drop_table('pairing_reviews')

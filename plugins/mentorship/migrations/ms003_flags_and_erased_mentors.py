"""mentorship: pairs flagged when a role stops; a pair outlives its mentor's erasure

Revision ID: ms003_flags_and_erased_mentors
Revises: ms002_pair_specialists
Create Date: 2026-12-01 12:45:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'ms003_flags_and_erased_mentors'
down_revision = 'ms002_pair_specialists'
branch_labels = None
depends_on = '0005_people_and_trust'


def upgrade():
    with op.batch_alter_table('mentorship_mentorship', schema=None) as batch_op:
        batch_op.add_column(sa.Column('flagged_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('flag_reason', sa.Text(), nullable=False, server_default=''))
        batch_op.alter_column('mentor_id', existing_type=sa.Integer(), nullable=True)
        batch_op.drop_constraint('fk_mentorship_mentorship_mentor_id_user_account', type_='foreignkey')
        batch_op.create_foreign_key('fk_mentorship_mentorship_mentor_id_user_account', 'user_account',
                                    ['mentor_id'], ['id'], ondelete='SET NULL')
    with op.batch_alter_table('mentorship_mentorship', schema=None) as batch_op:
        batch_op.alter_column('flag_reason', server_default=None)


def downgrade():
    with op.batch_alter_table('mentorship_mentorship', schema=None) as batch_op:
        batch_op.drop_constraint('fk_mentorship_mentorship_mentor_id_user_account', type_='foreignkey')
        batch_op.create_foreign_key('fk_mentorship_mentorship_mentor_id_user_account', 'user_account',
                                    ['mentor_id'], ['id'], ondelete='CASCADE')
        batch_op.alter_column('mentor_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('flag_reason')
        batch_op.drop_column('flagged_at')

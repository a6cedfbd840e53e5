"""mentorship: the graduate's and the mentor's answers to a proposal (accepted or declined, when, why)

Revision ID: ms005_answers
Revises: ms004_json_models
Create Date: 2026-12-01 18:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'ms005_answers'
down_revision = 'ms004_json_models'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('mentorship_mentorship', schema=None) as batch_op:
        for side in ('graduate', 'mentor'):
            batch_op.add_column(sa.Column(f'{side}_answer', sa.Enum('accepted', 'declined', name='answer',
                                                                     native_enum=False, length=10), nullable=True))
            batch_op.add_column(sa.Column(f'{side}_answered_at', sa.DateTime(), nullable=True))
            batch_op.add_column(sa.Column(f'{side}_reason', sa.Text(), nullable=False, server_default=''))
    with op.batch_alter_table('mentorship_mentorship', schema=None) as batch_op:
        for side in ('graduate', 'mentor'):
            batch_op.alter_column(f'{side}_reason', server_default=None)


def downgrade():
    with op.batch_alter_table('mentorship_mentorship', schema=None) as batch_op:
        for side in ('graduate', 'mentor'):
            batch_op.drop_column(f'{side}_reason')
            batch_op.drop_column(f'{side}_answered_at')
            batch_op.drop_column(f'{side}_answer')

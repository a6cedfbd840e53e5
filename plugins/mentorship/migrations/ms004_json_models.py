"""mentorship: a trained model is plain JSON numbers, never a pickle; stored pickles are discarded

Revision ID: ms004_json_models
Revises: ms003_flags_and_erased_mentors
Create Date: 2026-12-01 15:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'ms004_json_models'
down_revision = 'ms003_flags_and_erased_mentors'
branch_labels = None
depends_on = None


def upgrade():
    # A pickled model is never unpickled (whoever could write the table would run code in every portal
    # process): the rows go, and the next retraining makes a JSON model from the decisions, which stay.
    op.execute(sa.text("DELETE FROM mentorship_trained_model"))
    with op.batch_alter_table('mentorship_trained_model', schema=None) as batch_op:
        batch_op.drop_column('payload')
        batch_op.add_column(sa.Column('model', sa.JSON(), nullable=False))


def downgrade():
    op.execute(sa.text("DELETE FROM mentorship_trained_model"))
    with op.batch_alter_table('mentorship_trained_model', schema=None) as batch_op:
        batch_op.drop_column('model')
        batch_op.add_column(sa.Column('payload', sa.LargeBinary(), nullable=False))

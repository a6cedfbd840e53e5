"""graduate clubs: events can be cancelled; a sequence and a change time for calendar apps

Revision ID: gc002_event_cancel_sequence
Revises: gc001_graduate_clubs
Create Date: 2026-11-25 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'gc002_event_cancel_sequence'
down_revision = 'gc001_graduate_clubs'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('graduate_clubs_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cancelled_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('sequence', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('changed_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('graduate_clubs_event', schema=None) as batch_op:
        batch_op.drop_column('changed_at')
        batch_op.drop_column('sequence')
        batch_op.drop_column('cancelled_at')

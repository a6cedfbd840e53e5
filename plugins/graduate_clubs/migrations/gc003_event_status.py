"""graduate clubs: an event's status (scheduled, cancelled), for its guarded life

Revision ID: gc003_event_status
Revises: gc002_event_cancel_sequence
Create Date: 2026-12-01 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'gc003_event_status'
down_revision = 'gc002_event_cancel_sequence'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('graduate_clubs_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.Enum('scheduled', 'cancelled', name='eventstatus',
                                                        native_enum=False, length=20),
                                      server_default='scheduled', nullable=False))
    op.execute("UPDATE graduate_clubs_event SET status = 'cancelled' WHERE cancelled_at IS NOT NULL")


def downgrade():
    with op.batch_alter_table('graduate_clubs_event', schema=None) as batch_op:
        batch_op.drop_column('status')

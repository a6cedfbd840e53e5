"""core: a notification keeps what happened, so it is shown in the language its reader reads now

Revision ID: 0009_notification_source
Revises: 0008_audit_action_index
Create Date: 2026-12-01 18:30:00

"""
import sqlalchemy as sa
from alembic import op


revision = '0009_notification_source'
down_revision = '0008_audit_action_index'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_column('source')

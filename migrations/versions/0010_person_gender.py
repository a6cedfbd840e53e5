"""core: a person's grammatical gender, optional, so the portal's words speak of them rightly

Revision ID: 0010_person_gender
Revises: 0009_notification_source
Create Date: 2026-12-01 21:40:00

"""
import sqlalchemy as sa
from alembic import op


revision = '0010_person_gender'
down_revision = '0009_notification_source'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('gender', sa.String(length=10), nullable=True))


def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('gender')

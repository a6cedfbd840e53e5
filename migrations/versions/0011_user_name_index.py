"""core: a region's members listed by name, read in the order of an index (a page, not every account sorted)

Revision ID: 0011_user_name_index
Revises: 0010_person_gender
Create Date: 2026-12-02 05:40:00

"""
from alembic import op

revision = '0011_user_name_index'
down_revision = '0010_person_gender'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.create_index('ix_user_account_name', ['name', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_index('ix_user_account_name')

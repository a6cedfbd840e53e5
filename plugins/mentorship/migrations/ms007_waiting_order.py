"""mentorship: the board's page of waiting graduates (longest waiting first) read in an index's order

Revision ID: ms007_waiting_order
Revises: ms006_board_jobs
Create Date: 2026-12-02 05:45:00

"""
from alembic import op

revision = 'ms007_waiting_order'
down_revision = 'ms006_board_jobs'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('mentorship_graduate_profile', schema=None) as batch_op:
        batch_op.create_index('ix_mentorship_graduate_profile_region_updated', ['region_id', 'updated_at', 'id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('mentorship_graduate_profile', schema=None) as batch_op:
        batch_op.drop_index('ix_mentorship_graduate_profile_region_updated')

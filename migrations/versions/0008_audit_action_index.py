"""core: the audit log's list of actions present in a region, served by an index

Revision ID: 0008_audit_action_index
Revises: 0007_recovery_and_consent
Create Date: 2026-12-01 15:00:00

"""
from alembic import op


revision = '0008_audit_action_index'
down_revision = '0007_recovery_and_consent'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index('ix_audit_event_region_action', ['region_id', 'action'], unique=False)


def downgrade():
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_event_region_action')

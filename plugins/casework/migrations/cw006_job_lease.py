"""casework: the heartbeat of the imports' and the monitoring workbooks' jobs (one whose process died is failed)

Revision ID: cw006_job_lease
Revises: cw005_monitoring
Create Date: 2026-12-01 21:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'cw006_job_lease'
down_revision = 'cw005_monitoring'
branch_labels = None
depends_on = None

TABLES = ('casework_import', 'casework_monitoring_export')


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('heartbeat_at', sa.DateTime(), nullable=True))


def downgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('heartbeat_at')

"""casework: monitoring (issue 16): the background workbooks' table and the indexes the figures' queries use

Revision ID: cw005_monitoring
Revises: cw004_appeals
Create Date: 2026-12-01 18:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'cw005_monitoring'
down_revision = 'cw004_appeals'
branch_labels = None
depends_on = None

WORKING = "status IN ('queued', 'running')"
AREAS = ('legal_status', 'education', 'housing', 'income', 'employment', 'behaviour', 'children', 'army_service',
         'other')
# Each assessment's difficulty bits from its area scores (area k scored problem or critical: bit k).
MASK = ("UPDATE casework_assessment SET difficulties = (SELECT coalesce(sum(CASE area "
        + " ".join(f"WHEN '{area}' THEN {1 << k}" for k, area in enumerate(AREAS))
        + " ELSE 0 END), 0) FROM casework_area_score s WHERE s.assessment_id = casework_assessment.id "
        "AND s.score IN ('problem', 'critical'))")


def upgrade():
    with op.batch_alter_table('casework_assessment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('difficulties', sa.Integer(), server_default='0', nullable=False))
    op.execute(MASK)
    op.create_index('ix_casework_assessment_assessed', 'casework_assessment',
                    ['assessed_on', 'record_id', 'difficulties'], unique=False)
    op.create_index('ix_casework_level_change_approved', 'casework_level_change',
                    ['record_id', 'decided_at', 'id', 'to_level'], unique=False,
                    postgresql_where=sa.text("status = 'approved'"), sqlite_where=sa.text("status = 'approved'"))
    op.create_index('ix_casework_contract_record_dates', 'casework_contract', ['record_id', 'starts_on', 'ended_on'],
                    unique=False)
    op.create_index('ix_casework_record_live_scope', 'casework_record', ['region_id', 'service_id', 'id'],
                    unique=False, postgresql_where=sa.text('merged_into_id IS NULL'),
                    sqlite_where=sa.text('merged_into_id IS NULL'))
    op.create_index('ix_casework_record_live_status_due', 'casework_record',
                    ['status', 'service_id', 'assessment_due_on', 'id', 'region_id'], unique=False,
                    postgresql_where=sa.text('merged_into_id IS NULL'), sqlite_where=sa.text('merged_into_id IS NULL'))
    op.create_index('ix_casework_appeal_figures', 'casework_appeal',
                    ['region_id', 'received_at', 'type', 'status', 'service_id', 'due_on', 'closed_at'], unique=False)
    op.create_table('casework_monitoring_export',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('region', 'country', name='exportkind', native_enum=False, length=20), nullable=False),
    sa.Column('period_key', sa.String(length=10), nullable=False),
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('locale', sa.String(length=10), nullable=False),
    sa.Column('status', sa.Enum('queued', 'running', 'done', 'failed', name='exportstatus', native_enum=False,
                                length=20), nullable=False),
    sa.Column('steps_total', sa.Integer(), nullable=False),
    sa.Column('steps_done', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=True),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['region_id'], ['region.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('casework_monitoring_export', schema=None) as batch_op:
        batch_op.create_index('ix_casework_monitoring_export_region_id', ['region_id'], unique=False)
        batch_op.create_index('ix_casework_monitoring_export_working', ['key'], unique=True,
                              postgresql_where=sa.text(WORKING), sqlite_where=sa.text(WORKING))


def downgrade():
    with op.batch_alter_table('casework_monitoring_export', schema=None) as batch_op:
        batch_op.drop_index('ix_casework_monitoring_export_working')
        batch_op.drop_index('ix_casework_monitoring_export_region_id')
    op.drop_table('casework_monitoring_export')
    op.drop_index('ix_casework_appeal_figures', table_name='casework_appeal')
    op.drop_index('ix_casework_record_live_status_due', table_name='casework_record')
    op.drop_index('ix_casework_record_live_scope', table_name='casework_record')
    op.drop_index('ix_casework_contract_record_dates', table_name='casework_contract')
    op.drop_index('ix_casework_level_change_approved', table_name='casework_level_change')
    op.drop_index('ix_casework_assessment_assessed', table_name='casework_assessment')
    with op.batch_alter_table('casework_assessment', schema=None) as batch_op:
        batch_op.drop_column('difficulties')

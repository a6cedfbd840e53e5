"""casework: the monitoring's kept totals (appeals, difficulties, support levels, records), counted from what is there

Revision ID: cw007_tallies
Revises: cw006_job_lease
Create Date: 2026-12-01 21:45:00.000000

The totals are filled by the same count the plugin keeps them equal to (plugins.casework.monitoring.tallies).
The appeals' wide figures index goes: the pages no longer scan a period's appeals; the appeals not resolved and
not yet due are found by region and due date.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'cw007_tallies'
down_revision = 'cw006_job_lease'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('casework_appeal_tally',
    sa.Column('region_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('service_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('type', sa.String(length=30), nullable=False),
    sa.Column('taken', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('appeals', sa.Integer(), nullable=False),
    sa.Column('resolved', sa.Integer(), nullable=False),
    sa.Column('in_time', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['region_id'], ['region.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('region_id', 'service_id', 'month', 'type', 'taken')
    )
    op.create_table('casework_difficulty_tally',
    sa.Column('region_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('service_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('area', sa.String(length=30), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['region_id'], ['region.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('region_id', 'service_id', 'month', 'area')
    )
    op.create_table('casework_record_tally',
    sa.Column('region_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('service_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['region_id'], ['region.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('region_id', 'service_id', 'status', 'due_on')
    )
    op.create_table('casework_level_tally',
    sa.Column('region_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('service_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('since', sa.Date(), nullable=False),
    sa.Column('level', sa.String(length=20), nullable=False),
    sa.Column('change', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['region_id'], ['region.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('region_id', 'service_id', 'since', 'level')
    )
    op.drop_index('ix_casework_appeal_figures', table_name='casework_appeal')
    op.create_index('ix_casework_appeal_region_due', 'casework_appeal',
                    ['region_id', 'due_on', 'received_at', 'status', 'service_id', 'type'], unique=False)
    from plugins.casework.monitoring import tallies

    tallies.recount(op.get_bind())


def downgrade():
    op.drop_index('ix_casework_appeal_region_due', table_name='casework_appeal')
    op.create_index('ix_casework_appeal_figures', 'casework_appeal',
                    ['region_id', 'received_at', 'type', 'status', 'service_id', 'due_on', 'closed_at'], unique=False)
    op.drop_table('casework_level_tally')
    op.drop_table('casework_record_tally')
    op.drop_table('casework_difficulty_tally')
    op.drop_table('casework_appeal_tally')

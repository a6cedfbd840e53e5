"""mentorship: the matching board's background jobs (proposing for everyone, retraining) with their heartbeat

Revision ID: ms006_board_jobs
Revises: ms005_answers
Create Date: 2026-12-01 21:50:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'ms006_board_jobs'
down_revision = 'ms005_answers'
branch_labels = None
depends_on = None

WORKING = "status IN ('queued', 'running')"


def upgrade():
    op.create_table('mentorship_job',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('propose', 'retrain', name='jobkind', native_enum=False, length=20), nullable=False),
    sa.Column('key', sa.String(length=60), nullable=False),
    sa.Column('status', sa.Enum('queued', 'running', 'done', 'failed', name='jobstatus', native_enum=False,
                                length=20), nullable=False),
    sa.Column('steps_total', sa.Integer(), nullable=False),
    sa.Column('steps_done', sa.Integer(), nullable=False),
    sa.Column('result', sa.JSON(), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=True),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('heartbeat_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_mentorship_job_created_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['region_id'], ['region.id'], name=op.f('fk_mentorship_job_region_id_region'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mentorship_job'))
    )
    with op.batch_alter_table('mentorship_job', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mentorship_job_region_id'), ['region_id'], unique=False)
    op.create_index('ix_mentorship_job_working', 'mentorship_job', ['key'], unique=True,
                    postgresql_where=sa.text(WORKING), sqlite_where=sa.text(WORKING))


def downgrade():
    op.drop_index('ix_mentorship_job_working', table_name='mentorship_job')
    with op.batch_alter_table('mentorship_job', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mentorship_job_region_id'))
    op.drop_table('mentorship_job')

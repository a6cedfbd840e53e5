"""casework: the appeals journal (issue 16): appeals and the entries of their timelines

Revision ID: cw004_appeals
Revises: cw003_imports
Create Date: 2026-12-01 17:55:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'cw004_appeals'
down_revision = 'cw003_imports'
branch_labels = None
depends_on = None

STATUS = ('new', 'in_progress', 'resolved', 'referred', 'closed')


def upgrade():
    op.create_table('casework_appeal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=True),
    sa.Column('specialist_id', sa.Integer(), nullable=True),
    sa.Column('type', sa.Enum('medical', 'social_payments', 'documents', 'rights', 'employment', 'permanent_housing', 'utility_debts', 'temporary_housing', 'education', 'psychological', 'legal', 'material', 'other', name='appealtype', native_enum=False, length=30), nullable=False),
    sa.Column('channel', sa.Enum('visit', 'phone', 'message', 'portal', name='appealchannel', native_enum=False, length=20), nullable=False),
    sa.Column('status', sa.Enum(*STATUS, name='appealstatus', native_enum=False, length=20), nullable=False),
    sa.Column('request', sa.Text(), nullable=False),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('taken_by_id', sa.Integer(), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('outcome', sa.Text(), nullable=False),
    sa.Column('referred_to', sa.String(length=300), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['record_id'], ['casework_record.id'], name=op.f('fk_casework_appeal_record_id_casework_record'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['region_id'], ['region.id'], name=op.f('fk_casework_appeal_region_id_region'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['service_id'], ['casework_service.id'], name=op.f('fk_casework_appeal_service_id_casework_service'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['specialist_id'], ['user_account.id'], name=op.f('fk_casework_appeal_specialist_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['taken_by_id'], ['user_account.id'], name=op.f('fk_casework_appeal_taken_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_casework_appeal'))
    )
    with op.batch_alter_table('casework_appeal', schema=None) as batch_op:
        batch_op.create_index('ix_casework_appeal_record', ['record_id', 'received_at'], unique=False)
        batch_op.create_index('ix_casework_appeal_region_received', ['region_id', 'received_at'], unique=False)
        batch_op.create_index('ix_casework_appeal_region_status', ['region_id', 'status', 'received_at'], unique=False)
        batch_op.create_index('ix_casework_appeal_service_status_due', ['service_id', 'status', 'due_on'], unique=False)
        batch_op.create_index('ix_casework_appeal_specialist_status_due', ['specialist_id', 'status', 'due_on'], unique=False)

    op.create_table('casework_appeal_action',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('appeal_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('action', 'status', 'assigned', 'correction', 'offer', name='appealactionkind', native_enum=False, length=20), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('by_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('from_status', sa.Enum(*STATUS, name='appealstatus', native_enum=False, length=20), nullable=True),
    sa.Column('to_status', sa.Enum(*STATUS, name='appealstatus', native_enum=False, length=20), nullable=True),
    sa.Column('corrects_id', sa.Integer(), nullable=True),
    sa.Column('staff_only', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['appeal_id'], ['casework_appeal.id'], name=op.f('fk_casework_appeal_action_appeal_id_casework_appeal'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['by_id'], ['user_account.id'], name=op.f('fk_casework_appeal_action_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['corrects_id'], ['casework_appeal_action.id'], name=op.f('fk_casework_appeal_action_corrects_id_casework_appeal_action'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_casework_appeal_action'))
    )
    with op.batch_alter_table('casework_appeal_action', schema=None) as batch_op:
        batch_op.create_index('ix_casework_appeal_action_appeal', ['appeal_id', 'at'], unique=False)
        batch_op.create_index(batch_op.f('ix_casework_appeal_action_corrects_id'), ['corrects_id'], unique=False)


def downgrade():
    with op.batch_alter_table('casework_appeal_action', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_casework_appeal_action_corrects_id'))
        batch_op.drop_index('ix_casework_appeal_action_appeal')
    op.drop_table('casework_appeal_action')
    with op.batch_alter_table('casework_appeal', schema=None) as batch_op:
        batch_op.drop_index('ix_casework_appeal_specialist_status_due')
        batch_op.drop_index('ix_casework_appeal_service_status_due')
        batch_op.drop_index('ix_casework_appeal_region_status')
        batch_op.drop_index('ix_casework_appeal_region_received')
        batch_op.drop_index('ix_casework_appeal_record')
    op.drop_table('casework_appeal')

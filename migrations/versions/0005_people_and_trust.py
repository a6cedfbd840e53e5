"""core: invitations to a role, a region's contacts and privacy notice

Revision ID: 0005_people_and_trust
Revises: 0004_institutions
Create Date: 2026-12-01 12:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0005_people_and_trust'
down_revision = '0004_institutions'
branch_labels = None
depends_on = None

REGION_TEXTS = ('contacts', 'privacy_holder', 'privacy_purpose', 'privacy_retention', 'privacy_contact')


def upgrade():
    op.create_table('invitation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('graduate', 'mentor', 'volunteer', 'specialist', 'coordinator', 'region_admin',
                              'pupil', name='role', native_enum=False, length=20), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('invited_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('accepted_at', sa.DateTime(), nullable=True),
    sa.Column('accepted_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['accepted_by_id'], ['user_account.id'],
                            name=op.f('fk_invitation_accepted_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['invited_by_id'], ['user_account.id'],
                            name=op.f('fk_invitation_invited_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['region_id'], ['region.id'],
                            name=op.f('fk_invitation_region_id_region'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invitation')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_invitation_token_hash'))
    )
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invitation_email'), ['email'], unique=False)
        batch_op.create_index(batch_op.f('ix_invitation_region_id'), ['region_id'], unique=False)
    with op.batch_alter_table('region', schema=None) as batch_op:
        for name in REGION_TEXTS:
            batch_op.add_column(sa.Column(name, sa.Text(), nullable=False, server_default=''))
    with op.batch_alter_table('region', schema=None) as batch_op:
        for name in REGION_TEXTS:
            batch_op.alter_column(name, server_default=None)


def downgrade():
    with op.batch_alter_table('region', schema=None) as batch_op:
        for name in REGION_TEXTS:
            batch_op.drop_column(name)
    op.drop_table('invitation')

"""mentorship: specialists who follow a pair

Revision ID: ms002_pair_specialists
Revises: ms001_mentorship
Create Date: 2026-11-25 12:04:45.355505

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'ms002_pair_specialists'
down_revision = 'ms001_mentorship'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('mentorship_pair_specialist',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mentorship_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('named_by_id', sa.Integer(), nullable=True),
    sa.Column('named_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['mentorship_id'], ['mentorship_mentorship.id'], name=op.f('fk_mentorship_pair_specialist_mentorship_id_mentorship_mentorship'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['named_by_id'], ['user_account.id'], name=op.f('fk_mentorship_pair_specialist_named_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_mentorship_pair_specialist_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mentorship_pair_specialist')),
    sa.UniqueConstraint('mentorship_id', 'user_id', name=op.f('uq_mentorship_pair_specialist_mentorship_id_user_id'))
    )
    with op.batch_alter_table('mentorship_pair_specialist', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mentorship_pair_specialist_mentorship_id'), ['mentorship_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mentorship_pair_specialist_user_id'), ['user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('mentorship_pair_specialist', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mentorship_pair_specialist_user_id'))
        batch_op.drop_index(batch_op.f('ix_mentorship_pair_specialist_mentorship_id'))

    op.drop_table('mentorship_pair_specialist')

"""graduate clubs: volunteers' offers to help at events

Revision ID: gc004_help_offers
Revises: gc003_event_status
Create Date: 2026-12-01 18:45:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'gc004_help_offers'
down_revision = 'gc003_event_status'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'graduate_clubs_help_offer',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('volunteer_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.Enum('offered', 'accepted', 'declined', 'withdrawn', name='helpstatus',
                                    native_enum=False, length=20), server_default='offered', nullable=False),
        sa.Column('note', sa.Text(), server_default='', nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decided_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['event_id'], ['graduate_clubs_event.id'],
                                name=op.f('fk_graduate_clubs_help_offer_event_id_graduate_clubs_event'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['volunteer_id'], ['user_account.id'],
                                name=op.f('fk_graduate_clubs_help_offer_volunteer_id_user_account'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['decided_by_id'], ['user_account.id'],
                                name=op.f('fk_graduate_clubs_help_offer_decided_by_id_user_account'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_graduate_clubs_help_offer')),
        sa.UniqueConstraint('event_id', 'volunteer_id', name=op.f('uq_graduate_clubs_help_offer_event_id_volunteer_id')),
    )
    with op.batch_alter_table('graduate_clubs_help_offer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_graduate_clubs_help_offer_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_graduate_clubs_help_offer_volunteer_id'), ['volunteer_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('graduate_clubs_help_offer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_graduate_clubs_help_offer_volunteer_id'))
        batch_op.drop_index(batch_op.f('ix_graduate_clubs_help_offer_event_id'))
    op.drop_table('graduate_clubs_help_offer')

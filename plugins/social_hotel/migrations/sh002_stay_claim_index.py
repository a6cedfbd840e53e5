"""social hotel: stays found by their claim (the occupancy chart) through an index

Revision ID: sh002_stay_claim_index
Revises: sh001_social_hotel
Create Date: 2026-12-01 15:00:00

"""
from alembic import op


revision = 'sh002_stay_claim_index'
down_revision = 'sh001_social_hotel'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('social_hotel_stay', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_social_hotel_stay_claim_id'), ['claim_id'], unique=False)


def downgrade():
    with op.batch_alter_table('social_hotel_stay', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_social_hotel_stay_claim_id'))

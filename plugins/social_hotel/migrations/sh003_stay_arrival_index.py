"""social hotel: the yearly figures read a year's stays of the region's hotels through a (hotel, arrival) index

Revision ID: sh003_stay_arrival_index
Revises: sh002_stay_claim_index
Create Date: 2026-12-02 15:45:00

"""
from alembic import op


revision = 'sh003_stay_arrival_index'
down_revision = 'sh002_stay_claim_index'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('social_hotel_stay', schema=None) as batch_op:
        batch_op.create_index('ix_social_hotel_stay_hotel_arrival', ['hotel_id', 'arrival'], unique=False)


def downgrade():
    with op.batch_alter_table('social_hotel_stay', schema=None) as batch_op:
        batch_op.drop_index('ix_social_hotel_stay_hotel_arrival')

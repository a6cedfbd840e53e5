"""graduate clubs: each event's kept figures (registrations holding a seat, who came), counted from what is there

Revision ID: gc005_event_tally
Revises: gc004_help_offers
Create Date: 2026-12-02 16:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'gc005_event_tally'
down_revision = 'gc004_help_offers'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'graduate_clubs_event_tally',
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('registered', sa.Integer(), nullable=False),
        sa.Column('attended', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['event_id'], ['graduate_clubs_event.id'],
                                name=op.f('fk_graduate_clubs_event_tally_event_id_graduate_clubs_event'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('event_id', name=op.f('pk_graduate_clubs_event_tally')),
    )
    # what is there already, counted as tallies.counts counts it
    op.execute("""
        INSERT INTO graduate_clubs_event_tally (event_id, registered, attended)
        SELECT e.id,
               COUNT(c.id),
               COUNT(c.id) FILTER (WHERE r.attended)
        FROM graduate_clubs_event e
        LEFT JOIN graduate_clubs_registration r ON r.event_id = e.id
        LEFT JOIN reservation_claim c ON c.id = r.claim_id AND c.status = 'held'
        GROUP BY e.id
    """ if op.get_bind().dialect.name == "postgresql" else """
        INSERT INTO graduate_clubs_event_tally (event_id, registered, attended)
        SELECT e.id,
               COUNT(c.id),
               SUM(CASE WHEN c.id IS NOT NULL AND r.attended THEN 1 ELSE 0 END)
        FROM graduate_clubs_event e
        LEFT JOIN graduate_clubs_registration r ON r.event_id = e.id
        LEFT JOIN reservation_claim c ON c.id = r.claim_id AND c.status = 'held'
        GROUP BY e.id
    """)


def downgrade():
    op.drop_table('graduate_clubs_event_tally')

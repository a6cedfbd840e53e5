"""core: institutions (children's homes, boarding schools) and the specialists named to them

Revision ID: 0004_institutions
Revises: 0003_mail_outbox
Create Date: 2026-12-01 11:45:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0004_institutions'
down_revision = '0003_mail_outbox'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('institution',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('kind', sa.Enum('children_home', 'boarding_school', 'family_centre', 'other',
                              name='institutionkind', native_enum=False, length=30), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('contact', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'],
                            name=op.f('fk_institution_municipality_id_municipality'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['region_id'], ['region.id'],
                            name=op.f('fk_institution_region_id_region'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_institution')),
    sa.UniqueConstraint('region_id', 'name', name=op.f('uq_institution_region_id_name'))
    )
    with op.batch_alter_table('institution', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_institution_municipality_id'), ['municipality_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_institution_region_id'), ['region_id'], unique=False)

    op.create_table('institution_staff',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('institution_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['institution_id'], ['institution.id'],
                            name=op.f('fk_institution_staff_institution_id_institution'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'],
                            name=op.f('fk_institution_staff_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_institution_staff')),
    sa.UniqueConstraint('institution_id', 'user_id', name=op.f('uq_institution_staff_institution_id_user_id'))
    )
    with op.batch_alter_table('institution_staff', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_institution_staff_institution_id'), ['institution_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_institution_staff_user_id'), ['user_id'], unique=False)


def downgrade():
    op.drop_table('institution_staff')
    op.drop_table('institution')

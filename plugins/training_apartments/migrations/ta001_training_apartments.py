"""training apartments: apartments, pupils, the programme, stays, practice, budget diary, summaries, self-ratings

Revision ID: ta001_training_apartments
Revises: 
Create Date: 2026-12-01 11:36:37.097055

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'ta001_training_apartments'
down_revision = None
branch_labels = ('training_apartments',)
depends_on = '0004_institutions'  # institutions; reservations (0002) come before it


def upgrade():
    op.create_table('training_apartments_area',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('support_area', sa.String(length=40), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['region_id'], ['region.id'], name=op.f('fk_training_apartments_area_region_id_region'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_apartments_area')),
    sa.UniqueConstraint('region_id', 'key', name=op.f('uq_training_apartments_area_region_id_key'))
    )
    with op.batch_alter_table('training_apartments_area', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_apartments_area_region_id'), ['region_id'], unique=False)

    op.create_table('training_apartments_level',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=True),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['region_id'], ['region.id'], name=op.f('fk_training_apartments_level_region_id_region'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_apartments_level')),
    sa.UniqueConstraint('region_id', 'rank', name=op.f('uq_training_apartments_level_region_id_rank'))
    )
    with op.batch_alter_table('training_apartments_level', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_apartments_level_region_id'), ['region_id'], unique=False)

    op.create_table('training_apartments_settings',
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('min_age', sa.Integer(), nullable=False),
    sa.Column('max_age', sa.Integer(), nullable=False),
    sa.Column('max_nights', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['region_id'], ['region.id'], name=op.f('fk_training_apartments_settings_region_id_region'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('region_id', name=op.f('pk_training_apartments_settings'))
    )
    op.create_table('training_apartments_skill',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['area_id'], ['training_apartments_area.id'], name=op.f('fk_training_apartments_skill_area_id_training_apartments_area'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_apartments_skill')),
    sa.UniqueConstraint('area_id', 'key', name=op.f('uq_training_apartments_skill_area_id_key'))
    )
    with op.batch_alter_table('training_apartments_skill', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_apartments_skill_area_id'), ['area_id'], unique=False)

    op.create_table('training_apartments_apartment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('institution_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('places', sa.Integer(), nullable=False),
    sa.Column('house_rules', sa.Text(), nullable=False),
    sa.Column('equipment', sa.Text(), nullable=False),
    sa.Column('resource_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['institution_id'], ['institution.id'], name=op.f('fk_training_apartments_apartment_institution_id_institution'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['resource_id'], ['reservation_resource.id'], name=op.f('fk_training_apartments_apartment_resource_id_reservation_resource'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_apartments_apartment'))
    )
    with op.batch_alter_table('training_apartments_apartment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_apartments_apartment_institution_id'), ['institution_id'], unique=False)

    op.create_table('training_apartments_pupil',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('institution_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=False),
    sa.Column('group_name', sa.String(length=100), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['institution_id'], ['institution.id'], name=op.f('fk_training_apartments_pupil_institution_id_institution'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_training_apartments_pupil_user_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_apartments_pupil')),
    sa.UniqueConstraint('institution_id', 'user_id', name=op.f('uq_training_apartments_pupil_institution_id_user_id'))
    )
    with op.batch_alter_table('training_apartments_pupil', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_apartments_pupil_institution_id'), ['institution_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_training_apartments_pupil_user_id'), ['user_id'], unique=False)

    op.create_table('training_apartments_self_rating',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pupil_id', sa.Integer(), nullable=False),
    sa.Column('skill_id', sa.Integer(), nullable=False),
    sa.Column('level_id', sa.Integer(), nullable=False),
    sa.Column('rated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['level_id'], ['training_apartments_level.id'], name=op.f('fk_training_apartments_self_rating_level_id_training_apartments_level'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['pupil_id'], ['training_apartments_pupil.id'], name=op.f('fk_training_apartments_self_rating_pupil_id_training_apartments_pupil'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['skill_id'], ['training_apartments_skill.id'], name=op.f('fk_training_apartments_self_rating_skill_id_training_apartments_skill'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_apartments_self_rating')),
    sa.UniqueConstraint('pupil_id', 'skill_id', name=op.f('uq_training_apartments_self_rating_pupil_id_skill_id'))
    )
    with op.batch_alter_table('training_apartments_self_rating', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_apartments_self_rating_pupil_id'), ['pupil_id'], unique=False)

    op.create_table('training_apartments_stay',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('apartment_id', sa.Integer(), nullable=False),
    sa.Column('pupil_id', sa.Integer(), nullable=False),
    sa.Column('arrival', sa.Date(), nullable=False),
    sa.Column('departure', sa.Date(), nullable=False),
    sa.Column('status', sa.Enum('planned', 'closed', 'cancelled', name='staystatus', native_enum=False, length=20), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=True),
    sa.Column('planned_by_id', sa.Integer(), nullable=True),
    sa.Column('signed_by_id', sa.Integer(), nullable=True),
    sa.Column('signed_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['apartment_id'], ['training_apartments_apartment.id'], name=op.f('fk_training_apartments_stay_apartment_id_training_apartments_apartment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['claim_id'], ['reservation_claim.id'], name=op.f('fk_training_apartments_stay_claim_id_reservation_claim'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['planned_by_id'], ['user_account.id'], name=op.f('fk_training_apartments_stay_planned_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['pupil_id'], ['training_apartments_pupil.id'], name=op.f('fk_training_apartments_stay_pupil_id_training_apartments_pupil'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['signed_by_id'], ['user_account.id'], name=op.f('fk_training_apartments_stay_signed_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_apartments_stay'))
    )
    with op.batch_alter_table('training_apartments_stay', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_apartments_stay_apartment_id'), ['apartment_id'], unique=False)
        batch_op.create_index('ix_training_apartments_stay_pupil_arrival', ['pupil_id', 'arrival'], unique=False)

    op.create_table('training_apartments_budget',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('stay_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('kind', sa.Enum('given', 'spent', name='budgetkind', native_enum=False, length=20), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('what', sa.String(length=300), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['stay_id'], ['training_apartments_stay.id'], name=op.f('fk_training_apartments_budget_stay_id_training_apartments_stay'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_apartments_budget'))
    )
    with op.batch_alter_table('training_apartments_budget', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_apartments_budget_stay_id'), ['stay_id'], unique=False)

    op.create_table('training_apartments_practice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('stay_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('skill_id', sa.Integer(), nullable=False),
    sa.Column('level_id', sa.Integer(), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['level_id'], ['training_apartments_level.id'], name=op.f('fk_training_apartments_practice_level_id_training_apartments_level'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'], name=op.f('fk_training_apartments_practice_recorded_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['skill_id'], ['training_apartments_skill.id'], name=op.f('fk_training_apartments_practice_skill_id_training_apartments_skill'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['stay_id'], ['training_apartments_stay.id'], name=op.f('fk_training_apartments_practice_stay_id_training_apartments_stay'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_apartments_practice'))
    )
    with op.batch_alter_table('training_apartments_practice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_apartments_practice_stay_id'), ['stay_id'], unique=False)

    op.create_table('training_apartments_summary_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('stay_id', sa.Integer(), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.Column('start_level_id', sa.Integer(), nullable=False),
    sa.Column('end_level_id', sa.Integer(), nullable=False),
    sa.Column('strengths', sa.Text(), nullable=False),
    sa.Column('next_steps', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['area_id'], ['training_apartments_area.id'], name=op.f('fk_training_apartments_summary_line_area_id_training_apartments_area'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['end_level_id'], ['training_apartments_level.id'], name=op.f('fk_training_apartments_summary_line_end_level_id_training_apartments_level'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['start_level_id'], ['training_apartments_level.id'], name=op.f('fk_training_apartments_summary_line_start_level_id_training_apartments_level'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['stay_id'], ['training_apartments_stay.id'], name=op.f('fk_training_apartments_summary_line_stay_id_training_apartments_stay'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_apartments_summary_line')),
    sa.UniqueConstraint('stay_id', 'area_id', name=op.f('uq_training_apartments_summary_line_stay_id_area_id'))
    )
    with op.batch_alter_table('training_apartments_summary_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_apartments_summary_line_stay_id'), ['stay_id'], unique=False)



def downgrade():
    with op.batch_alter_table('training_apartments_summary_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_apartments_summary_line_stay_id'))

    op.drop_table('training_apartments_summary_line')
    with op.batch_alter_table('training_apartments_practice', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_apartments_practice_stay_id'))

    op.drop_table('training_apartments_practice')
    with op.batch_alter_table('training_apartments_budget', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_apartments_budget_stay_id'))

    op.drop_table('training_apartments_budget')
    with op.batch_alter_table('training_apartments_stay', schema=None) as batch_op:
        batch_op.drop_index('ix_training_apartments_stay_pupil_arrival')
        batch_op.drop_index(batch_op.f('ix_training_apartments_stay_apartment_id'))

    op.drop_table('training_apartments_stay')
    with op.batch_alter_table('training_apartments_self_rating', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_apartments_self_rating_pupil_id'))

    op.drop_table('training_apartments_self_rating')
    with op.batch_alter_table('training_apartments_pupil', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_apartments_pupil_user_id'))
        batch_op.drop_index(batch_op.f('ix_training_apartments_pupil_institution_id'))

    op.drop_table('training_apartments_pupil')
    with op.batch_alter_table('training_apartments_apartment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_apartments_apartment_institution_id'))

    op.drop_table('training_apartments_apartment')
    with op.batch_alter_table('training_apartments_skill', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_apartments_skill_area_id'))

    op.drop_table('training_apartments_skill')
    op.drop_table('training_apartments_settings')
    with op.batch_alter_table('training_apartments_level', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_apartments_level_region_id'))

    op.drop_table('training_apartments_level')
    with op.batch_alter_table('training_apartments_area', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_apartments_area_region_id'))

    op.drop_table('training_apartments_area')

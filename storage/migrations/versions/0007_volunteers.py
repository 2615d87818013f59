"""volunteer movement: centres, institutions, squads, schools, applications

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25 20:11:01.560974
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.base

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('centre',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('work_plan_url', sa.String(length=500), nullable=True),
    sa.Column('vk_url', sa.String(length=500), nullable=True),
    sa.Column('instagram_url', sa.String(length=500), nullable=True),
    sa.Column('facebook_url', sa.String(length=500), nullable=True),
    sa.Column('youtube_url', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['region_id'], ['region.id'], name=op.f('fk_centre_region_id_region'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_centre')),
    sa.UniqueConstraint('region_id', name=op.f('uq_centre_region_id'))
    )
    op.create_table('institution',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('confirmed', sa.Boolean(), nullable=False),
    sa.Column('proposed_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', storage.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['proposed_by_id'], ['person.id'], name=op.f('fk_institution_proposed_by_id_person'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['region_id'], ['region.id'], name=op.f('fk_institution_region_id_region'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_institution')),
    sa.UniqueConstraint('region_id', 'name', name=op.f('uq_institution_region_id_name'))
    )
    with op.batch_alter_table('institution', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_institution_region_id'), ['region_id'], unique=False)

    op.create_table('school',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('district', sa.String(length=120), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['region_id'], ['region.id'], name=op.f('fk_school_region_id_region'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_school')),
    sa.UniqueConstraint('region_id', 'district', 'name', name=op.f('uq_school_region_id_district_name'))
    )
    with op.batch_alter_table('school', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_school_region_id'), ['region_id'], unique=False)

    op.create_table('squad',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('institution_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('leader_id', sa.Integer(), nullable=True),
    sa.Column('join_code', sa.String(length=16), nullable=True),
    sa.Column('created_at', storage.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['institution_id'], ['institution.id'], name=op.f('fk_squad_institution_id_institution'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['leader_id'], ['person.id'], name=op.f('fk_squad_leader_id_person'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_squad')),
    sa.UniqueConstraint('institution_id', 'name', name=op.f('uq_squad_institution_id_name')),
    sa.UniqueConstraint('join_code', name=op.f('uq_squad_join_code'))
    )
    with op.batch_alter_table('squad', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_squad_institution_id'), ['institution_id'], unique=False)

    op.create_table('squad_school',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('squad_id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], name=op.f('fk_squad_school_school_id_school'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['squad_id'], ['squad.id'], name=op.f('fk_squad_school_squad_id_squad'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_squad_school')),
    sa.UniqueConstraint('squad_id', 'school_id', 'starts_on', name=op.f('uq_squad_school_squad_id_school_id_starts_on'))
    )
    with op.batch_alter_table('squad_school', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_squad_school_school_id'), ['school_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_squad_school_squad_id'), ['squad_id'], unique=False)

    op.create_table('volunteer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('region_id', sa.Integer(), nullable=True),
    sa.Column('institution_id', sa.Integer(), nullable=True),
    sa.Column('squad_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('parent_code', sa.String(length=24), nullable=True),
    sa.Column('parent_consent_at', storage.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('parent_consent_by_id', sa.Integer(), nullable=True),
    sa.Column('submitted_at', storage.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decided_at', storage.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('reject_reason', sa.String(length=500), nullable=True),
    sa.Column('created_at', storage.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', storage.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['decided_by_id'], ['person.id'], name=op.f('fk_volunteer_decided_by_id_person'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['institution_id'], ['institution.id'], name=op.f('fk_volunteer_institution_id_institution'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['parent_consent_by_id'], ['person.id'], name=op.f('fk_volunteer_parent_consent_by_id_person'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_volunteer_person_id_person'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['region_id'], ['region.id'], name=op.f('fk_volunteer_region_id_region'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['squad_id'], ['squad.id'], name=op.f('fk_volunteer_squad_id_squad'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_volunteer')),
    sa.UniqueConstraint('parent_code', name=op.f('uq_volunteer_parent_code')),
    sa.UniqueConstraint('person_id', name=op.f('uq_volunteer_person_id'))
    )
    with op.batch_alter_table('volunteer', schema=None) as batch_op:
        batch_op.create_index('ix_volunteer_region_status', ['region_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_volunteer_squad_id'), ['squad_id'], unique=False)

    # One leader-movement centre per region (DOMAIN.md §1): every region has one from the start.
    op.execute("INSERT INTO centre (region_id) SELECT id FROM region")


def downgrade() -> None:
    with op.batch_alter_table('volunteer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_volunteer_squad_id'))
        batch_op.drop_index('ix_volunteer_region_status')

    op.drop_table('volunteer')
    with op.batch_alter_table('squad_school', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_squad_school_squad_id'))
        batch_op.drop_index(batch_op.f('ix_squad_school_school_id'))

    op.drop_table('squad_school')
    with op.batch_alter_table('squad', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_squad_institution_id'))

    op.drop_table('squad')
    with op.batch_alter_table('school', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_school_region_id'))

    op.drop_table('school')
    with op.batch_alter_table('institution', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_institution_region_id'))

    op.drop_table('institution')
    op.drop_table('centre')

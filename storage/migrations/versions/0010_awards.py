"""awards: letters of gratitude per season and level

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-25 20:55:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.base

revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('award',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('season', sa.Integer(), nullable=False),
    sa.Column('level', sa.String(length=16), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=True),
    sa.Column('volunteer_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=True),
    sa.Column('awarded_by_id', sa.Integer(), nullable=True),
    sa.Column('locale', sa.String(length=8), nullable=False),
    sa.Column('created_at', storage.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['awarded_by_id'], ['person.id'], name=op.f('fk_award_awarded_by_id_person'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['region_id'], ['region.id'], name=op.f('fk_award_region_id_region'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['volunteer_id'], ['volunteer.id'], name=op.f('fk_award_volunteer_id_volunteer'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_award')),
    sa.UniqueConstraint('code', name=op.f('uq_award_code')),
    sa.UniqueConstraint('season', 'level', 'volunteer_id', name=op.f('uq_award_season_level_volunteer_id'))
    )
    with op.batch_alter_table('award', schema=None) as batch_op:
        batch_op.create_index('ix_award_volunteer_id', ['volunteer_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('award', schema=None) as batch_op:
        batch_op.drop_index('ix_award_volunteer_id')

    op.drop_table('award')

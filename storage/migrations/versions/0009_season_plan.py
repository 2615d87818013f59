"""season plan: items and tasks per region

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-25 20:14:58.625776
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.base

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('plan_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('season', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('title_kk', sa.String(length=300), nullable=True),
    sa.Column('title_ru', sa.String(length=300), nullable=True),
    sa.Column('title_en', sa.String(length=300), nullable=True),
    sa.Column('deadline', sa.Date(), nullable=False),
    sa.Column('per_region', sa.Boolean(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', storage.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['person.id'], name=op.f('fk_plan_item_created_by_id_person'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_item')),
    sa.UniqueConstraint('season', 'code', name=op.f('uq_plan_item_season_code'))
    )
    with op.batch_alter_table('plan_item', schema=None) as batch_op:
        batch_op.create_index('ix_plan_item_deadline', ['deadline'], unique=False)

    op.create_table('plan_task',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=True),
    sa.Column('responsible_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('done_at', storage.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('done_by_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['done_by_id'], ['person.id'], name=op.f('fk_plan_task_done_by_id_person'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['item_id'], ['plan_item.id'], name=op.f('fk_plan_task_item_id_plan_item'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['region_id'], ['region.id'], name=op.f('fk_plan_task_region_id_region'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['responsible_id'], ['person.id'], name=op.f('fk_plan_task_responsible_id_person'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_task')),
    sa.UniqueConstraint('item_id', 'region_id', name=op.f('uq_plan_task_item_id_region_id'))
    )
    with op.batch_alter_table('plan_task', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_task_done_by_id'), ['done_by_id'], unique=False)
        batch_op.create_index('ix_plan_task_item_status', ['item_id', 'status'], unique=False)
        batch_op.create_index('ix_plan_task_region_status', ['region_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_plan_task_responsible_id'), ['responsible_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('plan_task', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_task_responsible_id'))
        batch_op.drop_index('ix_plan_task_region_status')
        batch_op.drop_index('ix_plan_task_item_status')
        batch_op.drop_index(batch_op.f('ix_plan_task_done_by_id'))

    op.drop_table('plan_task')
    with op.batch_alter_table('plan_item', schema=None) as batch_op:
        batch_op.drop_index('ix_plan_item_deadline')

    op.drop_table('plan_item')

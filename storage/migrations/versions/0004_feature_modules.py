"""feature modules: update attempts, one grant per role and scope, one link code per person

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 14:16:06.717125
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.base

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCOPE_KEY = """
    CASE
        WHEN region_id IS NOT NULL THEN 'region:' || region_id
        WHEN club_id IS NOT NULL THEN 'club:' || club_id
        WHEN site_id IS NOT NULL THEN 'site:' || site_id
        WHEN child_id IS NOT NULL THEN 'child:' || child_id
        ELSE ''
    END
"""


# Delivery statuses in Qamqor's own words from now on, not Twilio's.
STATUS_WORDS = """
    CASE {column}
        WHEN 'undelivered' THEN 'failed'
        WHEN 'accepted' THEN 'queued'
        WHEN 'sending' THEN 'queued'
        ELSE {column}
    END
"""


def upgrade() -> None:
    op.execute(
        "UPDATE outbox_message SET delivery_status = "
        + STATUS_WORDS.format(column="delivery_status")
        + " WHERE delivery_status IN ('undelivered', 'accepted', 'sending')"
    )
    op.execute(
        "UPDATE early_status SET status = "
        + STATUS_WORDS.format(column="status")
        + " WHERE status IN ('undelivered', 'accepted', 'sending')"
    )
    # Only the newest code of a person stays: one live code each from now on.
    op.execute(
        "DELETE FROM link_code WHERE EXISTS (SELECT 1 FROM link_code AS newer "
        "WHERE newer.person_id = link_code.person_id AND newer.created_at > link_code.created_at)"
    )
    op.execute(
        "DELETE FROM link_code WHERE EXISTS (SELECT 1 FROM link_code AS other "
        "WHERE other.person_id = link_code.person_id AND other.created_at = link_code.created_at "
        "AND other.code > link_code.code)"
    )
    with op.batch_alter_table("link_code", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_link_code_person_id"))
        batch_op.create_unique_constraint(batch_op.f("uq_link_code_person_id"), ["person_id"])

    with op.batch_alter_table("processed_update", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("attempts", sa.Integer(), nullable=False, server_default="1")
        )
        batch_op.add_column(
            sa.Column("finished_at", storage.base.UTCDateTime(timezone=True), nullable=True)
        )
    # Updates recorded before this revision were marked before their handler ran: call them done.
    op.execute("UPDATE processed_update SET finished_at = processed_at")

    with op.batch_alter_table("role_grant", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("scope_key", sa.String(length=40), nullable=False, server_default="")
        )
    op.execute(f"UPDATE role_grant SET scope_key = {SCOPE_KEY}")
    op.execute(
        "DELETE FROM role_grant WHERE EXISTS (SELECT 1 FROM role_grant AS earlier "
        "WHERE earlier.person_id = role_grant.person_id AND earlier.role = role_grant.role "
        "AND earlier.scope_key = role_grant.scope_key AND earlier.id < role_grant.id)"
    )
    with op.batch_alter_table("role_grant", schema=None) as batch_op:
        batch_op.create_unique_constraint(
            batch_op.f("uq_role_grant_person_id_role_scope_key"), ["person_id", "role", "scope_key"]
        )


def downgrade() -> None:
    with op.batch_alter_table("role_grant", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("uq_role_grant_person_id_role_scope_key"), type_="unique"
        )
        batch_op.drop_column("scope_key")

    with op.batch_alter_table("processed_update", schema=None) as batch_op:
        batch_op.drop_column("finished_at")
        batch_op.drop_column("attempts")

    with op.batch_alter_table("link_code", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_link_code_person_id"), type_="unique")
        batch_op.create_index(batch_op.f("ix_link_code_person_id"), ["person_id"], unique=False)

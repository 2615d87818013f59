"""bulk indexes: the purge's conditions and the outbox's lapsed claims

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 10:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (index, table, columns): the hourly purge deletes a chunk at a time by these conditions, and
# the outbox's claim finds lapsed leases by the second one.
INDEXES = (
    ("ix_outbox_finished", "outbox_message", ["status", "created_at"]),
    ("ix_outbox_lapsed", "outbox_message", ["status", "claimed_until"]),
    ("ix_fsm_record_updated_at", "fsm_record", ["updated_at"]),
    ("ix_whatsapp_chat_updated_at", "whatsapp_chat", ["updated_at"]),
    ("ix_link_code_expires_at", "link_code", ["expires_at"]),
    ("ix_link_attempt_window_started_at", "link_attempt", ["window_started_at"]),
    ("ix_invite_expires_at", "invite", ["expires_at"]),
)


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade() -> None:
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)

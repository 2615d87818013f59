"""bulk indexes: the purge's conditions, the outbox's lapsed claims and its due order

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 17:00:00.000000
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


# The claim walks this in order; with the id last PostgreSQL needs no sort to break ties
# (SQLite has the rowid at the end of every index already).
DUE_BEFORE = ["status", "priority", "not_before"]
DUE_AFTER = [*DUE_BEFORE, "id"]


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)
    op.drop_index("ix_outbox_due", table_name="outbox_message")
    op.create_index("ix_outbox_due", "outbox_message", DUE_AFTER, unique=False)


def downgrade() -> None:
    op.drop_index("ix_outbox_due", table_name="outbox_message")
    op.create_index("ix_outbox_due", "outbox_message", DUE_BEFORE, unique=False)
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)

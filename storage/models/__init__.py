"""Every table, importable from one place (Alembic reads Base.metadata from here)."""

from storage.base import Base
from storage.models.org import Club, Region, Site
from storage.models.people import (
    ChannelIdentity,
    Child,
    ConsentRecord,
    Invite,
    LinkAttempt,
    LinkCode,
    Person,
    Role,
    RoleGrant,
)
from storage.models.system import (
    EarlyStatus,
    FsmRecord,
    MediaFile,
    OutboxMessage,
    OutboxStatus,
    ProcessedUpdate,
    SchedulerMark,
    WhatsAppChat,
)

__all__ = [
    "Base",
    "ChannelIdentity",
    "Child",
    "Club",
    "ConsentRecord",
    "EarlyStatus",
    "FsmRecord",
    "Invite",
    "LinkAttempt",
    "LinkCode",
    "MediaFile",
    "OutboxMessage",
    "OutboxStatus",
    "Person",
    "ProcessedUpdate",
    "Region",
    "Role",
    "RoleGrant",
    "SchedulerMark",
    "Site",
    "WhatsAppChat",
]

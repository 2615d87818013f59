"""What a provider can tell us about a message after it left, in our words, not Twilio's."""

from __future__ import annotations

from enum import StrEnum


class DeliveryStatus(StrEnum):
    QUEUED = "queued"  # accepted by the provider
    SENT = "sent"  # handed to the messenger
    FAILED = "failed"  # never reached the phone
    DELIVERED = "delivered"
    READ = "read"


# Callbacks may arrive in any order: a status only replaces one ranked lower.
# A failure outranks "sent" but not "delivered": a late failure report cannot undo a delivery.
RANK = {
    DeliveryStatus.QUEUED: 0,
    DeliveryStatus.SENT: 1,
    DeliveryStatus.FAILED: 2,
    DeliveryStatus.DELIVERED: 3,
    DeliveryStatus.READ: 4,
}

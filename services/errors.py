"""Domain errors; handlers turn each into a localized reply."""

from __future__ import annotations


class DomainError(Exception):
    """A request the rules refuse; nothing was changed."""


class NotRegistered(DomainError):
    pass


class AlreadyRegistered(DomainError):
    pass


class NotAllowed(DomainError):
    pass


class UnknownLocale(DomainError):
    pass


class InviteProblem(DomainError):
    """An invite that cannot be used; `reason` is one of INVITE_REASONS."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class InvalidScope(DomainError):
    pass


class LinkProblem(DomainError):
    """A link code that cannot join two accounts.

    `reason`: unknown, expired, same_channel, registered_elsewhere, channel_taken or too_many.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason

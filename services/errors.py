"""Domain errors shared by every feature; handlers turn each into a localized reply.

A feature's own errors (with their reasons as enums) live in its package.
"""

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


class LastAdmin(DomainError):
    """The only administrator would stop being one (revoked, or forgotten): refused, so that
    Qamqor always has someone who can hand out staff roles."""

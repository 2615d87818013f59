"""Per-update plumbing: one session and dedup, who is writing, in which language."""

from bot.middlewares.actor import ActorMiddleware
from bot.middlewares.i18n import PersonI18nMiddleware
from bot.middlewares.session import SessionMiddleware

__all__ = ["ActorMiddleware", "PersonI18nMiddleware", "SessionMiddleware"]

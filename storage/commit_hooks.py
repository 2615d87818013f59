"""Work that must go into every commit of a session, whoever commits it.

The per-update bookkeeping (the mark that an update is finished, the conversation state it
changed) commits in the same transaction as the service's own work, so a crash can never keep
one without the other. A hook's `before_commit` runs inside the commit on the synchronous
session (SQLAlchemy's asyncio layer runs event handlers inside its greenlet, so a plain
`session.execute` works there) and may raise to refuse the commit; `after_commit` runs once the
commit succeeded. A rolled-back commit never reaches `after_commit`, so the hook tries again in
the next one.
"""

from __future__ import annotations

from typing import Protocol

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

_HOOKS = "qamqor.commit_hooks"
_RAN = "qamqor.commit_hooks_ran"


class CommitHook(Protocol):
    def before_commit(self, session: Session) -> None: ...

    def after_commit(self) -> None: ...


def add_commit_hook(session: AsyncSession, hook: CommitHook) -> None:
    session.sync_session.info.setdefault(_HOOKS, []).append(hook)


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    # Releasing a savepoint commits nothing yet: the hooks wait for the real commit.
    if session.in_nested_transaction():
        return
    hooks = session.info.get(_HOOKS, ())
    for hook in hooks:
        hook.before_commit(session)
    session.info[_RAN] = bool(hooks)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    if not session.info.pop(_RAN, False):
        return
    for hook in session.info.get(_HOOKS, ()):
        hook.after_commit()


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(_RAN, None)

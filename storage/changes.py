"""Who changed: commits that touch people, accounts or roles tell the caches that hold them.

Caches of who is writing (services/known_people.py) keep the database off the ordinary update;
they must hear of every committed change. A service that changes a person, an account or a
role names them with `people_changed` in the same transaction, after the write; listeners
hear it once the commit succeeded (a rollback tells nobody). A write to those tables that no
later call names still tells the listeners, as "everyone", so a forgotten call costs speed,
never correctness (statements the session does not see, raw SQL or cascades from other tables,
are caught by the caches' time limit instead).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session

log = logging.getLogger(__name__)

PEOPLE_TABLES = frozenset({"person", "channel_identity", "role_grant"})
_PENDING = "qamqor.people_changed"
_UNNAMED = "qamqor.people_unnamed"


@dataclass
class PeopleChange:
    persons: set[int] = field(default_factory=set)
    accounts: set[tuple[str, str]] = field(default_factory=set)  # (channel, external id)
    identities: set[int] = field(default_factory=set)
    everyone: bool = False


Listener = Callable[[PeopleChange], None]
_listeners: dict[str, list[Listener]] = {}


def listen(database: str, listener: Listener) -> Callable[[], None]:
    """Hear committed changes to `database` (its URL); returns the call that stops it."""
    listeners = _listeners.setdefault(database, [])
    listeners.append(listener)

    def stop() -> None:
        if listener in listeners:
            listeners.remove(listener)

    return stop


def people_changed(
    session: Session | object,
    *,
    persons: Iterable[int] = (),
    accounts: Iterable[tuple[str, str]] = (),
    identities: Iterable[int] = (),
) -> None:
    """In the transaction that changes them; heard after its commit."""
    sync = getattr(session, "sync_session", session)
    assert isinstance(sync, Session)
    sync.info.pop(_UNNAMED, None)  # the writes so far are these
    change = sync.info.setdefault(_PENDING, PeopleChange())
    change.persons.update(persons)
    change.accounts.update((str(c), str(e)) for c, e in accounts)
    change.identities.update(identities)


def _database(session: Session) -> str | None:
    bind = session.get_bind()
    url = getattr(bind, "url", None)
    return None if url is None else url.render_as_string(hide_password=False)


@event.listens_for(Session, "do_orm_execute")
def _on_execute(state: ORMExecuteState) -> None:
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", None) in PEOPLE_TABLES:
        state.session.info[_UNNAMED] = True


@event.listens_for(Session, "after_flush")
def _on_flush(session: Session, _context: object) -> None:
    for obj in (*session.new, *session.dirty, *session.deleted):
        if getattr(obj, "__tablename__", None) not in PEOPLE_TABLES:
            continue
        person_id = obj.id if obj.__tablename__ == "person" else obj.person_id
        accounts = (
            [(obj.channel, obj.external_id)] if obj.__tablename__ == "channel_identity" else []
        )
        people_changed(session, persons=[person_id], accounts=accounts)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint released: nothing is committed yet
    change: PeopleChange | None = session.info.pop(_PENDING, None)
    unnamed = session.info.pop(_UNNAMED, False)
    if change is None and not unnamed:
        return
    if unnamed:
        log.warning("people changed without naming whom: every cache of them starts over")
        change = PeopleChange(everyone=True)
    assert change is not None
    database = _database(session)
    for listener in list(_listeners.get(database or "", ())):
        listener(change)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    if not session.in_transaction():
        session.info.pop(_PENDING, None)
        session.info.pop(_UNNAMED, None)

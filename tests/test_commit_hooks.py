"""Commit hooks run in a session's real commits only: not in a savepoint's release, and again
after a commit that failed."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from storage.commit_hooks import add_commit_hook


class Recorder:
    def __init__(self, fail_times: int = 0) -> None:
        self.before, self.after, self.fail_times = 0, 0, fail_times

    def before_commit(self, session: Session) -> None:
        self.before += 1
        session.execute(text("SELECT 1"))
        if self.fail_times:
            self.fail_times -= 1
            raise RuntimeError("refused")

    def after_commit(self) -> None:
        self.after += 1


async def test_hooks_wait_for_the_real_commit(session: AsyncSession) -> None:
    hook = Recorder()
    add_commit_hook(session, hook)
    await session.execute(text("SELECT 1"))
    nested = await session.begin_nested()
    await nested.commit()
    assert (hook.before, hook.after) == (0, 0)
    await session.commit()
    assert (hook.before, hook.after) == (1, 1)


async def test_a_refused_commit_runs_the_hooks_again_next_time(session: AsyncSession) -> None:
    hook = Recorder(fail_times=1)
    add_commit_hook(session, hook)
    with pytest.raises(RuntimeError):
        await session.commit()
    await session.rollback()
    assert (hook.before, hook.after) == (1, 0)
    await session.commit()
    assert (hook.before, hook.after) == (2, 1)

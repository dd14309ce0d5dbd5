"""Where database work runs: on worker threads for the server, inline for everything else.

The event loop never waits on SQLite: ``reflectiebot serve`` runs all database work on two
worker threads, each with its own connection. The *interactive* lane serves people waiting
for an answer (a command, a submission) and works to a deadline; the *background* lane serves
the scheduler and the fan-out, which may wait longer for a lock. The command line, the demo,
the console chat and most tests run the same functions inline.
"""

from __future__ import annotations

import asyncio
import contextvars
import sqlite3
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from enum import StrEnum
from typing import Protocol, TypeVar

from bot.ports import DbBusyError
from bot.storage.db import DEFAULT_BUSY_MS
from bot.storage.store import Store

T = TypeVar("T")
# Below this, a job is not worth starting: it could not even wait for one short lock.
MIN_BUSY_MS = 50


class Lane(StrEnum):
    """Which worker a piece of database work queues on."""

    INTERACTIVE = "interactive"
    BACKGROUND = "background"


def _locked(exc: sqlite3.OperationalError) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


class Db(Protocol):
    """Runs database work somewhere it may block."""

    store: Store

    async def run(
        self,
        fn: Callable[..., T],
        *args: object,
        lane: Lane = Lane.BACKGROUND,
        deadline: float | None = None,
    ) -> T:
        """Run ``fn(*args)`` with database access and return its result.

        Args:
            fn: A plain function that uses the store.
            *args: Its arguments.
            lane: The worker to queue on.
            deadline: Seconds from now by which the work must be done; it then waits for a
                lock only as long as is left, and is not started at all once the time is up.

        Raises:
            DbBusyError: The database stayed locked; the work's transaction was rolled back.
        """

    def close(self) -> None:
        """Close every connection."""


class Inline:
    """Database work right here, on the calling thread (CLI, demo, chat, tests).

    Args:
        store: The store, used from this thread only.
    """

    def __init__(self, store: Store):
        self.store = store

    async def run(
        self,
        fn: Callable[..., T],
        *args: object,
        lane: Lane = Lane.BACKGROUND,
        deadline: float | None = None,
    ) -> T:
        """Run ``fn(*args)`` now (see :class:`Db`)."""
        return _guarded(
            self.store, fn, args, None if deadline is None else time.monotonic() + deadline
        )

    def close(self) -> None:
        """Close the connection."""
        self.store.close()


# People wait on the interactive lane: while one request waits for a lock, the next must not
# queue behind it, so that lane has a few threads. The background lane keeps one: its work is
# ordered and nobody is waiting for it.
THREADS = {"interactive": 4, "background": 1}


class Workers:
    """Database work on worker threads per lane, each thread with its own connection.

    Args:
        store: The store; each worker thread opens its own connection on first use.
        busy_ms: How long work without a deadline waits for another process's lock.
    """

    def __init__(self, store: Store, busy_ms: int = DEFAULT_BUSY_MS):
        self.store = store
        self.busy_ms = busy_ms
        self._pools = {
            lane: ThreadPoolExecutor(
                max_workers=THREADS[lane.value], thread_name_prefix=f"db-{lane.value}"
            )
            for lane in Lane
        }

    async def run(
        self,
        fn: Callable[..., T],
        *args: object,
        lane: Lane = Lane.BACKGROUND,
        deadline: float | None = None,
    ) -> T:
        """Run ``fn(*args)`` on the lane's thread (see :class:`Db`)."""
        until = None if deadline is None else time.monotonic() + deadline
        loop = asyncio.get_running_loop()
        # In the caller's context: what the work spawns is held back like the caller's own
        # follow-ups (bot.background.follow_ups_after).
        context = contextvars.copy_context()
        return await loop.run_in_executor(
            self._pools[lane], context.run, _guarded, self.store, fn, args, until, self.busy_ms
        )

    def close(self) -> None:
        """Stop the threads, each closing its own connection first."""
        for pool in self._pools.values():
            pool.shutdown(wait=True)
        self.store.close_everywhere()


def _guarded(
    store: Store,
    fn: Callable[..., T],
    args: tuple[object, ...],
    until: float | None,
    busy_ms: int = DEFAULT_BUSY_MS,
) -> T:
    # Runs on the thread that owns the connection. A deadline bounds the lock wait: the
    # busy timeout is what is left, so a person gets an answer in time either way.
    wait_ms = busy_ms
    if until is not None:
        wait_ms = int((until - time.monotonic()) * 1000)
        if wait_ms < MIN_BUSY_MS:
            raise DbBusyError("the deadline passed before the work could start")
        # Down to a step, so consecutive requests usually ask for the same value (see
        # Store.set_busy_timeout); never past the deadline.
        wait_ms -= wait_ms % MIN_BUSY_MS
    store.set_busy_timeout(wait_ms)
    try:
        return fn(*args)
    except sqlite3.OperationalError as exc:
        if _locked(exc):
            raise DbBusyError(str(exc)) from exc
        raise

"""Work started after answering: tracked until done, drained before shutdown, from any thread."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Coroutine, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

log = logging.getLogger(__name__)


class _Held:
    """Follow-up work spawned while a reply is being made, started once it has been written."""

    def __init__(self) -> None:
        self._lock = threading.Lock()  # spawn may run on a database worker thread
        self._work: list[tuple[Background, Coroutine[Any, Any, Any]]] | None = []

    def add(self, owner: Background, work: Coroutine[Any, Any, Any]) -> bool:
        """Keep ``work`` for later; False once the reply is out (then it starts at once)."""
        with self._lock:
            if self._work is None:
                return False
            self._work.append((owner, work))
            return True

    def take(self) -> list[tuple[Background, Coroutine[Any, Any, Any]]]:
        """Return what was kept, and keep nothing more."""
        with self._lock:
            work, self._work = self._work or [], None
        return work


def _wake(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


_HELD: ContextVar[_Held | None] = ContextVar("reflectiebot_held_follow_ups", default=None)


@contextmanager
def follow_ups_after() -> Iterator[None]:
    """Hold back the follow-up work the core spawns in this block, and start it at the end.

    An adapter wraps a request in it and writes its response inside: a command's reply
    then always reaches the person before the posts it causes, and a chunk of a programme
    round's fan-out cannot compete with that reply for the interpreter. Work spawned on a
    database worker thread is held too, since the worker runs in the request's context
    (``bot.storage.workers``); what is spawned after the block starts at once. On the
    event loop only.
    """
    held = _Held()
    token = _HELD.set(held)
    try:
        yield
    finally:
        _HELD.reset(token)  # the follow-ups themselves run outside the hold
        for owner, work in held.take():
            owner.start_held(work)


class Background:
    """Work the core starts after it has answered (a post after a command's reply).

    Tasks are kept until they finish, so shutdown can wait for them before the database
    closes; a failure is logged by type only, since exception text may quote a message.
    ``spawn`` may be called from a database worker thread: the work is then handed to the
    event loop the core last ran on.

    Args:
        name: What the work is, for the log line when a piece of it fails.
    """

    def __init__(self, name: str = "background") -> None:
        self.name = name
        self._tasks: set[asyncio.Task[Any]] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._lock = threading.Lock()
        self._holding = 0  # work held by follow_ups_after, not started yet
        self._released: asyncio.Future[None] | None = None

    def attach(self, loop: asyncio.AbstractEventLoop) -> None:
        """Remember the event loop that runs the work spawned from other threads."""
        self._loop = loop

    def spawn(self, work: Coroutine[Any, Any, Any]) -> None:
        """Start ``work`` on the event loop and keep track of it; from any thread.

        Inside :func:`follow_ups_after` the work waits until the reply has been written.
        """
        held = _HELD.get()
        if held is not None:
            with self._lock:
                self._holding += 1  # drain waits for it before it has started
            if held.add(self, work):
                return
            self._release()
        try:
            asyncio.get_running_loop()
        except RuntimeError:  # on a database worker thread
            if self._loop is None:
                work.close()
                raise RuntimeError("background work before the core ran on a loop") from None
            self._loop.call_soon_threadsafe(self.start, work)
            return
        self.start(work)

    def start(self, work: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        """Start ``work`` on the running event loop, keep track of it and return its task."""
        self._loop = asyncio.get_running_loop()
        task = self._loop.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._done)
        return task

    def _done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and (exc := task.exception()) is not None:
            log.error("%s work failed: %s", self.name, type(exc).__name__)

    def start_held(self, work: Coroutine[Any, Any, Any]) -> None:
        """Start work :func:`follow_ups_after` held back; on the event loop."""
        self.start(work)
        self._release()

    def _release(self) -> None:
        """Count one piece of held work as started (or as never held); wake a drain."""
        with self._lock:
            self._holding -= 1
            released = self._released if self._holding == 0 else None
        if released is not None:
            # May run on a database worker thread: the future is woken on its own loop.
            released.get_loop().call_soon_threadsafe(_wake, released)

    async def drain(self) -> None:
        """Wait until every piece of work (held, started, and what it started) has finished.

        Held work counts: a client can read a reply before the handler that wrote it has
        started the reply's follow-ups.
        """
        while self._tasks or self._holding:
            if self._tasks:
                await asyncio.gather(*list(self._tasks), return_exceptions=True)
                continue
            self._released = asyncio.get_running_loop().create_future()
            if self._holding:  # a worker thread may have released it meanwhile
                await self._released

"""Work started after answering: tracked until done, drained before shutdown, from any thread."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

log = logging.getLogger(__name__)


_HELD: ContextVar[asyncio.Event | None] = ContextVar("reflectiebot_held_follow_ups", default=None)


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
    reply_out = asyncio.Event()
    token = _HELD.set(reply_out)
    try:
        yield
    finally:
        _HELD.reset(token)  # the follow-ups themselves run outside the hold
        reply_out.set()


async def _after(reply_out: asyncio.Event, work: Coroutine[Any, Any, Any]) -> Any:
    await reply_out.wait()
    return await work


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

    def attach(self, loop: asyncio.AbstractEventLoop) -> None:
        """Remember the event loop that runs the work spawned from other threads."""
        self._loop = loop

    def spawn(self, work: Coroutine[Any, Any, Any]) -> None:
        """Start ``work`` on the event loop and keep track of it; from any thread.

        Inside :func:`follow_ups_after` the work waits until the reply has been written.
        """
        try:
            asyncio.get_running_loop()
            handoff = None  # on the loop: started here
        except RuntimeError:  # on a database worker thread: handed to the core's loop
            handoff = self._loop
            if handoff is None:
                work.close()
                raise RuntimeError("background work before the core ran on a loop") from None
        reply_out = _HELD.get()
        if reply_out is not None and not reply_out.is_set():
            # Tracked from now on, so a drain while the reply is being written waits for it
            # (a client can read the reply before its handler leaves the hold).
            work = _after(reply_out, work)
        if handoff is None:
            self.start(work)
        else:
            handoff.call_soon_threadsafe(self.start, work)

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

    async def drain(self) -> None:
        """Wait until every piece of work (held, started, and what it started) has finished."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

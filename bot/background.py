"""Work started after answering: tracked until done, drained before shutdown, from any thread."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

log = logging.getLogger(__name__)


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
        """Start ``work`` on the event loop and keep track of it; from any thread."""
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

    async def drain(self) -> None:
        """Wait until every piece of started work (and work it started) has finished."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

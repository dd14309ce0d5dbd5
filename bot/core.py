"""Core: the wired context every service takes (store, library, settings, clock, ports, timer)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, TypeVar

from bot.clock import Clock
from bot.models import Team
from bot.ports import ChatPort, NoTimer, Timer
from bot.settings import Settings
from bot.storage.store import Store
from bot.storage.workers import Db, Inline, Lane
from prompts.library import Library
from scheduler.calendar import Calendar

log = logging.getLogger(__name__)
T = TypeVar("T")


class Background:
    """Work the core starts after it has answered (a post after a command's reply).

    Tasks are kept until they finish, so shutdown can wait for them before the database
    closes; a failure is logged by type only, since exception text may quote a message.
    ``spawn`` may be called from a database worker thread: the work is then handed to the
    event loop the core last ran on.
    """

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()
        self._loop: asyncio.AbstractEventLoop | None = None

    def attach(self, loop: asyncio.AbstractEventLoop) -> None:
        """Remember the event loop that runs the work spawned from other threads."""
        self._loop = loop

    def spawn(self, work: Coroutine[Any, Any, Any]) -> None:
        """Start ``work`` on the event loop and keep track of it."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # on a database worker thread
            if self._loop is None:
                work.close()
                raise RuntimeError("background work before the core ran on a loop") from None
            self._loop.call_soon_threadsafe(self._start, work)
            return
        self._loop = loop
        self._start(work)

    def _start(self, work: Coroutine[Any, Any, Any]) -> None:
        assert self._loop is not None
        task = self._loop.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and (exc := task.exception()) is not None:
            log.error("background work failed: %s", type(exc).__name__)

    async def drain(self) -> None:
        """Wait until every piece of started work (and work it started) has finished."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)


@dataclass
class Core:
    """Everything a service needs, built once by a composition root in ``bot.app``.

    Attributes:
        store: The database, one store per aggregate (per thread).
        library: The question library.
        settings: Configuration from the environment.
        clock: Source of "now" for code that is not given a time.
        ports: Chat adapters by platform name.
        timer: The scheduler's timers (``NoTimer`` when reconcile alone drives rounds).
        background: Work started after a reply, drained before shutdown.
        db: Where database work runs: worker threads in the server, inline elsewhere.
    """

    store: Store
    library: Library
    settings: Settings
    clock: Clock
    ports: Mapping[str, ChatPort] = field(default_factory=dict)
    timer: Timer = field(default_factory=NoTimer)
    background: Background = field(default_factory=Background)
    db: Db | None = None

    def __post_init__(self) -> None:
        if self.db is None:
            self.db = Inline(self.store)

    async def run(
        self,
        fn: Callable[..., T],
        *args: object,
        lane: Lane = Lane.BACKGROUND,
        deadline: float | None = None,
    ) -> T:
        """Run database work ``fn(*args)`` where it may block (see ``bot.storage.workers``).

        Raises:
            bot.storage.workers.DbBusyError: The database stayed locked past the deadline.
        """
        self.background.attach(asyncio.get_running_loop())
        assert self.db is not None
        return await self.db.run(fn, *args, lane=lane, deadline=deadline)

    def port(self, platform: str) -> ChatPort | None:
        """Return the adapter of a platform, if one is wired."""
        return self.ports.get(platform)

    def surface(self, platform: str) -> str:
        """Return the template family for a platform (``text`` when no adapter is wired)."""
        port = self.ports.get(platform)
        return port.surface if port else "text"

    def calendar(self, team: Team) -> Calendar:
        """Return the working-day calendar of a team."""
        return Calendar(
            team.timezone,
            open_time=self.settings.open_time,
            close_time=self.settings.close_time,
            open_days=team.open_days,
            extra_closed=self.settings.closed_days(),
        )

    def grace(self) -> timedelta:
        """How late a round may still open (after downtime) before it counts as missed."""
        return timedelta(minutes=self.settings.grace_minutes)

    def sync_timers(self, *round_ids: int) -> None:
        """Tell the timers that rounds changed."""
        for round_id in round_ids:
            self.timer.sync(round_id)

"""Core: the wired context every service takes (store, library, settings, clock, ports, timer)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from bot.clock import Clock
from bot.models import Team
from bot.ports import ChatPort, NoTimer, Timer
from bot.settings import Settings
from bot.storage.store import Store
from prompts.library import Library
from scheduler.calendar import Calendar

log = logging.getLogger(__name__)


class Background:
    """Work the core starts after it has answered (a post after a command's reply).

    Tasks are kept until they finish, so shutdown can wait for them before the database
    closes; a failure is logged by type only, since exception text may quote a message.
    """

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()

    def spawn(self, work: Coroutine[Any, Any, Any]) -> None:
        """Start ``work`` on the running loop and keep track of it."""
        task = asyncio.get_running_loop().create_task(work)
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
        store: The database, one store per aggregate.
        library: The question library.
        settings: Configuration from the environment.
        clock: Source of "now" for code that is not given a time.
        ports: Chat adapters by platform name.
        timer: The scheduler's timers (``NoTimer`` when reconcile alone drives rounds).
        background: Work started after a reply, drained before shutdown.
    """

    store: Store
    library: Library
    settings: Settings
    clock: Clock
    ports: Mapping[str, ChatPort] = field(default_factory=dict)
    timer: Timer = field(default_factory=NoTimer)
    background: Background = field(default_factory=Background)

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

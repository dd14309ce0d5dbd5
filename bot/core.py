"""Core: the wired context every service takes (store, library, settings, clock, ports, timer)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TypeVar

from bot.background import Background
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

"""A test driver: the real core, wired as a composition root would, with one-call helpers."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path

from bot.clock import Clock
from bot.core import Core
from bot.interactions import Interactions
from bot.models import Round
from bot.ports import ChatPort
from bot.rounds.reconcile import ReconcileReport
from bot.rounds.service import RoundService
from bot.settings import Settings
from bot.storage.store import open_store
from prompts.library import load_library
from scheduler.planner import PlanDiff


class Bot:
    """The core, its round service and its door, as ``reflectiebot serve`` wires them.

    The helpers do what a person's action and the platform's wait would: record, then
    deliver, so a test can look at the posts right after.

    Args:
        core: A wired core (store, library, settings, clock, ports).
    """

    def __init__(self, core: Core):
        self.core = core
        self.store = core.store
        self.rounds = RoundService(core)
        self.door = Interactions(core, self.rounds)

    async def start_round(
        self, team_id: str, set_id: str, member_id: int | None, now: datetime
    ) -> Round:
        """Start a round and send its post."""
        rnd = self.rounds.start_round(team_id, set_id, member_id, now)
        await self.rounds.deliver(now)
        return rnd

    async def start_programme(
        self, programme_id: str, set_id: str, member_id: int | None, now: datetime
    ) -> list[Round]:
        """Start a programme-wide round and send its posts; return the rounds opened."""
        started = self.rounds.start_programme(programme_id, set_id, member_id, now)
        await self.rounds.deliver(now)
        return started.started

    def plan(
        self, team_id: str, start: date, freshups: list[date], end: date, now: datetime
    ) -> PlanDiff:
        """Plan a team's timeline."""
        return self.rounds.plan(team_id, start, freshups, end, now)

    async def reconcile(self, now: datetime) -> ReconcileReport:
        """Run one reconcile tick."""
        return await self.rounds.reconcile(now)

    async def close_round(self, round_id: int, now: datetime) -> bool:
        """Close a round and send its update and digests."""
        done = self.rounds.lifecycle.close_round(round_id, now)
        await self.rounds.deliver(now)
        return done


def make_bot(
    path: Path | str | None,
    settings: Settings,
    clock: Clock,
    ports: Mapping[str, ChatPort] | None = None,
) -> Bot:
    """Open (and migrate) the database at ``path`` (None: in memory) and wire a core on it."""
    store = open_store(path)
    return Bot(Core(store, load_library(), settings, clock, ports=dict(ports or {})))

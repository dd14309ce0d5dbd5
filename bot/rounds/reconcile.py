"""Reconcile: catch up with whatever is due, in any order of restarts, ticks and timers."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.core import Core
from bot.models import Round
from bot.rounds.fanout import Fanout
from bot.rounds.lifecycle import Lifecycle
from bot.rounds.retention import purge
from bot.storage.store import Store

log = logging.getLogger(__name__)
BATCH = 500
GROUP = 50
# Retention is a daily concern; checking once an hour keeps the tick cheap.
RETAIN_EVERY = timedelta(hours=1)


@dataclass
class ReconcileReport:
    """What one reconcile tick did (ids only: safe to log)."""

    opened: list[int] = field(default_factory=list)
    missed: list[int] = field(default_factory=list)
    reminded: list[int] = field(default_factory=list)
    closed: list[int] = field(default_factory=list)
    sent: int = 0


def _each_due(
    store: Store,
    fetch: Callable[[datetime, int], list[Round]],
    now: datetime,
    act: Callable[[Round], None],
) -> None:
    # Work in batches so a programme-wide close of thousands of rounds finishes in one tick;
    # stop when a batch made no progress (e.g. a round waiting for the team's open round).
    # Each claim keeps its own savepoint, but GROUP of them share one commit (group commit:
    # one fsync for fifty rounds, not one each; durability is not relaxed).
    seen: set[int] = set()
    while True:
        batch = [r for r in fetch(now, BATCH) if r.id not in seen]
        for start in range(0, len(batch), GROUP):
            with store.atomic():
                for rnd in batch[start : start + GROUP]:
                    seen.add(rnd.id)
                    act(rnd)
        if len(batch) < BATCH:
            return


class Reconciler:
    """Runs the reconcile tick; every step is a claim, so it is safe to run any number of times.

    Args:
        core: The wired context.
        lifecycle: The round state machine.
        fanout: Sends what the claims queued.
    """

    def __init__(self, core: Core, lifecycle: Lifecycle, fanout: Fanout):
        self.core = core
        self.lifecycle = lifecycle
        self.fanout = fanout
        self.retained_at: datetime | None = None

    async def tick(self, now: datetime) -> ReconcileReport:
        """Close, open (or mark missed) and remind whatever is due, then send what is queued.

        Two processes, a restart halfway or a timer firing at the same moment do each action
        exactly once: whoever wins a claim does it.
        """
        report = await self.core.run(self._claims, now)
        await self.fanout.recover(now)
        report.sent = await self.fanout.run(now)
        await self.core.run(self._retain, now)
        return report

    def _claims(self, now: datetime) -> ReconcileReport:
        # On the database thread: every claim of the tick, each its own savepoint, GROUP a commit.
        report = ReconcileReport()
        lc, rounds = self.lifecycle, self.core.store.rounds
        grace = self.core.grace()

        def close(rnd: Round) -> None:
            if lc.close_round(rnd.id, now):
                report.closed.append(rnd.id)

        def open_or_miss(rnd: Round) -> None:
            if now - rnd.opens_at > grace or now >= rnd.closes_at:
                if lc.miss_round(rnd, now):
                    report.missed.append(rnd.id)
            elif lc.open_round(rnd.id, now):
                report.opened.append(rnd.id)

        def remind(rnd: Round) -> None:
            if lc.remind_round(rnd.id, now):
                report.reminded.append(rnd.id)

        store = self.core.store
        _each_due(store, rounds.due_to_close, now, close)
        _each_due(store, rounds.due_to_open, now, open_or_miss)
        _each_due(store, rounds.due_to_remind, now, remind)
        return report

    def _retain(self, now: datetime) -> None:
        # Hourly, so a missed daily job never keeps data much longer; the daily job in the
        # scheduler also reclaims the space.
        if self.retained_at and now - self.retained_at < RETAIN_EVERY:
            return
        self.retained_at = now
        purge(self.core, now)

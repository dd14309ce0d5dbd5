"""Reconcile: catch up with whatever is due, in any order of restarts, ticks and timers."""

from __future__ import annotations

import asyncio
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


Claim = Callable[[Round], None]
Fetch = Callable[[datetime, int], list[Round]]


def _group(store: Store, fetch: Fetch, act: Claim, now: datetime, seen: set[int]) -> bool:
    # One commit for up to GROUP claims (group commit: one fsync for fifty rounds, not one
    # each; durability is not relaxed), each claim its own savepoint. False once nothing is
    # left to try (a round that made no progress, e.g. waiting for the team's open round, is
    # tried once per tick).
    batch = [r for r in fetch(now, BATCH) if r.id not in seen][:GROUP]
    if not batch:
        return False
    with store.atomic():
        for rnd in batch:
            seen.add(rnd.id)
            act(rnd)
    return True


class _Sending:
    """The fan-out, started as soon as the first claims are committed and kept running.

    A programme-wide close queues a thousand updates; sending the first while the rest are
    still being closed means the platform's rate limit, not our closing, sets the pace.
    """

    def __init__(self, fanout: Fanout, now: datetime):
        self.fanout = fanout
        self.now = now
        self.sent = 0
        self._task: asyncio.Task[int] | None = None

    def kick(self) -> None:
        """Make sure a fan-out run is under way (a running one picks up new deliveries)."""
        if self._task is None or self._task.done():
            self._collect()
            self._task = asyncio.ensure_future(self.fanout.run(self.now))

    async def finish(self) -> int:
        """Wait for the running fan-out, send what is left; return how many were sent."""
        if self._task is not None:
            await asyncio.wait({self._task})
        self._collect()
        self.sent += await self.fanout.run(self.now)
        return self.sent

    def cancel(self) -> None:
        """Stop a run that is still going (the tick failed or was cancelled)."""
        if self._task is not None and not self._task.done():
            self._task.cancel()

    def _collect(self) -> None:
        if self._task is not None and self._task.done():
            task, self._task = self._task, None
            self.sent += task.result()  # a failed run fails the tick, as it did when awaited


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
        """Close, open (or mark missed) and remind whatever is due, and send what is queued.

        Two processes, a restart halfway or a timer firing at the same moment do each action
        exactly once: whoever wins a claim does it. Claims are committed a group at a time,
        and the fan-out sends what they queued while the next groups are being claimed.
        """
        report = ReconcileReport()
        await self.fanout.recover(now)
        sending = _Sending(self.fanout, now)
        try:
            for fetch, act in self._steps(report, now):
                seen: set[int] = set()
                while await self.core.run(_group, self.core.store, fetch, act, now, seen):
                    sending.kick()
            report.sent = await sending.finish()
        except BaseException:
            sending.cancel()
            raise
        await self.core.run(self._retain, now)
        return report

    def _steps(self, report: ReconcileReport, now: datetime) -> list[tuple[Fetch, Claim]]:
        # Run on the database thread, one group at a time.
        lc = self.lifecycle
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

        # core.store is per thread: look the round store up on the database thread.
        return [
            (lambda n, k: self.core.store.rounds.due_to_close(n, k), close),
            (lambda n, k: self.core.store.rounds.due_to_open(n, k), open_or_miss),
            (lambda n, k: self.core.store.rounds.due_to_remind(n, k), remind),
        ]

    def _retain(self, now: datetime) -> None:
        # Hourly, so a missed daily job never keeps data much longer; the daily job in the
        # scheduler also reclaims the space.
        if self.retained_at and now - self.retained_at < RETAIN_EVERY:
            return
        self.retained_at = now
        purge(self.core, now)

"""Reconcile: catch up with whatever is due, in any order of restarts, ticks and timers."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.models import Round

if TYPE_CHECKING:
    from bot.lifecycle import Lifecycle

log = logging.getLogger(__name__)
BATCH = 500


@dataclass
class ReconcileReport:
    """What one reconcile tick did (ids only: safe to log)."""

    opened: list[int] = field(default_factory=list)
    missed: list[int] = field(default_factory=list)
    reminded: list[int] = field(default_factory=list)
    closed: list[int] = field(default_factory=list)
    sent: int = 0


async def _each_due(
    fetch: Callable[[datetime, int], list[Round]],
    now: datetime,
    act: Callable[[Round], Awaitable[None]],
) -> None:
    # Work in batches so a programme-wide close of thousands of rounds finishes in one tick;
    # stop when a batch made no progress (e.g. a round waiting for the team's open round).
    seen: set[int] = set()
    while True:
        batch = [r for r in fetch(now, BATCH) if r.id not in seen]
        for rnd in batch:
            seen.add(rnd.id)
            await act(rnd)
        if len(batch) < BATCH:
            return


async def reconcile(lc: Lifecycle, now: datetime) -> ReconcileReport:
    """Close, open (or mark missed) and remind whatever is due, then run due deliveries.

    Every step is a claim in the database, so two processes, a restart halfway or a timer
    firing at the same moment do each action exactly once.
    """
    report = ReconcileReport()

    async def close(rnd: Round) -> None:
        if await lc.close_round(rnd.id, now):
            report.closed.append(rnd.id)

    async def open_or_miss(rnd: Round) -> None:
        if now - rnd.opens_at > lc.grace() or now >= rnd.closes_at:
            if await lc.miss_round(rnd, now):
                report.missed.append(rnd.id)
        elif await lc.open_round(rnd.id, now):
            report.opened.append(rnd.id)

    async def remind(rnd: Round) -> None:
        if await lc.remind_round(rnd.id, now):
            report.reminded.append(rnd.id)

    await _each_due(lc.store.due_to_close, now, close)
    await _each_due(lc.store.due_to_open, now, open_or_miss)
    await _each_due(lc.store.due_to_remind, now, remind)
    lc.deliveries.expire_sending(now)
    report.sent = await lc.fanout.run(now)
    _retain(lc, now)
    return report


def _retain(lc: Lifecycle, now: datetime) -> None:
    # Retention is a daily concern; checking once an hour keeps the tick cheap.
    if lc.retained_at and now - lc.retained_at < timedelta(hours=1):
        return
    lc.retained_at = now
    purged = lc.store.purge_before(now - timedelta(days=lc.settings.retention_days), now)
    if purged:
        log.info("retention: %s rounds deleted", purged)

"""APScheduler glue: timers derived from the database, plus a reconcile tick every minute."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.clock import Clock
from bot.ports import RoundAction, RoundDriver, Tick
from scheduler.timers import DELIVER_JOB, Timers, job_id

__all__ = [
    "DELIVER_JOB",
    "RECONCILE_JOB",
    "REFRESH_JOB",
    "RETAIN_EVERY",
    "RETENTION_JOB",
    "Runner",
    "job_id",
]

log = logging.getLogger(__name__)

RECONCILE_JOB = "reconcile"
REFRESH_JOB = "refresh"
RETENTION_JOB = "retention"
RETAIN_EVERY = timedelta(days=1)
# A timer never fires before its time (APScheduler compares with the wall clock), but the
# database clock may be read a hair earlier; a second of slack keeps that from looking early.
_SLACK = timedelta(seconds=1)
_T = TypeVar("_T")


class Runner:
    """Holds the timers of upcoming round actions; the database stays the source of truth.

    Per-round ``DateTrigger`` jobs make actions punctual to the second; the reconcile job
    (at start, then every minute) catches whatever a timer missed, so rounds are never more
    than a minute late. Timers are only kept for actions within ``horizon``; a refresh job
    re-derives them every ``refresh`` interval, so 10,000 planned teams do not mean
    120,000 timers in memory.

    The runner is the core's ``Timer`` (``sync``) from construction on; it needs the
    ``RoundDriver`` only to act, so a composition root that builds the core around the
    runner hands the driver over in ``start``.

    Args:
        clock: Source of "now" handed to the driver.
        driver: The core's round operations, when known at construction.
        horizon: How far ahead per-round timers are kept.
        refresh: How often the timers are re-derived (must be shorter than ``horizon``).
        reconcile_every: Interval of the reconcile tick.
        on_tick: Receives each completed tick's duration in seconds (for /metrics).
    """

    def __init__(
        self,
        clock: Clock,
        driver: RoundDriver | None = None,
        *,
        horizon: timedelta = timedelta(hours=26),
        refresh: timedelta = timedelta(hours=1),
        reconcile_every: timedelta = timedelta(minutes=1),
        on_tick: Callable[[float], None] | None = None,
    ) -> None:
        if refresh >= horizon:
            raise ValueError("refresh must be shorter than horizon")
        self.clock = clock
        self.horizon = horizon
        self.refresh = refresh
        self.reconcile_every = reconcile_every
        self.on_tick = on_tick
        self.scheduler = AsyncIOScheduler(
            timezone=UTC,
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 60},
        )
        self.timers = Timers(self.scheduler, self.fire, self._deliver)
        self.driver = driver
        self.last_tick: datetime | None = None
        self.last_report: Tick | None = None
        self._ticked = asyncio.Event()
        self._running: set[asyncio.Task[Any]] = set()
        self._syncing: set[asyncio.Task[Any]] = set()
        self._loop: asyncio.AbstractEventLoop | None = None

    # lifetime ---------------------------------------------------------------------------
    async def start(self, driver: RoundDriver | None = None) -> None:
        """Start on the running event loop: derive timers, then reconcile at once."""
        self.driver = driver or self.driver
        self._loop = asyncio.get_running_loop()
        self.scheduler.start()
        await self.rebuild()
        self.scheduler.add_job(
            self.tick,
            IntervalTrigger(seconds=self.reconcile_every.total_seconds(), timezone=UTC),
            id=RECONCILE_JOB,
            next_run_time=datetime.now(UTC),
            replace_existing=True,
        )
        self.scheduler.add_job(
            self.retain,
            IntervalTrigger(seconds=RETAIN_EVERY.total_seconds(), timezone=UTC),
            id=RETENTION_JOB,
            replace_existing=True,
        )
        self.scheduler.add_job(
            self._refresh,
            IntervalTrigger(seconds=self.refresh.total_seconds(), timezone=UTC),
            id=REFRESH_JOB,
            replace_existing=True,
        )
        log.info("scheduler started: %d round timers", len(self.round_job_ids()))

    def shutdown(self) -> None:
        """Stop the timers; jobs already running go on (see :meth:`stop` to wait for them)."""
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)

    async def stop(self) -> None:
        """Stop the timers and wait for jobs that are running, so their claims are completed."""
        self.shutdown()
        while self._running:
            await asyncio.gather(*list(self._running), return_exceptions=True)

    async def _tracked(self, work: Awaitable[_T]) -> _T:
        # APScheduler runs coroutine jobs as tasks of its own; tracking them lets stop()
        # wait until each has recorded what it did before the database closes.
        task = asyncio.ensure_future(work)
        self._running.add(task)
        try:
            return await task
        finally:
            self._running.discard(task)

    # timers -----------------------------------------------------------------------------
    def _driver(self) -> RoundDriver:
        if self.driver is None:
            raise RuntimeError("the runner needs a RoundDriver before it can act")
        return self.driver

    async def rebuild(self) -> int:
        """Derive the round timers within the horizon from the database; return how many.

        Timers whose action left the horizon or the database (moved, cancelled, done) are
        removed, so calling this again is always safe.
        """
        now = self.clock.now()
        upcoming = await self._driver().upcoming(now, now + self.horizon)
        wanted = {job_id(rid, action): (rid, action, when) for rid, action, when in upcoming}
        self.timers.replace(wanted)
        return len(wanted)

    def sync(self, round_id: int) -> None:
        """Re-derive one round's timers after it was planned, moved, opened or cancelled.

        Safe to call from any thread (the core calls it from its database thread); the
        timers are changed on the event loop, right after.
        """
        if self._loop is None or self.driver is None:
            return  # not started: start() derives every timer from the database anyway
        self._loop.call_soon_threadsafe(self._start_sync, round_id)

    def _start_sync(self, round_id: int) -> None:
        task = asyncio.ensure_future(self._sync(round_id))
        self._syncing.add(task)
        task.add_done_callback(self._syncing.discard)

    async def settled(self) -> None:
        """Wait until every timer change asked for so far is done."""
        await asyncio.sleep(0)  # let call_soon_threadsafe callbacks create their tasks
        while self._syncing:
            await asyncio.gather(*list(self._syncing), return_exceptions=True)

    async def _sync(self, round_id: int) -> None:
        now = self.clock.now()
        times = await self._driver().due_times(round_id)
        self.timers.follow(round_id, times, now, self.horizon)

    def wake_at(self, when: datetime) -> None:
        """Run the fan-out at ``when`` (a retry's time), unless it is due to run sooner.

        Safe to call from any thread.
        """
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self.timers.wake, when)

    async def _deliver(self) -> None:
        try:
            await self._tracked(self._driver().deliver(self.clock.now()))
        except Exception as exc:
            log.error("delivery run failed: %s", type(exc).__name__)

    def round_job_ids(self) -> list[str]:
        """Return the ids of the round timers currently held."""
        return self.timers.round_job_ids()

    # jobs -------------------------------------------------------------------------------
    async def fire(self, round_id: int, action: RoundAction | str) -> bool:
        """Run one round action if the database still says it is due; return whether it ran.

        A timer may be stale: another process may have re-planned or already handled the
        round. Then the database wins and the timer is re-derived instead.
        """
        action = RoundAction(action)
        driver = self._driver()
        now = self.clock.now()
        due = (await driver.due_times(round_id)).get(action)
        if due is None or due > now + _SLACK:
            log.info("timer %s is not due in the database; re-deriving", job_id(round_id, action))
            await self._sync(round_id)
            return False
        try:
            return await self._tracked(driver.act(round_id, action, now))
        except Exception as exc:
            # Reconcile retries the action within a minute; the timer loop must survive.
            # Only the type: exception text from a platform may carry message content.
            log.error("timer %s failed: %s", job_id(round_id, action), type(exc).__name__)
            return False

    async def tick(self) -> Tick | None:
        """Reconcile everything due now; the job APScheduler runs every minute."""
        now = self.clock.now()
        started = time.perf_counter()
        try:
            report = await self._tracked(self._driver().reconcile(now))
        except Exception as exc:
            # The next tick tries again; a failing tick must not stop the interval job.
            log.error("reconcile failed: %s", type(exc).__name__)
            return None
        if self.on_tick is not None:
            self.on_tick(time.perf_counter() - started)
        self.last_tick, self.last_report = now, report
        self._ticked.set()
        if report.opened or report.missed or report.reminded or report.closed:
            log.info(
                "reconcile: opened %s missed %s reminded %s closed %s sent %s",
                report.opened,
                report.missed,
                report.reminded,
                report.closed,
                report.sent,
            )
        return report

    async def retain(self) -> int | None:
        """The daily job: delete what is past its retention period, reclaim the space."""
        try:
            return await self._tracked(self._driver().retain(self.clock.now()))
        except Exception as exc:  # tomorrow's run tries again; reconcile purges hourly
            log.error("retention failed: %s", type(exc).__name__)
            return None

    async def wait_for_tick(self, timeout: float) -> bool:
        """Wait until a reconcile tick has completed; False on timeout."""
        try:
            await asyncio.wait_for(self._ticked.wait(), timeout)
        except TimeoutError:
            return False
        return True

    async def _refresh(self) -> None:
        await self.rebuild()

    def describe(self) -> dict[str, Any]:
        """Return a small status summary for ``/healthz``: down when ticks stopped coming."""
        now = self.clock.now()
        late = self.last_tick is not None and now - self.last_tick > 3 * self.reconcile_every
        return {
            "ok": self.scheduler.running and not late,
            "timers": len(self.round_job_ids()),
            "last_tick": self.last_tick.isoformat() if self.last_tick else None,
        }

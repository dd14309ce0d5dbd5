"""The DateTrigger jobs on APScheduler: one per upcoming round action, one fan-out wake-up."""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime, timedelta

from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger

from bot.ports import RoundAction

DELIVER_JOB = "deliver"


def job_id(round_id: int, action: RoundAction | str) -> str:
    """Return the deterministic id of a round's timer, e.g. ``round:42:open``."""
    return f"round:{round_id}:{RoundAction(action).value}"


class Timers:
    """Adds, moves and removes the one-off jobs of a scheduler; deciding when is the caller's.

    Args:
        scheduler: Where the jobs live.
        fire: What a round's timer runs, given the round id and the action.
        deliver: What the fan-out's wake-up runs.
    """

    def __init__(
        self,
        scheduler: AsyncIOScheduler,
        fire: Callable[[int, RoundAction], Awaitable[bool]],
        deliver: Callable[[], Awaitable[None]],
    ) -> None:
        self.scheduler = scheduler
        self.fire = fire
        self.deliver = deliver

    def round_job_ids(self) -> list[str]:
        """Return the ids of the round timers currently held."""
        return [job.id for job in self.scheduler.get_jobs() if job.id.startswith("round:")]

    def replace(self, wanted: Mapping[str, tuple[int, RoundAction, datetime]]) -> None:
        """Hold exactly the given round timers, removing every other one.

        Args:
            wanted: Timer id -> (round id, action, when).
        """
        for stale in set(self.round_job_ids()) - wanted.keys():
            self.remove(stale)
        for jid, (rid, action, when) in wanted.items():
            self.add(jid, rid, action, when)

    def follow(
        self,
        round_id: int,
        times: Mapping[RoundAction, datetime],
        now: datetime,
        horizon: timedelta,
    ) -> None:
        """Set one round's timers to its due times, keeping only those within the horizon.

        Args:
            round_id: The round.
            times: When each of its actions is due (a missing action has no timer).
            now: The current time.
            horizon: How far ahead timers are kept.
        """
        for action in RoundAction:
            when = times.get(action)
            if when is not None and now < when <= now + horizon:
                self.add(job_id(round_id, action), round_id, action, when)
            else:
                self.remove(job_id(round_id, action))

    def wake(self, when: datetime) -> None:
        """Run the fan-out at ``when``, unless it is due to run sooner (on the event loop)."""
        if not self.scheduler.running:
            return
        job = self.scheduler.get_job(DELIVER_JOB)
        if job is not None and job.next_run_time is not None and job.next_run_time <= when:
            return
        self.scheduler.add_job(
            self.deliver,
            DateTrigger(max(when, datetime.now(UTC)), timezone=UTC),
            id=DELIVER_JOB,
            replace_existing=True,
        )

    def add(self, jid: str, round_id: int, action: RoundAction, when: datetime) -> None:
        """Add (or move) the timer ``jid`` of a round's action to ``when``."""
        self.scheduler.add_job(
            self.fire,
            DateTrigger(when, timezone=UTC),
            args=[round_id, action],
            id=jid,
            replace_existing=True,
        )

    def remove(self, jid: str) -> None:
        """Remove the timer ``jid``, if it is held."""
        with contextlib.suppress(JobLookupError):
            self.scheduler.remove_job(jid)

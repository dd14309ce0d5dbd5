"""RoundService: the round operations the scheduler, the commands and the app ask for."""

from __future__ import annotations

from datetime import date, datetime

from bot.backoff import Backoff
from bot.core import Core
from bot.messages import ConversationRef
from bot.models import Round, RoundStatus, Team
from bot.ports import RoundAction
from bot.rounds.counter import Counter
from bot.rounds.fanout import Fanout
from bot.rounds.lifecycle import Lifecycle
from bot.rounds.planning import ensure_team, plan_timeline
from bot.rounds.reconcile import Reconciler, ReconcileReport
from bot.rounds.retention import retain
from bot.rounds.starting import ProgrammeStart, RoundError, start_programme, start_round
from scheduler.planner import PlanDiff


class RoundService:
    """Rounds as the outside sees them; implements the scheduler's ``RoundDriver``.

    State changes are recorded first (synchronously, in the database); ``deliver`` then
    sends what they queued. Callers that answer a person (a command) reply in between.

    Args:
        core: The wired context.
        owner: Names this process in its delivery claims (see ``Fanout``).
        backoff: The retry schedule of failed deliveries (``Fanout``'s default if None).
    """

    def __init__(self, core: Core, owner: str = "", backoff: Backoff | None = None):
        self.core = core
        self.lifecycle = Lifecycle(core)
        self.fanout = Fanout(core, backoff, owner=owner)
        self.reconciler = Reconciler(core, self.lifecycle, self.fanout)
        self.counter = Counter(core)

    # recording ---------------------------------------------------------------------------
    def ensure_team(self, conversation: ConversationRef, now: datetime) -> Team:
        """Return the team of a conversation, creating one with default settings if new."""
        return ensure_team(self.core, conversation, now)

    def plan(
        self, team_id: str, start: date, freshups: list[date], end: date, now: datetime
    ) -> PlanDiff:
        """Plan (or re-plan) a team's timeline; only rounds still planned move.

        Raises:
            RoundError: ``unknown_team``.
            scheduler.planner.PlanError: For impossible dates (the team is left as it was).
        """
        team = self.core.store.directory.team(team_id)
        if team is None:
            raise RoundError("round_error.unknown_team", team=team_id)
        return plan_timeline(self.core, team, start, freshups, end, now)

    def start_round(self, team_id: str, set_id: str, member_id: int | None, now: datetime) -> Round:
        """Record and open a round now (see :func:`bot.rounds.starting.start_round`)."""
        return start_round(self.core, team_id, set_id, member_id, now)

    def start_programme(
        self, programme_id: str, set_id: str | None, member_id: int | None, now: datetime
    ) -> ProgrammeStart:
        """Open a round in every team of a programme (see ``starting.start_programme``)."""
        return start_programme(self.core, programme_id, set_id, member_id, now)

    def cancel_round(self, round_id: int, now: datetime) -> bool:
        """Stop an open round early; answers so far are kept, no digest is sent."""
        return self.lifecycle.cancel_round(round_id, now)

    # delivering --------------------------------------------------------------------------
    async def deliver(self, now: datetime) -> int:
        """Send every queued delivery and trailing counter update that is due.

        Returns:
            How many deliveries were sent.
        """
        await self.counter.flush(now)
        return await self.fanout.run(now)

    async def recover(self, now: datetime) -> tuple[int, int]:
        """After a restart: resolve every delivery the previous process left in flight."""
        return await self.fanout.recover(now, all_claims=True)

    # the scheduler's RoundDriver ---------------------------------------------------------
    async def upcoming(
        self, now: datetime, until: datetime | None = None
    ) -> list[tuple[int, RoundAction, datetime]]:
        """Return ``(round_id, action, when)`` of future actions up to ``until``."""
        return await self.core.run(lambda: self.core.store.rounds.upcoming(now, until))

    async def due_times(self, round_id: int) -> dict[RoundAction, datetime]:
        """Return when each remaining action of a round is due (planned: all; open: two)."""
        return await self.core.run(self._due_times, round_id)

    def _due_times(self, round_id: int) -> dict[RoundAction, datetime]:
        rnd = self.core.store.rounds.round(round_id)
        if rnd is None:
            return {}
        times: dict[RoundAction, datetime | None] = {}
        if rnd.status is RoundStatus.PLANNED:
            times = {RoundAction.OPEN: rnd.opens_at}
            times |= {RoundAction.REMIND: rnd.remind_at, RoundAction.CLOSE: rnd.closes_at}
        elif rnd.status is RoundStatus.OPEN:
            times = {RoundAction.REMIND: rnd.remind_at, RoundAction.CLOSE: rnd.closes_at}
        return {action: when for action, when in times.items() if when is not None}

    async def act(self, round_id: int, action: RoundAction, now: datetime) -> bool:
        """Do one round action (a timer fired), then send what it queued."""
        step = {
            RoundAction.OPEN: self.lifecycle.open_round,
            RoundAction.REMIND: self.lifecycle.remind_round,
            RoundAction.CLOSE: self.lifecycle.close_round,
        }[action]
        done = await self.core.run(step, round_id, now)
        if done:
            await self.deliver(now)
        return done

    async def retain(self, now: datetime) -> int:
        """The daily retention run (:func:`bot.rounds.retention.retain`); return rows deleted."""
        report = await self.core.run(retain, self.core, now)
        return report.removed

    async def reconcile(self, now: datetime) -> ReconcileReport:
        """Catch up with everything due at ``now``; safe to run any number of times."""
        return await self.reconciler.tick(now)

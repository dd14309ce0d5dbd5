"""The round lifecycle: plan, open, remind, close, cancel and reconcile, platform-neutral."""

from __future__ import annotations

import asyncio
import logging
import secrets
import sqlite3
from datetime import date, datetime, timedelta

from sqlite_utils import Database

from bot.clock import Clock
from bot.deliveries import Deliveries
from bot.directory import Directory
from bot.fanout import PARALLEL, Fanout
from bot.messages import ConversationRef
from bot.models import Phase, Purpose, RoleName, Round, RoundStatus, Team
from bot.planning import ensure_team, plan_timeline
from bot.ports import ChatPort, Timer
from bot.reconcile import ReconcileReport, reconcile
from bot.settings import Settings
from bot.snapshot import question_rows
from bot.store import Store
from prompts.library import Library, load_library
from scheduler.calendar import Calendar
from scheduler.planner import PlanDiff

log = logging.getLogger(__name__)
PLANNED_PHASES = (Phase.START, Phase.FRESHUP, Phase.WRAPUP)


class RoundError(Exception):
    """A round action was refused; ``key`` names the catalog message, ``params`` its values."""

    def __init__(self, key: str, **params: object):
        super().__init__(key)
        self.key = key
        self.params = params


class Lifecycle:
    """Platform-neutral round service; the database decides, adapters only deliver.

    Args:
        db: The open database (one per event loop).
        settings: Configuration.
        clock: Source of "now" for code that is not given a time.
        ports: Chat adapters by platform name.
        library: The question library (the packaged one by default).
    """

    def __init__(
        self,
        db: Database,
        settings: Settings,
        clock: Clock,
        *,
        ports: dict[str, ChatPort] | None = None,
        library: Library | None = None,
    ):
        self.db = db
        self.settings = settings
        self.clock = clock
        self.ports: dict[str, ChatPort] = dict(ports or {})
        self.library = library or load_library()
        self.directory = Directory(db)
        self.store = Store(db)
        self.deliveries = Deliveries(db)
        self.fanout = Fanout(self)
        self.retained_at: datetime | None = None
        self.timer: Timer | None = None

    def sync_timers(self, *round_ids: int) -> None:
        """Tell the timers (when a runner is attached) that rounds changed."""
        if self.timer is not None:
            for round_id in round_ids:
                self.timer.sync(round_id)

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

    # teams and plans ------------------------------------------------------------------
    def ensure_team(self, conversation: ConversationRef, now: datetime) -> Team:
        """Return the team of a conversation, creating one with default settings if new."""
        return ensure_team(self, conversation, now)

    def plan(
        self, team_id: str, start: date, freshups: list[date], end: date, now: datetime
    ) -> PlanDiff:
        """Plan (or re-plan) a team's timeline; only rounds still planned move.

        Raises:
            scheduler.planner.PlanError: For impossible dates (the team is left as it was).
        """
        diff = plan_timeline(self, self._team(team_id), start, freshups, end, now)
        self.sync_timers(*(r.id for r in self.store.rounds_of(team_id)))
        return diff

    # rounds ---------------------------------------------------------------------------
    async def start_round(
        self,
        team_id: str,
        set_id: str,
        member_id: int | None,
        now: datetime,
        batch_id: str | None = None,
    ) -> Round:
        """Start an ad-hoc round now.

        Raises:
            RoundError: ``already_open`` or ``unknown_set``; nothing is stored then.
        """
        team = self._team(team_id)
        try:
            self.library.round_set(set_id)
        except KeyError:
            raise RoundError("round_error.unknown_set", name=set_id) from None
        if self.store.open_round_of(team_id):
            raise RoundError("round_error.already_open", team=team.name)
        window = self.calendar(team).window_from(now, team.open_days)
        phase = Phase(set_id) if set_id in {p.value for p in PLANNED_PHASES} else Phase.ADHOC
        rnd = self.store.insert_round(
            team_id=team_id,
            phase=phase,
            seq=0,
            set_id=set_id,
            opens_at=now,
            remind_at=window.remind_at,
            closes_at=window.closes_at,
            anonymity=team.anonymity.value,
            batch_id=batch_id,
            created_by=member_id,
            theme=set_id.partition(":")[2] if set_id.startswith("theme:") else None,
        )
        if not await self.open_round(rnd.id, now):
            self.store.set_status(
                rnd.id, RoundStatus.CANCELLED, expect=RoundStatus.PLANNED, now=now
            )
            raise RoundError("round_error.already_open", team=team.name)
        return self.store.round(rnd.id)  # type: ignore[return-value]

    async def start_programme(
        self, programme_id: str, set_id: str, member_id: int | None, now: datetime
    ) -> list[Round]:
        """Start a round in every team of a programme that has no open round.

        Teams are opened side by side (bounded): each opening waits on its platform for the
        roster and the post, and a programme may have hundreds of teams.
        """
        batch = "b-" + secrets.token_hex(6)
        teams = [
            t for t in self.directory.teams(programme_id) if not self.store.open_round_of(t.id)
        ]
        gate = asyncio.Semaphore(PARALLEL)

        async def one(team: Team) -> Round | None:
            async with gate:
                try:
                    return await self.start_round(team.id, set_id, member_id, now, batch)
                except RoundError:  # e.g. a manager started one there a moment ago
                    return None

        return [r for r in await asyncio.gather(*(one(t) for t in teams)) if r is not None]

    async def open_round(self, round_id: int, now: datetime) -> bool:
        """Open a planned round: refresh the roster, snapshot questions, queue the post.

        Returns:
            False when the round was already opened (by another process) or cannot open.
        """
        rnd = self.store.round(round_id)
        if rnd is None or rnd.status is not RoundStatus.PLANNED:
            return False
        team = self._team(rnd.team_id)
        members = await self._roster(team)
        rows = question_rows(self.library, rnd.set_id or rnd.phase.value)
        try:
            with self.db.atomic():
                if not self.store.set_status(
                    round_id, RoundStatus.OPEN, expect=RoundStatus.PLANNED, now=now
                ):
                    return False
                self.store.snapshot_questions(round_id, rows)
                self.store.set_round_members(round_id, members)
                self.store.set_secret(round_id, secrets.token_hex(32))
                self.deliveries.add(
                    round_id, Purpose.OPEN, now, conversation_id=team.conversation_id or 0
                )
        except sqlite3.IntegrityError:
            # The team already has an open round; reconcile tries again until the grace ends.
            log.info("round %s waits: team %s has an open round", round_id, team.id)
            return False
        log.info("round %s opened for team %s", round_id, team.id)
        self.sync_timers(round_id)
        await self.fanout.run(now)
        return True

    async def _roster(self, team: Team) -> list[int]:
        port = self.ports.get(team.platform)
        ref = self.directory.conversation_ref(team.conversation_id or 0)
        if port and ref:
            try:
                actors = await port.list_members(ref)
            except Exception as exc:
                log.warning("roster of team %s not refreshed: %s", team.id, type(exc).__name__)
            else:
                self.directory.sync_roster(team.id, actors)
        return [m.id for m in self.directory.team_members(team.id)]

    async def remind_round(self, round_id: int, now: datetime) -> bool:
        """Queue a reminder for everyone who has not answered (once per round)."""
        rnd = self.store.round(round_id)
        if rnd is None:
            return False
        stale = rnd.remind_at is not None and now - rnd.remind_at > self.grace()
        with self.db.atomic():
            if not self.store.claim_reminder(round_id, now):
                return False
            if not stale and now < rnd.closes_at:
                for member in self.store.pending_members(round_id):
                    self.deliveries.add(round_id, Purpose.REMIND, now, member_id=member.id)
        await self.fanout.run(now)
        return True

    async def close_round(
        self, round_id: int, now: datetime, status: RoundStatus = RoundStatus.CLOSED
    ) -> bool:
        """Close (or cancel) an open round, seal its answers and queue update and digests."""
        rnd = self.store.round(round_id)
        if rnd is None:
            return False
        team = self._team(rnd.team_id)
        with self.db.atomic():
            if not self.store.set_status(round_id, status, expect=RoundStatus.OPEN, now=now):
                return False
            answered = self.store.answered_count(round_id)
            members = max(self.store.round_member_count(round_id), answered)
            self.store.seal(round_id, members, answered)
            conv = team.conversation_id or 0
            self.deliveries.add(round_id, Purpose.CLOSE, now, conversation_id=conv)
            if status is RoundStatus.CLOSED:
                self.deliveries.add(round_id, Purpose.DIGEST, now, conversation_id=conv)
                for role in (RoleName.COACH, RoleName.MANAGER):
                    for person in self.directory.people_with_role(team, role):
                        self.deliveries.add(round_id, Purpose.DIGEST, now, member_id=person.id)
        log.info("round %s %s", round_id, status.value)
        self.sync_timers(round_id)
        await self.fanout.run(now)
        return True

    async def cancel_round(self, round_id: int, now: datetime) -> bool:
        """Stop an open round early; answers given so far are kept but no digest is sent."""
        return await self.close_round(round_id, now, RoundStatus.CANCELLED)

    async def miss_round(self, rnd: Round, now: datetime) -> bool:
        """Mark a round that is too late to open as missed and tell the managers."""
        team = self._team(rnd.team_id)
        with self.db.atomic():
            if not self.store.set_status(
                rnd.id, RoundStatus.MISSED, expect=RoundStatus.PLANNED, now=now
            ):
                return False
            for person in self.directory.people_with_role(team, RoleName.MANAGER):
                self.deliveries.add(rnd.id, Purpose.MISSED, now, member_id=person.id)
        log.warning("round %s missed: due %s", rnd.id, rnd.opens_at.isoformat())
        return True

    def grace(self) -> timedelta:
        """How late a round may still open (after downtime) before it counts as missed."""
        return timedelta(minutes=self.settings.grace_minutes)

    async def reconcile(self, now: datetime) -> ReconcileReport:
        """Catch up with everything due at ``now``; safe to run any number of times."""
        return await reconcile(self, now)

    def upcoming(
        self, now: datetime, until: datetime | None = None
    ) -> list[tuple[int, str, datetime]]:
        """Return ``(round_id, action, when)`` of future actions up to ``until``, for timers."""
        return self.store.upcoming(now, until)

    def _team(self, team_id: str) -> Team:
        team = self.directory.team(team_id)
        if team is None:
            raise RoundError("round_error.unknown_team", team=team_id)
        return team

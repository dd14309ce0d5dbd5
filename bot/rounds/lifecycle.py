"""The round state machine: open, remind, close, cancel and miss, each one claim in the database.

Every method records what must happen (status change, snapshot, queued deliveries) in one
transaction and returns whether this caller won the claim. None of them calls a platform:
the fan-out sends what was queued, so a crash between the two loses nothing.
"""

from __future__ import annotations

import logging
import secrets
import sqlite3
from datetime import datetime

from bot.core import Core
from bot.models import Anonymity, DigestAudience, Purpose, RoleName, Round, RoundStatus
from bot.rounds.outcome import keep_agreement
from bot.rounds.snapshot import snapshot

log = logging.getLogger(__name__)


class Lifecycle:
    """Claims on a round's status; the database decides, adapters only deliver later.

    Args:
        core: The wired context.
    """

    def __init__(self, core: Core):
        self.core = core

    def open_round(self, round_id: int, now: datetime) -> bool:
        """Open a planned round: snapshot its questions and roster, queue the channel post.

        The roster is the team as last seen; the fan-out refreshes it from the platform
        right before the post goes out.

        Returns:
            False when the round was already opened (by another process) or cannot open.
        """
        store = self.core.store
        rnd = store.rounds.round(round_id)
        team = store.directory.team(rnd.team_id) if rnd else None
        if rnd is None or team is None or rnd.status is not RoundStatus.PLANNED:
            return False
        try:
            questions = snapshot(
                self.core.library, rnd.set_id or rnd.phase.value, round_id, rnd.step
            )
        except KeyError:
            log.warning("round %s cannot open: its question set is gone", round_id)
            return False
        members = [m.id for m in store.people.team_members(team.id)]
        try:
            with store.atomic():
                if not store.rounds.set_status(
                    round_id, RoundStatus.OPEN, expect=RoundStatus.PLANNED, now=now
                ):
                    return False
                store.answers.snapshot_questions(questions)
                store.answers.set_round_members(round_id, members)
                store.rounds.set_secret(round_id, secrets.token_hex(32))
                store.outbox.add(
                    round_id, Purpose.OPEN, now, conversation_id=team.conversation_id or 0
                )
        except sqlite3.IntegrityError:
            # The team already has an open round; reconcile tries again until the grace ends.
            log.info("round %s waits: team %s has an open round", round_id, team.id)
            return False
        log.info("round %s opened for team %s", round_id, team.id)
        self.core.sync_timers(round_id)
        return True

    def remind_round(self, round_id: int, now: datetime) -> bool:
        """Queue a reminder for everyone who has not answered (once per round)."""
        store = self.core.store
        rnd = store.rounds.round(round_id)
        if rnd is None:
            return False
        stale = rnd.remind_at is not None and now - rnd.remind_at > self.core.grace()
        with store.atomic():
            if not store.rounds.claim_reminder(round_id, now):
                return False
            if not stale and now < rnd.closes_at:
                for member in store.answers.pending_members(round_id):
                    store.outbox.add(round_id, Purpose.REMIND, now, member_id=member.id)
        self.core.sync_timers(round_id)
        return True

    def close_round(
        self, round_id: int, now: datetime, status: RoundStatus = RoundStatus.CLOSED
    ) -> bool:
        """Close (or cancel) an open round, seal its answers and queue update and digests."""
        store = self.core.store
        rnd = store.rounds.round(round_id)
        team = store.directory.team(rnd.team_id) if rnd else None
        if rnd is None or team is None:
            return False
        with store.atomic():
            if not store.rounds.set_status(round_id, status, expect=RoundStatus.OPEN, now=now):
                return False
            answered, members = store.answers.progress(round_id)
            store.answers.seal(round_id, members, answered)
            # A post or reminder still waiting (say, on a rate limit) is no longer wanted.
            store.outbox.skip_unsent_of_round(round_id, f"round_{status.value}")
            if rnd.anonymity is Anonymity.ANONYMOUS:
                # Who was reminded is who had not answered: gone with the answer status.
                store.outbox.forget_reminders(round_id)
            conv = team.conversation_id or 0
            store.outbox.add(round_id, Purpose.CLOSE, now, conversation_id=conv)
            if status is RoundStatus.CLOSED and rnd.step is not None:
                # The last step of an exercise: what it produced becomes the team's agreement,
                # in the same transaction, so a crash cannot close it without keeping it.
                keep_agreement(self.core, rnd, team, now)
            if status is RoundStatus.CLOSED:
                # The team chose whether its channel sees the digest; the coaches always get
                # it, and without a coach the managers do, so it never goes unread.
                if team.digest_audience is DigestAudience.TEAM:
                    store.outbox.add(round_id, Purpose.DIGEST, now, conversation_id=conv)
                readers = store.people.people_with_role(team, RoleName.COACH)
                for person in readers or store.people.people_with_role(team, RoleName.MANAGER):
                    store.outbox.add(round_id, Purpose.DIGEST, now, member_id=person.id)
        log.info("round %s %s", round_id, status.value)
        self.core.sync_timers(round_id)
        return True

    def cancel_round(self, round_id: int, now: datetime) -> bool:
        """Stop an open round early; answers given so far are kept but no digest is sent."""
        return self.close_round(round_id, now, RoundStatus.CANCELLED)

    def miss_round(self, rnd: Round, now: datetime) -> bool:
        """Mark a round that is too late to open as missed and tell the managers."""
        store = self.core.store
        team = store.directory.team(rnd.team_id)
        if team is None:
            return False
        with store.atomic():
            if not store.rounds.set_status(
                rnd.id, RoundStatus.MISSED, expect=RoundStatus.PLANNED, now=now
            ):
                return False
            for person in store.people.people_with_role(team, RoleName.MANAGER):
                store.outbox.add(rnd.id, Purpose.MISSED, now, member_id=person.id)
        log.warning("round %s missed: due %s", rnd.id, rnd.opens_at.isoformat())
        self.core.sync_timers(rnd.id)
        return True

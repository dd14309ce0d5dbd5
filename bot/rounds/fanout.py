"""Claim → render → ChatPort → record: the only way the core causes a side effect."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.backoff import Backoff
from bot.core import Core
from bot.messages import Actor, ConversationRef, Rendered
from bot.models import (
    Conversation,
    ConversationStatus,
    Delivery,
    DeliveryStatus,
    Purpose,
    RoleName,
    RoundStatus,
)
from bot.ports import DeliveryError
from bot.rounds.composer import (
    Route,
    closed_message,
    digest_message,
    personal_message,
    round_message,
    route,
)
from bot.storage.directory import conversation_ref
from bot.storage.outbox import NEEDS_OPEN_ROUND

log = logging.getLogger(__name__)
# Channels are paced separately by the adapters, so deliveries to many channels may run side
# by side; the bound keeps us polite to the platform.
PARALLEL = 16
# A claim older than this whose sender never reported back is treated as lost (its process
# hung or died); on a restart every claim of the previous process is resolved at once.
STALE_CLAIM = timedelta(minutes=10)
# After a crash, look for the post from a little before it was claimed.
FIND_MARGIN = timedelta(minutes=1)
POSTS = (Purpose.OPEN, Purpose.DIGEST)


def delivery_key(instance_id: str, delivery_id: int) -> str:
    """Return the key a delivery's message carries, unique across installations."""
    return f"{instance_id[:12]}:{delivery_id}"


@dataclass(frozen=True)
class Job:
    """One claimed delivery with what is needed to send it."""

    delivery: Delivery
    route: Route
    conversation: Conversation | None
    member: Actor | None
    key: str

    @property
    def ref(self) -> ConversationRef | None:
        """The neutral reference of the delivery's conversation."""
        return conversation_ref(self.conversation) if self.conversation else None


class Fanout:
    """Runs due deliveries; each is claimed in the database before the platform is called.

    Retries wait on their own timers (``Timer.wake_at``), with backoff and jitter in seconds
    or the platform's ``Retry-After``, and messages to one target keep their order.

    Args:
        core: The wired context.
        backoff: Delays between attempts of one delivery.
        owner: Who claims (this process); a restarted process resolves other owners' claims.
    """

    def __init__(self, core: Core, backoff: Backoff | None = None, owner: str = ""):
        self.core = core
        self.backoff = backoff or Backoff(base=2, cap=300)
        self.owner = owner

    # running ---------------------------------------------------------------------------------
    async def run(self, now: datetime) -> int:
        """Send every delivery that is due; return how many were sent.

        Deliveries are claimed ``PARALLEL`` at a time in one transaction, sent side by side,
        and recorded as sent together in one more (group commit): two commits per chunk
        instead of two per delivery. A crash leaves at most one chunk whose outcome is
        unknown; recovery looks those posts up (:meth:`recover`), so none is posted twice.
        """
        sent = 0
        while jobs := await self.core.run(self._claim_due, now, PARALLEL):
            done = await asyncio.gather(*(self._send(job, now) for job in jobs))
            delivered = [
                (job.delivery, mid) for job, mid in zip(jobs, done, strict=True) if mid is not None
            ]
            if delivered:
                await self.core.run(self._sent_all, delivered, now)
            for d, _ in delivered:
                log.info("delivery %s (%s, round %s) sent", d.id, d.purpose.value, d.round_id)
            sent += len(delivered)
        if (wake := await self.core.run(lambda: self.core.store.outbox.next_due())) is not None:
            self.core.timer.wake_at(wake)
        return sent

    def _claim_due(self, now: datetime, limit: int) -> list[Job]:
        # On the database thread: claim due heads of line and load what sending needs, in one
        # transaction for the chunk.
        store = self.core.store
        jobs: list[Job] = []
        with store.atomic():
            while len(jobs) < limit and (due := store.outbox.due(now, limit - len(jobs))):
                jobs += self._claim(due, now)
        return jobs

    def _claim(self, due: list[Delivery], now: datetime) -> list[Job]:
        store = self.core.store
        jobs = []
        for d in due:
            r = route(self.core, d.round_id)
            if r is None:
                store.outbox.failed(d.id, "no_adapter", retry_at=None)
                continue
            if d.purpose in NEEDS_OPEN_ROUND and r.rnd.status is not RoundStatus.OPEN:
                store.outbox.skip(d.id, f"round_{r.rnd.status.value}")
                continue
            if store.outbox.claim(d.id, now, self.owner):
                jobs.append(self._job(d, r))
        return jobs

    def _job(self, d: Delivery, r: Route) -> Job:
        store = self.core.store
        member = store.people.member(d.member_id) if d.member_id else None
        conv = store.directory.conversation(d.conversation_id) if d.conversation_id else None
        key = delivery_key(store.instance.value("instance_id"), d.id)
        return Job(d, r, conv, member.actor() if member else None, key)

    def _retry_at(self, d: Delivery, now: datetime, retry_after: float | None = None) -> datetime:
        return now + timedelta(seconds=self.backoff.delay(d.attempts - 1, retry_after))

    async def _send(self, job: Job, now: datetime) -> str | None:
        # The platform's message id once it was sent (recorded by the caller); None on failure.
        d = job.delivery
        # Let the loop answer whoever is waiting (an ack) between one render and the next:
        # inline database work would otherwise render a whole chunk in one go.
        await asyncio.sleep(0)
        try:
            return await self._perform(job)
        except DeliveryError as exc:
            await self.core.run(self._failed, job, exc, now)
            return None
        except Exception as exc:
            # Only the type: exception text from a platform may quote the message.
            log.error("delivery %s raised %s", d.id, type(exc).__name__)
            await self.core.run(
                self._failed, job, DeliveryError(type(exc).__name__, retryable=True), now
            )
            return None

    def _sent_all(self, delivered: list[tuple[Delivery, str]], now: datetime) -> None:
        with self.core.store.atomic():
            for d, message_id in delivered:
                self._sent(d, message_id, now)

    def _sent(self, d: Delivery, message_id: str, now: datetime) -> None:
        # The platform's message id is recorded in the same transaction that marks it sent.
        store = self.core.store
        with store.atomic():
            store.outbox.sent(d.id, message_id, now)
            if d.purpose is Purpose.OPEN and message_id:
                store.rounds.set_message_id(d.round_id, message_id)

    def _failed(self, job: Job, exc: DeliveryError, now: datetime) -> None:
        store, d, r = self.core.store, job.delivery, job.route
        retry_at = self._retry_at(d, now, exc.retry_after) if exc.retryable else None
        with store.atomic():
            # A rate limit with Retry-After is the platform saying when, not a failed try:
            # a storm of them must not make a post give up (they are paced, so they end).
            counted = exc.retry_after is None
            status = store.outbox.failed(d.id, exc.reason, retry_at=retry_at, counted=counted)
            channel = d.member_id == 0 and d.conversation_id
            if exc.gone and channel:
                store.directory.mark_conversation_gone(d.conversation_id, exc.reason)
                self._tell_managers(r, Purpose.GONE, now)
            elif status is DeliveryStatus.FAILED and channel:
                self._tell_managers(r, Purpose.FAILED, now)
        log.warning(
            "delivery %s (%s, round %s) %s: %s",
            d.id,
            d.purpose.value,
            d.round_id,
            status.value,
            exc.reason,
        )

    def _tell_managers(self, r: Route, purpose: Purpose, now: datetime) -> None:
        for person in self.core.store.people.people_with_role(r.team, RoleName.MANAGER):
            self.core.store.outbox.add(r.rnd.id, purpose, now, member_id=person.id)

    # sending ---------------------------------------------------------------------------------
    async def _perform(self, job: Job) -> str:
        d, r = job.delivery, job.route
        if d.member_id:
            if job.member is None:
                raise DeliveryError("member_gone", retryable=False)
            msg = await self.core.run(self._personal, job)
            return await r.port.notify(job.member, msg)
        conv, ref = job.conversation, job.ref
        if conv is None or ref is None:
            raise DeliveryError("conversation_not_found", retryable=False)
        if conv.status is ConversationStatus.GONE:
            # Known to be gone: do not ask the platform again, but tell the managers per round.
            raise DeliveryError(conv.gone_reason or "gone", retryable=False, gone=True)
        if d.purpose is Purpose.OPEN:
            await self._refresh_roster(r, ref)
            msg = await self.core.run(self._channel, job)
            return await r.port.post(ref, msg, key=job.key)
        if d.purpose is Purpose.CLOSE:
            if not r.rnd.message_id:
                return ""  # the opening post never went out, so there is nothing to update
            msg = await self.core.run(self._channel, job)
            await r.port.update(ref, r.rnd.message_id, msg)
            return r.rnd.message_id
        msg = await self.core.run(self._channel, job)
        return await r.port.post(ref, msg, thread=r.rnd.message_id, key=job.key)

    def _channel(self, job: Job) -> Rendered:
        # Rendered on the database thread: the view models read the round's questions and counts.
        fresh = route(self.core, job.delivery.round_id) or job.route
        if job.delivery.purpose is Purpose.OPEN:
            return round_message(self.core, fresh)
        if job.delivery.purpose is Purpose.CLOSE:
            return closed_message(self.core, fresh)
        return digest_message(self.core, fresh, fresh.team.locale)

    def _personal(self, job: Job) -> Rendered:
        member = self.core.store.people.member(job.delivery.member_id)
        if member is None:
            raise DeliveryError("member_gone", retryable=False)
        return personal_message(self.core, job.route, job.delivery, member)

    async def _refresh_roster(self, r: Route, ref: ConversationRef) -> None:
        # Right before the post, so "0 of N" and the reminders count who is in the channel now;
        # a roster read recently and kept current by join/leave events is not read again.
        synced = r.team.roster_synced_at
        every = timedelta(hours=self.core.settings.roster_refresh_hours)
        if synced is not None and self.core.clock.now() - synced < every:
            return
        try:
            actors = await r.port.list_members(ref)
        except DeliveryError as exc:
            if exc.gone:
                raise  # the post would fail the same way; record the channel as gone
            log.warning("roster of team %s not refreshed: %s", r.team.id, exc.reason)
            return
        except Exception as exc:
            log.warning("roster of team %s not refreshed: %s", r.team.id, type(exc).__name__)
            return
        await self.core.run(self._apply_roster, r, actors)

    def _apply_roster(self, r: Route, actors: list[Actor]) -> None:
        store = self.core.store
        with store.atomic():
            store.people.sync_roster(r.team.id, actors)
            store.directory.roster_synced(r.team.id, self.core.clock.now())
            members = [m.id for m in store.people.team_members(r.team.id)]
            store.answers.refresh_round_members(r.rnd.id, members)

    # after a crash ---------------------------------------------------------------------------
    async def recover(self, now: datetime, *, all_claims: bool = False) -> tuple[int, int]:
        """Resolve deliveries left 'sending' by a process that died or hung.

        Where the platform can tell (:meth:`ChatPort.find`), a post that did arrive is
        recorded as sent with its message id; every other one is queued again, so a post is
        never silently lost (a duplicate is possible only where the platform cannot tell).

        Args:
            now: The moment of recovery.
            all_claims: Every claim, not only stale ones (at start, under the instance lock,
                no other process can be sending).

        Returns:
            ``(found, requeued)``.
        """
        cutoff = None if all_claims else now - STALE_CLAIM
        stale = await self.core.run(lambda: self.core.store.outbox.in_flight(cutoff))
        found = requeued = 0
        for d in stale:
            message_id = await self._look_up(d, now)
            if message_id:
                await self.core.run(self._sent, d, message_id, now)
                found += 1
            elif await self.core.run(self._requeue, d.id, now):
                requeued += 1
        if stale:
            log.warning(
                "recovered %d deliveries in flight: %d found, %d to send again",
                len(stale),
                found,
                requeued,
            )
        return found, requeued

    def _requeue(self, delivery_id: int, now: datetime) -> bool:
        return self.core.store.outbox.requeue(delivery_id, now)

    async def _look_up(self, d: Delivery, now: datetime) -> str | None:
        if d.member_id or d.purpose not in POSTS:
            return None  # updates are safe to repeat; direct messages cannot be looked up
        r = await self.core.run(route, self.core, d.round_id)
        if r is None:
            return None
        job = await self.core.run(self._job, d, r)
        if job.ref is None:
            return None
        since = (d.claimed_at or now) - FIND_MARGIN
        try:
            return await r.port.find(job.ref, job.key, since)
        except Exception as exc:
            log.warning("delivery %s not looked up: %s", d.id, type(exc).__name__)
            return None

"""Claim due deliveries, send them side by side, record each outcome; resolve lost claims."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta

from bot.backoff import Backoff
from bot.core import Core
from bot.models import Delivery, DeliveryStatus, Purpose, RoleName, RoundStatus
from bot.ports import DeliveryError
from bot.rounds.composer import Route, route
from bot.rounds.sender import Job, Sender, delivery_key, load_job
from bot.storage.outbox import NEEDS_OPEN_ROUND

__all__ = ["Fanout", "Job", "delivery_key"]

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
        self.sender = Sender(core)

    # running ---------------------------------------------------------------------------------
    async def run(self, now: datetime) -> int:
        """Send every delivery that is due; return how many were sent.

        Deliveries are claimed ``PARALLEL`` at a time in one transaction, sent side by side,
        and recorded as sent together in one more (group commit): two commits per chunk
        instead of two per delivery. The next chunk is claimed while one is being sent, so a
        crash leaves at most two chunks whose outcome is unknown; recovery looks those posts
        up (:meth:`recover`), so none is posted twice.
        """
        sent = 0
        jobs = await self.core.run(self._claim_due, now, PARALLEL)
        while jobs:
            # Claim and render the next chunk on the database thread while this one is on
            # the wire: the platform's pace, not our rendering, sets the speed.
            ahead = self._claim_next(now)
            try:
                sent += await self._send_chunk(jobs, now)
                jobs = await ahead
            except BaseException:
                # Cancelled (shutdown) or failed: the chunk claimed ahead was never sent;
                # give it back so it goes out now, not after the stale-claim wait.
                await asyncio.shield(self._give_back(ahead))
                raise
            if not jobs:
                # What this chunk held up (the next message to one of its targets) is due
                # only now that it is recorded; the claim ahead could not see it yet.
                jobs = await self.core.run(self._claim_due, now, PARALLEL)
        if (wake := await self.core.run(lambda: self.core.store.outbox.next_due())) is not None:
            self.core.timer.wake_at(wake)
        return sent

    async def _send_chunk(self, jobs: list[Job], now: datetime) -> int:
        # Side by side; the ones sent are recorded together in one transaction.
        done = await asyncio.gather(*(self._send(job, now) for job in jobs))
        delivered = [
            (job.delivery, mid) for job, mid in zip(jobs, done, strict=True) if mid is not None
        ]
        if delivered:
            await self.core.run(self._sent_all, delivered, now)
        for d, _ in delivered:
            log.info("delivery %s (%s, round %s) sent", d.id, d.purpose.value, d.round_id)
        return len(delivered)

    def _claim_next(self, now: datetime) -> asyncio.Future[list[Job]]:
        return asyncio.ensure_future(self.core.run(self._claim_due, now, PARALLEL))

    async def _give_back(self, claiming: asyncio.Future[list[Job]]) -> None:
        try:
            jobs = await claiming
        except BaseException:
            return  # the claim itself failed: its transaction claimed nothing
        ids = [job.delivery.id for job in jobs]
        await self.core.run(self._release, ids)

    def _release(self, ids: list[int]) -> None:
        with self.core.store.atomic():
            for delivery_id in ids:
                self.core.store.outbox.release(delivery_id)

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
        # Rendered with the claim: one trip to the database thread per chunk, not one per
        # delivery, each of which waited for the interpreter while the loop was sending. The
        # command that started the round has been answered by now (follow_ups_after).
        return load_job(self.core, d, r, render=True)

    def _retry_at(self, d: Delivery, now: datetime, retry_after: float | None = None) -> datetime:
        return now + timedelta(seconds=self.backoff.delay(d.attempts - 1, retry_after))

    async def _send(self, job: Job, now: datetime) -> str | None:
        # The platform's message id once it was sent (recorded by the caller); None on failure.
        d = job.delivery
        # Let the loop answer whoever is waiting (an ack) between one render and the next:
        # inline database work would otherwise render a whole chunk in one go.
        await asyncio.sleep(0)
        try:
            return await self.sender.perform(job)
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

"""Claim → render → ChatPort → record: the only way the core causes a side effect."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta

from bot.backoff import Backoff
from bot.core import Core
from bot.messages import ConversationRef
from bot.models import ConversationStatus, Delivery, Purpose, RoleName
from bot.ports import DeliveryError
from bot.rounds.composer import (
    Route,
    closed_message,
    digest_message,
    personal_message,
    round_message,
    route,
)

log = logging.getLogger(__name__)
# Channels are paced separately by the adapters, so deliveries to many channels may run side
# by side; the bound keeps us polite to the platform.
PARALLEL = 16


class Fanout:
    """Runs due deliveries; each is claimed in the database before the platform is called.

    Args:
        core: The wired context.
        backoff: Delays between attempts of one delivery (about 30 s, 1, 2, 4 minutes).
    """

    def __init__(self, core: Core, backoff: Backoff | None = None):
        self.core = core
        self.backoff = backoff or Backoff(base=30, cap=600)

    async def run(self, now: datetime) -> int:
        """Send every delivery that is due; return how many were sent."""
        outbox = self.core.store.outbox
        sent = 0
        while True:
            claimed = [d for d in outbox.due(now) if outbox.claim(d.id, now)]
            if not claimed:
                return sent
            gate = asyncio.Semaphore(PARALLEL)

            async def one(delivery: Delivery, gate: asyncio.Semaphore = gate) -> int:
                async with gate:
                    return await self._send(delivery, now)

            sent += sum(await asyncio.gather(*(one(d) for d in claimed)))

    def _retry_at(self, d: Delivery, now: datetime, retry_after: float | None = None) -> datetime:
        return now + timedelta(seconds=self.backoff.delay(d.attempts - 1, retry_after))

    async def _send(self, d: Delivery, now: datetime) -> int:
        store = self.core.store
        r = route(self.core, d.round_id)
        if r is None:
            store.outbox.failed(d.id, "no_adapter", retry_at=None)
            return 0
        try:
            message_id = await self._perform(r, d)
        except DeliveryError as exc:
            self._failed(d, r, exc, now)
            return 0
        except Exception as exc:
            # Only the type: exception text from a platform may quote the message.
            log.error("delivery %s raised %s", d.id, type(exc).__name__)
            store.outbox.failed(d.id, type(exc).__name__, retry_at=self._retry_at(d, now))
            return 0
        with store.atomic():
            store.outbox.sent(d.id, message_id, now)
            if d.purpose is Purpose.OPEN:
                store.rounds.set_message_id(r.rnd.id, message_id)
        log.info("delivery %s (%s, round %s) sent", d.id, d.purpose.value, r.rnd.id)
        return 1

    def _failed(self, d: Delivery, r: Route, exc: DeliveryError, now: datetime) -> None:
        store = self.core.store
        retry_at = self._retry_at(d, now, exc.retry_after) if exc.retryable else None
        status = store.outbox.failed(d.id, exc.reason, retry_at=retry_at)
        log.warning(
            "delivery %s (%s, round %s) %s: %s",
            d.id,
            d.purpose.value,
            r.rnd.id,
            status.value,
            exc.reason,
        )
        if exc.gone and d.member_id == 0 and d.conversation_id:
            with store.atomic():
                store.directory.mark_conversation_gone(d.conversation_id, exc.reason)
                for person in store.people.people_with_role(r.team, RoleName.MANAGER):
                    store.outbox.add(r.rnd.id, Purpose.GONE, now, member_id=person.id)

    async def _perform(self, r: Route, d: Delivery) -> str:
        store = self.core.store
        if d.member_id:
            member = store.people.member(d.member_id)
            if member is None:
                raise DeliveryError("member_gone", retryable=False)
            return await r.port.notify(member.actor(), personal_message(self.core, r, d, member))
        conv = store.directory.conversation(d.conversation_id)
        if conv is None:
            raise DeliveryError("conversation_not_found", retryable=False)
        if conv.status is ConversationStatus.GONE:
            # Known to be gone: do not ask the platform again, but tell the managers per round.
            raise DeliveryError(conv.gone_reason or "gone", retryable=False, gone=True)
        ref = r.ref()
        if ref is None:
            raise DeliveryError("conversation_not_found", retryable=False)
        if d.purpose is Purpose.OPEN:
            await self._refresh_roster(r, ref)
            return await r.port.post(ref, round_message(self.core, r))
        if d.purpose is Purpose.CLOSE:
            if not r.rnd.message_id:
                return ""  # the opening post never went out, so there is nothing to update
            await r.port.update(ref, r.rnd.message_id, closed_message(self.core, r))
            return r.rnd.message_id
        locale = r.team.locale
        return await r.port.post(ref, digest_message(self.core, r, locale), thread=r.rnd.message_id)

    async def _refresh_roster(self, r: Route, ref: ConversationRef) -> None:
        # Right before the post, so "0 of N" and the reminders count who is in the channel now.
        store = self.core.store
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
        store.people.sync_roster(r.team.id, actors)
        members = [m.id for m in store.people.team_members(r.team.id)]
        store.answers.refresh_round_members(r.rnd.id, members)

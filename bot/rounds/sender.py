"""Render one claimed delivery and hand it to its ChatPort: a post, an update or a DM."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from bot.core import Core
from bot.messages import Actor, ConversationRef, Rendered
from bot.models import Conversation, ConversationStatus, Delivery, Purpose
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

log = logging.getLogger(__name__)


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


def load_job(core: Core, d: Delivery, r: Route) -> Job:
    """Load what sending a delivery needs (on the database thread).

    Args:
        core: The wired context.
        d: The delivery.
        r: Where its round lives.

    Returns:
        The job, with the delivery's member, conversation and message key.
    """
    store = core.store
    member = store.people.member(d.member_id) if d.member_id else None
    conv = store.directory.conversation(d.conversation_id) if d.conversation_id else None
    key = delivery_key(store.instance.value("instance_id"), d.id)
    return Job(d, r, conv, member.actor() if member else None, key)


class Sender:
    """Sends one job through its platform; recording the outcome is the caller's.

    Args:
        core: The wired context.
    """

    def __init__(self, core: Core):
        self.core = core

    async def perform(self, job: Job) -> str:
        """Send one job and return the platform's message id.

        Raises:
            bot.ports.DeliveryError: The platform refused, or the target is gone.
        """
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

"""Render one claimed delivery and hand it to its ChatPort: a post, an update or a DM."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import timedelta
from functools import cached_property

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
    message: Rendered | None = None
    """Rendered with the claim, when nothing the send does first can change it."""

    @cached_property
    def ref(self) -> ConversationRef | None:
        """The neutral reference of the delivery's conversation (parsed once per job)."""
        return conversation_ref(self.conversation) if self.conversation else None


def load_job(core: Core, d: Delivery, r: Route, *, render: bool = False) -> Job:
    """Load what sending a delivery needs (on the database thread).

    Args:
        core: The wired context.
        d: The delivery.
        r: Where its round lives.
        render: Also render its message now, in the claim's transaction, so sending a
            chunk needs no further trip to the database thread per delivery.

    Returns:
        The job, with the delivery's member, conversation and message key.
    """
    store = core.store
    member = store.people.member(d.member_id) if d.member_id else None
    if r.conversation is not None and r.conversation.id == d.conversation_id:
        conv: Conversation | None = r.conversation  # read with the route, just now
    else:
        conv = store.directory.conversation(d.conversation_id) if d.conversation_id else None
    key = delivery_key(store.instance.value("instance_id"), d.id)
    job = Job(d, r, conv, member.actor() if member else None, key)
    if not render or (d.purpose is Purpose.OPEN and not roster_fresh(core, r)):
        return job  # a roster read first changes the counts the post shows
    try:
        if d.member_id:
            if member is None:
                return job  # refused when sent, where the failure is recorded
            message = personal_message(core, r, d, member)
        else:
            message = _channel_message(core, d, r)  # the route is as fresh as the claim
    except Exception:  # rendered again when sent, where a failure is recorded
        return job
    return replace(job, message=message)


def roster_fresh(core: Core, r: Route) -> bool:
    """Return whether the team's roster was read recently enough to post without reading it."""
    synced = r.team.roster_synced_at
    every = timedelta(hours=core.settings.roster_refresh_hours)
    return synced is not None and core.clock.now() - synced < every


def _channel(core: Core, job: Job) -> Rendered:
    # On the database thread, when sent: the round may have changed since the claim.
    return _channel_message(core, job.delivery, route(core, job.delivery.round_id) or job.route)


def _channel_message(core: Core, d: Delivery, r: Route) -> Rendered:
    # The view models read the round's questions and counts.
    if d.purpose is Purpose.OPEN:
        return round_message(core, r)
    if d.purpose is Purpose.CLOSE:
        return closed_message(core, r)
    return digest_message(core, r, r.team.locale)


def _personal(core: Core, job: Job) -> Rendered:
    member = core.store.people.member(job.delivery.member_id)
    if member is None:
        raise DeliveryError("member_gone", retryable=False)
    return personal_message(core, job.route, job.delivery, member)


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
            msg = await self._message(job, _personal)
            return await r.port.notify(job.member, msg)
        conv, ref = job.conversation, job.ref
        if conv is None or ref is None:
            raise DeliveryError("conversation_not_found", retryable=False)
        if conv.status is ConversationStatus.GONE:
            # Known to be gone: do not ask the platform again, but tell the managers per round.
            raise DeliveryError(conv.gone_reason or "gone", retryable=False, gone=True)
        if d.purpose is Purpose.OPEN:
            if job.message is None:
                await self._refresh_roster(r, ref)
            msg = await self._message(job, _channel)
            return await r.port.post(ref, msg, key=job.key)
        if d.purpose is Purpose.CLOSE:
            if not r.rnd.message_id:
                return ""  # the opening post never went out, so there is nothing to update
            msg = await self._message(job, _channel)
            await r.port.update(ref, r.rnd.message_id, msg)
            return r.rnd.message_id
        msg = await self._message(job, _channel)
        return await r.port.post(ref, msg, thread=r.rnd.message_id, key=job.key)

    async def _message(self, job: Job, render: Callable[[Core, Job], Rendered]) -> Rendered:
        # Rendered with the claim where it could be; otherwise now, on the database thread.
        if job.message is not None:
            return job.message
        return await self.core.run(render, self.core, job)

    async def _refresh_roster(self, r: Route, ref: ConversationRef) -> None:
        # Right before the post, so "0 of N" and the reminders count who is in the channel now;
        # a roster read recently and kept current by join/leave events is not read again.
        if roster_fresh(self.core, r):
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

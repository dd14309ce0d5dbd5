"""Claim → render → ChatPort → record: the only way the core causes a side effect."""

from __future__ import annotations

import asyncio
import logging
import random
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.messages import Rendered
from bot.models import Delivery, Member, Purpose, RoleName, Round, Team
from bot.ports import ChatPort, DeliveryError
from bot.presenter import round_view, set_texts
from prompts.catalog import command_word
from prompts.render import message, render
from scheduler.summary import format_moment

if TYPE_CHECKING:
    from bot.lifecycle import Lifecycle

log = logging.getLogger(__name__)
# Reasons that mean the bot can no longer post in a channel; retrying would never help.
GONE_REASONS = {
    "channel_not_found",
    "is_archived",
    "not_in_channel",
    "channel_gone",
    "conversation_not_found",
    "bot_removed",
}


PARALLEL = 16


def backoff(attempt: int) -> timedelta:
    """Exponential backoff with jitter: about 30 s, 1 min, 2 min, 4 min."""
    base = 30 * 2 ** max(attempt - 1, 0)
    return timedelta(seconds=base * random.uniform(0.8, 1.2))


class Fanout:
    """Runs due deliveries; each is claimed in the database before the platform is called."""

    def __init__(self, lc: Lifecycle):
        self.lc = lc

    async def run(self, now: datetime) -> int:
        """Send every delivery that is due; return how many were sent."""
        sent = 0
        while True:
            due = self.lc.deliveries.due(now)
            claimed = [d for d in due if self.lc.deliveries.claim(d.id, now)]
            if not claimed:
                return sent
            # Channels are paced separately by the adapters, so deliveries to many
            # channels may run side by side; the bound keeps us polite to the platform.
            gate = asyncio.Semaphore(PARALLEL)

            async def one(delivery: Delivery, gate: asyncio.Semaphore = gate) -> int:
                async with gate:
                    return await self._send(delivery, now)

            sent += sum(await asyncio.gather(*(one(d) for d in claimed)))

    async def _send(self, d: Delivery, now: datetime) -> int:
        lc = self.lc
        rnd = lc.store.round(d.round_id)
        team = lc.directory.team(rnd.team_id) if rnd else None
        port = lc.ports.get(team.platform) if team else None
        if rnd is None or team is None or port is None:
            lc.deliveries.failed(d.id, "no_adapter", retry_at=None)
            return 0
        try:
            message_id = await self._perform(port, d, rnd, team)
        except DeliveryError as exc:
            self._failed(d, rnd, team, exc, now)
            return 0
        except Exception as exc:
            log.exception("delivery %s raised %s", d.id, type(exc).__name__)
            lc.deliveries.failed(d.id, type(exc).__name__, retry_at=now + backoff(d.attempts))
            return 0
        lc.deliveries.sent(d.id, message_id, now)
        if d.purpose is Purpose.OPEN:
            lc.store.set_message_id(rnd.id, message_id)
        log.info("delivery %s (%s, round %s) sent", d.id, d.purpose.value, rnd.id)
        return 1

    def _failed(
        self, d: Delivery, rnd: Round, team: Team, exc: DeliveryError, now: datetime
    ) -> None:
        lc = self.lc
        if exc.retryable:
            wait = timedelta(seconds=exc.retry_after) if exc.retry_after else backoff(d.attempts)
            status = lc.deliveries.failed(d.id, exc.reason, retry_at=now + wait)
        else:
            status = lc.deliveries.failed(d.id, exc.reason, retry_at=None)
        log.warning(
            "delivery %s (%s, round %s) %s: %s", d.id, d.purpose.value, rnd.id, status, exc.reason
        )
        if exc.reason in GONE_REASONS and d.member_id == 0 and d.conversation_id:
            lc.directory.mark_conversation_gone(d.conversation_id)
            for person in lc.directory.people_with_role(team, RoleName.MANAGER):
                lc.deliveries.add(rnd.id, Purpose.GONE, now, member_id=person.id)

    async def _perform(self, port: ChatPort, d: Delivery, rnd: Round, team: Team) -> str:
        lc = self.lc
        surface = port.surface
        if d.member_id:
            member = lc.directory.member(d.member_id)
            if member is None:
                raise DeliveryError("member_gone", retryable=False)
            return await port.notify(
                lc.directory.actor(member), self._personal(surface, d, rnd, team, member)
            )
        ref = lc.directory.conversation_ref(d.conversation_id)
        if ref is None:
            raise DeliveryError("conversation_not_found", retryable=False)
        locale = team.locale
        if d.purpose is Purpose.OPEN:
            view = round_view(lc, rnd, team, locale, with_recap=True)
            return await port.post(ref, render(surface, "round_open", locale, round=view))
        if d.purpose is Purpose.CLOSE:
            if not rnd.message_id:
                return ""  # the opening post never went out, so there is nothing to update
            view = round_view(lc, rnd, team, locale)
            await port.update(
                ref, rnd.message_id, render(surface, "round_update", locale, round=view)
            )
            return rnd.message_id
        return await port.post(ref, self._digest(surface, rnd, locale), thread=rnd.message_id)

    def _digest(self, surface: str, rnd: Round, locale: str) -> Rendered:
        from bot.digest import round_digest  # local import: digest builds on the presenter

        return render(surface, "digest", locale, digest=round_digest(self.lc, rnd.id, locale))

    def _personal(
        self, surface: str, d: Delivery, rnd: Round, team: Team, member: Member
    ) -> Rendered:
        locale = member.locale or team.locale
        title, _ = set_texts(self.lc, rnd, locale)
        if d.purpose is Purpose.REMIND:
            view = round_view(self.lc, rnd, team, locale)
            return render(surface, "reminder", locale, round=view)
        if d.purpose is Purpose.DIGEST:
            return self._digest(surface, rnd, locale)
        when = format_moment(rnd.opens_at, self.lc.calendar(team).zone, locale)
        key = "digest.missed" if d.purpose is Purpose.MISSED else "digest.gone"
        # The platform's own reason (is_archived, channel_not_found...) helps an admin most.
        failed = [
            x.error for x in self.lc.deliveries.of_round(rnd.id) if x.status.value == "failed"
        ]
        reason = next((e for e in failed if e), d.purpose.value)
        cmd = command_word(team.platform, locale)
        return message(
            surface, locale, key, title=title, team=team.name, when=when, reason=reason, cmd=cmd
        )

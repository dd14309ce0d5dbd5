"""Slack Web API calls the core asks for: post, update, direct messages and channel rosters."""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import datetime
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from adapters.pacing import Budget, Pacer
from adapters.slack.client import delivery_error
from adapters.slack.client import make_client as make_client  # re-exported (tests, bench)
from adapters.slack.limits import POST_INTERVAL, per_minute
from adapters.slack.payloads import message_chunks
from adapters.slack.translate import PLATFORM, actor
from bot.backoff import Backoff
from bot.messages import Actor, ConversationRef, Rendered
from bot.ports import DeliveryError

log = logging.getLogger(__name__)
SLACKBOT = "USLACKBOT"
# Message metadata that carries the delivery's key, so a crash in the middle of a post can be
# resolved without posting twice where the app may read the channel's history.
METADATA_TYPE = "reflectiebot_delivery"
# Slack's answer when the app was not granted the history scope: then it cannot tell.
NO_SCOPE = {"missing_scope", "not_allowed_token_type", "no_permission"}


class SlackOutbound:
    """Implements the sending half of ``ChatPort`` on an ``AsyncWebClient``.

    Args:
        client: The Web API client (with the SDK's rate-limit and server-error retry handlers).
        pace: Minimum seconds between two posts in one channel (Slack allows about one);
            0 turns all pacing off, the per-method tiers too (tests against a lenient fake).
        minute: Seconds in one of Slack's rate-limit minutes (60; shorter only in a
            benchmark whose fake runs Slack's clock faster).
        roster_ttl: Seconds a looked-up user (bot? deleted?) stays cached.
        continuation_retries: Attempts for the later parts of a message split in several;
            the first part has been posted, so giving up would leave half a message.
    """

    platform = PLATFORM
    surface = "slack"

    def __init__(
        self,
        client: AsyncWebClient,
        *,
        pace: float = POST_INTERVAL,
        minute: float = 60.0,
        roster_ttl: float = 3600.0,
        continuation_retries: int = 3,
        backoff: Backoff | None = None,
    ):
        self.client = client
        self.pacer = Pacer(pace)
        # Slack counts each method per app per workspace; one token is one workspace.
        self.budget = Budget(per_minute() if pace > 0 else {}, minute=minute)
        self.backoff = backoff or Backoff()
        self.roster_ttl = roster_ttl
        self.continuation_retries = continuation_retries
        self._users: dict[str, tuple[float, Actor | None]] = {}
        self._dm_channels: dict[str, str] = {}
        self.history_missing = False
        self.failing = 0  # Web API calls in a row that did not reach Slack

    async def _call(self, method: str, **kwargs: Any) -> dict[str, Any]:
        await self.budget.wait(method)
        try:
            # The typed SDK methods pick the right HTTP verb and encoding for each method.
            response = await getattr(self.client, method.replace(".", "_"))(**kwargs)
        except Exception as exc:  # every failure becomes a DeliveryError
            error = delivery_error(exc)
            if error.reason == "ratelimited" and error.retry_after:
                self.budget.hold(method, error.retry_after)
            if error.reason.startswith("connection:") or error.reason.startswith("http_5"):
                self.failing += 1
            log.warning("slack %s failed: %s", method, error.reason)
            raise error from exc
        self.failing = 0
        return dict(response.data) if isinstance(response.data, dict) else {}

    async def _post_once(
        self, channel: str, chunk: dict[str, Any], thread: str | None, key: str | None = None
    ) -> str:
        await self.pacer.wait(channel)
        args = {"channel": channel, **chunk}
        if thread:
            args["thread_ts"] = thread
        if key:
            args["metadata"] = {"event_type": METADATA_TYPE, "event_payload": {"key": key}}
        try:
            data = await self._call("chat.postMessage", **args)
        except DeliveryError as exc:
            if exc.retry_after:
                self.pacer.hold(channel, exc.retry_after)
            raise
        # Count the interval from the answer, not from the send: Slack measures arrival, and
        # the next request can only arrive after this one was answered.
        self.pacer.hold(channel, self.pacer.interval)
        return str(data.get("ts", ""))

    async def _post_chunks(
        self, channel: str, msg: Rendered, thread: str | None, key: str | None = None
    ) -> str:
        chunks = message_chunks(msg)
        first = await self._post_once(channel, chunks[0], thread, key)
        for chunk in chunks[1:]:
            for attempt in range(self.continuation_retries):
                try:
                    await self._post_once(channel, chunk, thread)
                    break
                except DeliveryError as exc:
                    if not exc.retryable or attempt + 1 == self.continuation_retries:
                        # The first part is out and recorded by the caller; resending it
                        # would duplicate it, so the loss of this part is logged instead.
                        log.error("part of a message to %s not posted: %s", channel, exc.reason)
                        return first
                    await asyncio.sleep(self.backoff.delay(attempt, exc.retry_after))
        return first

    async def post(
        self,
        to: ConversationRef,
        msg: Rendered,
        *,
        thread: str | None = None,
        key: str | None = None,
    ) -> str:
        """Post ``msg`` in a channel (in ``thread`` when given) and return its ``ts``."""
        return await self._post_chunks(to.external_id, msg, thread, key)

    async def find(self, to: ConversationRef, key: str, since: datetime) -> str | None:
        """Return the ``ts`` of this app's post carrying ``key`` since ``since``, if any.

        Needs the ``channels:history`` / ``groups:history`` scope (see docs/slack.md); without
        it Slack answers ``missing_scope`` and this returns None, so the core posts again.
        """
        if self.history_missing:
            return None
        cursor = ""
        while True:
            args: dict[str, Any] = {
                "channel": to.external_id,
                "oldest": f"{since.timestamp():.6f}",
                "include_all_metadata": True,
                "limit": 200,
            }
            if cursor:
                args["cursor"] = cursor
            try:
                data = await self._call("conversations.history", **args)
            except DeliveryError as exc:
                if exc.reason in NO_SCOPE:
                    self.history_missing = True
                    log.info("no history scope: posts of unknown outcome are sent again")
                    return None
                raise
            for message in data.get("messages") or []:
                meta = message.get("metadata") or {}
                payload = meta.get("event_payload") or {}
                if meta.get("event_type") == METADATA_TYPE and payload.get("key") == key:
                    return str(message.get("ts", "")) or None
            cursor = str((data.get("response_metadata") or {}).get("next_cursor") or "")
            if not cursor:
                return None

    async def update(self, to: ConversationRef, message_id: str, msg: Rendered) -> None:
        """Replace the message ``message_id`` (its ``ts``) with ``msg``."""
        chunk = message_chunks(msg)[0]
        await self._call("chat.update", channel=to.external_id, ts=message_id, **chunk)

    async def notify(self, member: Actor, msg: Rendered) -> str:
        """Send ``msg`` as a direct message from the bot and return its ``ts``."""
        channel = self._dm_channels.get(member.user_id)
        if channel is None:
            data = await self._call("conversations.open", users=member.user_id)
            channel = str((data.get("channel") or {}).get("id", ""))
            if not channel:
                raise DeliveryError("im_not_opened", retryable=True)
            self._dm_channels[member.user_id] = channel
        return await self._post_chunks(channel, msg, None)

    async def _user(self, user_id: str) -> Actor | None:
        cached = self._users.get(user_id)
        if cached and time.monotonic() - cached[0] < self.roster_ttl:
            return cached[1]
        if user_id == SLACKBOT:
            return None
        try:
            data = await self._call("users.info", user=user_id, include_locale=True)
        except DeliveryError as exc:
            if exc.retryable:
                raise
            data = {}  # user_not_found and the like: not someone who can answer
        user = data.get("user") or {}
        person: Actor | None = None
        if user and not (user.get("is_bot") or user.get("deleted")):
            profile = user.get("profile") or {}
            name = profile.get("display_name") or profile.get("real_name") or user.get("name")
            person = actor(user_id, name, user.get("locale"))
        self._users[user_id] = (time.monotonic(), person)
        return person

    async def list_members(self, to: ConversationRef) -> list[Actor]:
        """Return the channel's people: bots, Slackbot and deactivated accounts left out."""
        ids: list[str] = []
        cursor = ""
        while True:
            args: dict[str, Any] = {"channel": to.external_id, "limit": 200}
            if cursor:
                args["cursor"] = cursor
            data = await self._call("conversations.members", **args)
            ids.extend(str(m) for m in data.get("members") or [])
            cursor = str((data.get("response_metadata") or {}).get("next_cursor") or "")
            if not cursor:
                break
        people = [await self._user(user_id) for user_id in dict.fromkeys(ids)]
        return [p for p in people if p is not None]

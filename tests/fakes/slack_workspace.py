"""FakeWorkspace: the messages, channels and users of a fake Slack workspace, and its methods."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web

from tests.fakes.block_kit import BlockKitChecker

BOT_USER = "UBOT"


@dataclass
class Call:
    """One recorded Web API call."""

    method: str
    args: dict[str, Any]
    status: int = 200
    error: str | None = None


@dataclass
class Message:
    """A message as the fake workspace holds it."""

    channel: str
    ts: str
    text: str
    blocks: list[dict[str, Any]] = field(default_factory=list)
    thread_ts: str | None = None
    updates: int = 0
    metadata: dict[str, Any] | None = None


class FakeWorkspace:
    """What a Slack workspace holds and how its Web API methods (``_m_*``) change it.

    The transport around it (auth, tiers, faults, holds) is ``FakeSlackWebAPI``'s; every
    argument a method gets has passed those checks.

    Args:
        specs_dir: The offline specs (Block Kit limits).
        per_channel_interval: When set, a second chat.postMessage to one channel within this
            many seconds gets 429 with ``Retry-After``, as Slack does at about 1 message/s.
    """

    def __init__(self, specs_dir: Path, per_channel_interval: float | None = None):
        self.blocks = BlockKitChecker(specs_dir)
        self.per_channel_interval = per_channel_interval
        self.calls: list[Call] = []
        self.violations: list[str] = []
        self.messages: dict[tuple[str, str], Message] = {}
        self.channels: dict[str, list[str]] = {}
        self.users: dict[str, dict[str, Any]] = {BOT_USER: {"id": BOT_USER, "is_bot": True}}
        self.broken: dict[str, str] = {}
        self.rate_limited = 0
        # Whether the app was granted channels:history (conversations.history answers).
        self.history_scope = True
        # Called with each message as soon as the workspace holds it, before the answer goes
        # back: a test can kill the bot right there, when the post arrived but its ts did not.
        self.on_post: Callable[[Message], None] | None = None
        self._called = asyncio.Condition()
        self._last_post: dict[str, float] = {}
        self._seq = 0

    # workspace setup ---------------------------------------------------------------------
    def add_user(
        self,
        user_id: str,
        name: str,
        *,
        is_bot: bool = False,
        deleted: bool = False,
        locale: str = "nl-NL",
    ) -> None:
        """Add a person (or a bot) to the workspace."""
        self.users[user_id] = {
            "id": user_id,
            "name": name,
            "is_bot": is_bot,
            "deleted": deleted,
            "locale": locale,
            "profile": {"display_name": name},
        }

    def add_channel(self, channel_id: str, members: list[str]) -> None:
        """Create a channel with these members (the bot is added too)."""
        self.channels[channel_id] = [*members, BOT_USER]

    def break_channel(self, channel_id: str, error: str = "is_archived") -> None:
        """Make every post to ``channel_id`` fail with ``error``."""
        self.broken[channel_id] = error

    # queries for tests -------------------------------------------------------------------
    def of(self, method: str) -> list[Call]:
        """Return the successful calls of ``method``."""
        return [c for c in self.calls if c.method == method and c.error is None]

    def posts_to(self, channel: str) -> list[Message]:
        """Return the messages posted in ``channel`` in order."""
        return [m for (c, _), m in self.messages.items() if c == channel]

    def top_posts(self) -> dict[str, int]:
        """Return how many top-level messages each channel received (thread replies aside)."""
        counts: dict[str, int] = {}
        for msg in self.messages.values():
            if msg.thread_ts is None and msg.channel.startswith("C"):
                counts[msg.channel] = counts.get(msg.channel, 0) + 1
        return counts

    # answers -----------------------------------------------------------------------------
    def _reply(
        self,
        call: Call,
        body: dict[str, Any],
        status: int = 200,
        headers: dict[str, str] | None = None,
    ) -> web.Response:
        call.status, call.error = status, None if body.get("ok") else body.get("error")
        asyncio.get_running_loop().create_task(self._notify())
        return web.json_response(body, status=status, headers=headers)

    async def _notify(self) -> None:
        async with self._called:
            self._called.notify_all()

    def _ts(self) -> str:
        self._seq += 1
        return f"{int(time.time())}.{self._seq:06d}"

    def _check_message(self, method: str, args: dict[str, Any]) -> str | None:
        problems = self.blocks.message(args)
        self.violations.extend(f"{method}: {p}" for p in problems)
        return "invalid_blocks" if problems else None

    def _m_auth_test(self, call: Call, args: dict[str, Any]) -> web.Response:
        return self._reply(
            call,
            {
                "ok": True,
                "url": "https://fake.slack.test/",
                "team": "Fake",
                "user": "reflectiebot",
                "team_id": "T1",
                "user_id": BOT_USER,
                "bot_id": "B1",
                "is_enterprise_install": False,
            },
        )

    def _m_chat_postMessage(self, call: Call, args: dict[str, Any]) -> web.Response:  # noqa: N802
        channel = str(args["channel"])
        if channel in self.broken:
            return self._reply(call, {"ok": False, "error": self.broken[channel]})
        now = time.monotonic()
        last = self._last_post.get(channel)
        if (
            self.per_channel_interval
            and last is not None
            and now - last < self.per_channel_interval
        ):
            self.rate_limited += 1
            return self._reply(
                call, {"ok": False, "error": "ratelimited"}, 429, {"Retry-After": "1"}
            )
        error = self._check_message("chat.postMessage", args)
        if error:
            return self._reply(call, {"ok": False, "error": error})
        self._last_post[channel] = now
        ts = self._ts()
        metadata = args.get("metadata")
        if isinstance(metadata, str):
            metadata = json.loads(metadata)
        msg = Message(
            channel,
            ts,
            str(args.get("text", "")),
            list(args.get("blocks") or []),
            args.get("thread_ts"),
            metadata=metadata,
        )
        self.messages[(channel, ts)] = msg
        if self.on_post is not None:
            self.on_post(msg)
        return self._reply(call, {"ok": True, "channel": channel, "ts": ts})

    def _m_conversations_history(self, call: Call, args: dict[str, Any]) -> web.Response:
        if not self.history_scope:
            return self._reply(call, {"ok": False, "error": "missing_scope"})
        channel = str(args["channel"])
        oldest = float(args.get("oldest") or 0)
        found = [
            {"type": "message", "ts": m.ts, "bot_id": "B1", "text": m.text}
            | ({"metadata": m.metadata} if m.metadata else {})
            for (c, ts), m in self.messages.items()
            if c == channel and m.thread_ts is None and float(ts.split(".")[0]) >= int(oldest)
        ]
        return self._reply(
            call, {"ok": True, "messages": found[::-1], "has_more": False, "response_metadata": {}}
        )

    def _m_chat_update(self, call: Call, args: dict[str, Any]) -> web.Response:
        key = (str(args["channel"]), str(args["ts"]))
        if key[0] in self.broken:
            return self._reply(call, {"ok": False, "error": self.broken[key[0]]})
        if key not in self.messages:
            return self._reply(call, {"ok": False, "error": "message_not_found"})
        error = self._check_message("chat.update", args)
        if error:
            return self._reply(call, {"ok": False, "error": error})
        msg = self.messages[key]
        msg.text, msg.blocks = str(args.get("text", "")), list(args.get("blocks") or [])
        msg.updates += 1
        return self._reply(call, {"ok": True, "channel": key[0], "ts": key[1]})

    def _m_conversations_open(self, call: Call, args: dict[str, Any]) -> web.Response:
        user = str(args["users"])
        if user not in self.users or self.users[user].get("deleted"):
            return self._reply(call, {"ok": False, "error": "user_not_found"})
        return self._reply(call, {"ok": True, "channel": {"id": "D" + user}})

    def _m_conversations_members(self, call: Call, args: dict[str, Any]) -> web.Response:
        channel = str(args["channel"])
        if channel not in self.channels:
            return self._reply(call, {"ok": False, "error": "channel_not_found"})
        members = self.channels[channel]
        start = int(args.get("cursor") or 0)
        limit = int(args.get("limit") or 100)
        page = members[start : start + limit]
        nxt = str(start + limit) if start + limit < len(members) else ""
        return self._reply(
            call, {"ok": True, "members": page, "response_metadata": {"next_cursor": nxt}}
        )

    def _m_users_info(self, call: Call, args: dict[str, Any]) -> web.Response:
        user = self.users.get(str(args["user"]))
        if user is None:
            return self._reply(call, {"ok": False, "error": "user_not_found"})
        return self._reply(call, {"ok": True, "user": user})

    def _view(self, call: Call, args: dict[str, Any]) -> web.Response:
        problems = self.blocks.view(args["view"])
        self.violations.extend(f"{call.method}: {p}" for p in problems)
        if problems:
            return self._reply(call, {"ok": False, "error": "invalid_arguments"})
        return self._reply(
            call, {"ok": True, "view": {"id": f"V{len(self.calls)}", **args["view"]}}
        )

    def _m_views_open(self, call: Call, args: dict[str, Any]) -> web.Response:
        return self._view(call, args)

    def _m_views_publish(self, call: Call, args: dict[str, Any]) -> web.Response:
        return self._view(call, args)

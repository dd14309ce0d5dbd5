"""FakeSlackWebAPI: a loopback aiohttp server answering /api/{method} like Slack's Web API."""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web

from adapters.slack.limits import per_minute
from tests.fakes.block_kit import BlockKitChecker

# The OpenAPI file is stale (2020): these parameters are required today but not marked there.
EXTRA_REQUIRED = {
    "users.info": ["user"],
    "conversations.open": ["users"],
    "conversations.members": ["channel"],
    "conversations.history": ["channel"],
}
BOT_USER = "UBOT"


@dataclass
class Call:
    """One recorded Web API call."""

    method: str
    args: dict[str, Any]
    status: int = 200
    error: str | None = None


class Hold:
    """Calls of one method wait until the test releases them (a slow platform, no sleeping)."""

    def __init__(self) -> None:
        self.arrived = asyncio.Event()
        self.released = asyncio.Event()
        self.waiting = 0

    def release(self) -> None:
        """Let every held call (and all later ones) through."""
        self.released.set()


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


def _required_params(specs_dir: Path) -> dict[str, list[str]]:
    spec = json.loads((specs_dir / "slack" / "slack_web_openapi_v2.json").read_text("utf-8"))
    out: dict[str, list[str]] = {}
    for path, verbs in spec["paths"].items():
        names = {
            p["name"]
            for op in verbs.values()
            for p in op.get("parameters", [])
            if p.get("required") and p["name"] != "token"
        }
        out[path.lstrip("/")] = sorted(names | set(EXTRA_REQUIRED.get(path.lstrip("/"), [])))
    return out


class FakeSlackWebAPI:
    """A Slack workspace on 127.0.0.1 that records calls and checks every argument.

    Args:
        specs_dir: The offline specs (required parameters and Block Kit limits).
        per_channel_interval: When set, a second chat.postMessage to one channel within this
            many seconds gets 429 with ``Retry-After``, as Slack does at about 1 message/s.
        tiers: Enforce Slack's published tier of each method for this one workspace
            (``adapters.slack.limits``, cited there): a token bucket per method holding a
            minute's calls, refilled at the tier's rate; beyond it 429 with ``Retry-After``.
        minute: Seconds in one of the workspace's rate-limit minutes (a benchmark runs
            Slack's clock faster; the limits scale with it, and so must the client's).
    """

    def __init__(
        self,
        specs_dir: Path,
        *,
        per_channel_interval: float | None = None,
        token: str | None = "xoxb-test",
        tiers: bool = False,
        minute: float = 60.0,
    ):
        self.required = _required_params(specs_dir)
        self.tiers = per_minute() if tiers else {}
        self.minute = minute
        self._buckets: dict[str, tuple[float, float]] = {}
        self.rate_limited_by: dict[str, int] = {}
        self.blocks = BlockKitChecker(specs_dir)
        self.per_channel_interval = per_channel_interval
        self.token = token
        self.calls: list[Call] = []
        self.violations: list[str] = []
        self.messages: dict[tuple[str, str], Message] = {}
        self.channels: dict[str, list[str]] = {}
        self.users: dict[str, dict[str, Any]] = {BOT_USER: {"id": BOT_USER, "is_bot": True}}
        self.broken: dict[str, str] = {}
        self.fail_next: list[tuple[str, int]] = []
        self.responses: list[dict[str, Any]] = []
        self.rate_limited = 0
        # The client ends of the TCP connections the calls came over (keep-alive: few).
        self.connections: set[object] = set()
        self.holds: dict[str, Hold] = {}
        # Whether the app was granted channels:history (conversations.history answers).
        self.history_scope = True
        # Called with each message as soon as the workspace holds it, before the answer goes
        # back: a test can kill the bot right there, when the post arrived but its ts did not.
        self.on_post: Callable[[Message], None] | None = None
        # method -> (share of calls answered 429 or 5xx, Retry-After seconds); seeded.
        self.flaky: dict[str, tuple[float, str]] = {}
        self.flaky_answers = 0
        self._rng = random.Random(7)
        self._called = asyncio.Condition()
        self._last_post: dict[str, float] = {}
        self._seq = 0
        self._runner: web.AppRunner | None = None
        self.port = 0

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

    async def wait_for_call(self, method: str, count: int = 1, timeout: float = 20) -> Call:
        """Wait until ``method`` has been answered successfully ``count`` times; return the last."""

        async def wait() -> Call:
            async with self._called:
                await self._called.wait_for(lambda: len(self.of(method)) >= count)
            return self.of(method)[count - 1]

        return await asyncio.wait_for(wait(), timeout)

    async def wait_until(self, done: Callable[[], bool], timeout: float = 60) -> None:
        """Wait until ``done()`` holds, re-checked after every answered call."""

        async def wait() -> None:
            async with self._called:
                await self._called.wait_for(done)

        await asyncio.wait_for(wait(), timeout)

    def top_posts(self) -> dict[str, int]:
        """Return how many top-level messages each channel received (thread replies aside)."""
        counts: dict[str, int] = {}
        for msg in self.messages.values():
            if msg.thread_ts is None and msg.channel.startswith("C"):
                counts[msg.channel] = counts.get(msg.channel, 0) + 1
        return counts

    def hold(self, method: str) -> Hold:
        """Make calls of ``method`` wait until ``release()``; ``arrived`` is set by the first."""
        self.holds[method] = Hold()
        return self.holds[method]

    def break_channel(self, channel_id: str, error: str = "is_archived") -> None:
        """Make every post to ``channel_id`` fail with ``error``."""
        self.broken[channel_id] = error

    # server ------------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        """The Web API base URL, with the trailing slash slack_sdk needs."""
        return f"http://127.0.0.1:{self.port}/api/"

    async def start(self) -> FakeSlackWebAPI:
        """Listen on a free loopback port."""
        app = web.Application()
        app.router.add_post("/api/{method}", self._handle)
        app.router.add_get("/api/{method}", self._handle)
        app.router.add_post("/respond/{key}", self._respond)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def stop(self) -> None:
        """Close the server."""
        if self._runner:
            await self._runner.cleanup()

    async def __aenter__(self) -> FakeSlackWebAPI:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # queries for tests -------------------------------------------------------------------
    def of(self, method: str) -> list[Call]:
        """Return the successful calls of ``method``."""
        return [c for c in self.calls if c.method == method and c.error is None]

    def posts_to(self, channel: str) -> list[Message]:
        """Return the messages posted in ``channel`` in order."""
        return [m for (c, _), m in self.messages.items() if c == channel]

    # handlers ----------------------------------------------------------------------------
    async def _respond(self, request: web.Request) -> web.Response:
        self.responses.append(await request.json())
        await self._notify()
        return web.Response(text="ok")

    async def _args(self, request: web.Request) -> dict[str, Any]:
        args: dict[str, Any] = dict(request.query)
        if request.can_read_body:
            if request.content_type == "application/json":
                args.update(await request.json())
            else:
                args.update(dict(await request.post()))
        for key in ("blocks", "view"):
            if isinstance(args.get(key), str):
                args[key] = json.loads(args[key])
        return args

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

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args = await self._args(request)
        call = Call(method, args)
        self.calls.append(call)
        if request.transport is not None:
            self.connections.add(request.transport.get_extra_info("peername"))
        auth = request.headers.get("Authorization", "")
        # token=None plays a fake that accepts any token, as a dev/test stand-in may.
        if self.token is not None and (
            auth != f"Bearer {self.token}" and args.get("token") != self.token
        ):
            return self._reply(call, {"ok": False, "error": "not_authed"})
        missing = [p for p in self.required.get(method, []) if p not in args]
        if missing:
            self.violations.append(f"{method}: missing {missing}")
            return self._reply(call, {"ok": False, "error": "invalid_arguments"})
        if method in self.flaky:
            share, retry_after = self.flaky[method]
            if self._rng.random() < share:
                self.flaky_answers += 1
                if self._rng.random() < 0.7:
                    return self._reply(
                        call,
                        {"ok": False, "error": "ratelimited"},
                        429,
                        {"Retry-After": retry_after},
                    )
                return self._reply(call, {"ok": False, "error": "service_unavailable"}, 503)
        limited = self._over_tier(method)
        if limited is not None:
            self.rate_limited += 1
            self.rate_limited_by[method] = self.rate_limited_by.get(method, 0) + 1
            return self._reply(
                call, {"ok": False, "error": "ratelimited"}, 429, {"Retry-After": limited}
            )
        for failing in list(self.fail_next):
            if failing[0] == method:
                self.fail_next.remove(failing)
                return self._reply(call, {"ok": False, "error": "internal_error"}, failing[1])
        hold = self.holds.get(method)
        if hold is not None and not hold.released.is_set():
            hold.waiting += 1
            hold.arrived.set()
            await hold.released.wait()
        handler = getattr(self, "_m_" + method.replace(".", "_"), None)
        if handler is None:
            self.violations.append(f"{method}: not implemented by the fake")
            return self._reply(call, {"ok": False, "error": "unknown_method"})
        return handler(call, args)

    def _over_tier(self, method: str) -> str | None:
        """Count a call against its method's bucket; return Retry-After when it is empty."""
        allowed = self.tiers.get(method)
        if not allowed:
            return None
        now, rate = time.monotonic(), allowed / self.minute
        # One call of slack on top of the tier: a client pacing to the number exactly must
        # never be refused for the milliseconds its request spent on the way.
        tokens, then = self._buckets.get(method, (allowed + 1.0, now))
        tokens = min(allowed + 1.0, tokens + (now - then) * rate)
        if tokens < 1.0:
            self._buckets[method] = (tokens, now)
            return f"{(1.0 - tokens) / rate:.3f}"
        self._buckets[method] = (tokens - 1.0, now)
        return None

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

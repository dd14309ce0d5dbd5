"""FakeSlackWebAPI: a loopback aiohttp server answering /api/{method} like Slack's Web API."""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from aiohttp import web

from adapters.slack.limits import per_minute
from tests.fakes.slack_workspace import BOT_USER, Call, FakeWorkspace, Message

__all__ = ["BOT_USER", "Call", "FakeSlackWebAPI", "Hold", "Message"]

# The OpenAPI file is stale (2020): these parameters are required today but not marked there.
EXTRA_REQUIRED = {
    "users.info": ["user"],
    "conversations.open": ["users"],
    "conversations.members": ["channel"],
    "conversations.history": ["channel"],
}


class Hold:
    """Calls of one method wait until the test releases them (a slow platform, no sleeping)."""

    def __init__(self) -> None:
        self.arrived = asyncio.Event()
        self.released = asyncio.Event()
        self.waiting = 0

    def release(self) -> None:
        """Let every held call (and all later ones) through."""
        self.released.set()


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


class FakeSlackWebAPI(FakeWorkspace):
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
        super().__init__(specs_dir, per_channel_interval)
        self.required = _required_params(specs_dir)
        self.tiers = per_minute() if tiers else {}
        self.minute = minute
        self._buckets: dict[str, tuple[float, float]] = {}
        self.rate_limited_by: dict[str, int] = {}
        self.token = token
        self.fail_next: list[tuple[str, int]] = []
        self.responses: list[dict[str, Any]] = []
        # The client ends of the TCP connections the calls came over (keep-alive: few).
        self.connections: set[object] = set()
        self.holds: dict[str, Hold] = {}
        # method -> (share of calls answered 429 or 5xx, Retry-After seconds); seeded.
        self.flaky: dict[str, tuple[float, str]] = {}
        self.flaky_answers = 0
        self._rng = random.Random(7)
        self._runner: web.AppRunner | None = None
        self.port = 0

    # waiting and holding -----------------------------------------------------------------
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

    def hold(self, method: str) -> Hold:
        """Make calls of ``method`` wait until ``release()``; ``arrived`` is set by the first."""
        self.holds[method] = Hold()
        return self.holds[method]

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

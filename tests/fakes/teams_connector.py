"""FakeBotConnector: a loopback aiohttp server answering the Bot Connector REST API like Teams.

It serves what a Teams ``serviceUrl`` offers the bot (post, reply, update, create a personal
chat, list members), checks every card it receives against the Adaptive Card 1.5 schema,
and can throttle (429 with Retry-After), fail (5xx) or say the bot was removed (403).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any

from aiohttp import web
from jsonschema import Draft6Validator

from tests.fakes.teams_tenant import BOT_ID, CARD, TENANT, Call, Fault, Person, Posted, card_shape

__all__ = ["BOT_ID", "TENANT", "FakeBotConnector", "Person", "Posted"]


class FakeBotConnector:
    """The Bot Connector of one tenant on 127.0.0.1.

    Args:
        specs_dir: The offline specs (the Adaptive Card 1.5 schema).
        rate_limit: Requests per second the tenant allows (None: no limit); beyond, 429.
    """

    def __init__(self, specs_dir: Path, *, rate_limit: float | None = None):
        schema = json.loads(
            (specs_dir / "adaptivecards" / "adaptive-card-1.5.0.schema.json").read_text("utf-8")
        )
        self.cards = Draft6Validator(schema)
        self.rate_limit = rate_limit
        self.people: dict[str, Person] = {}
        self.rosters: dict[str, list[str]] = {}
        self.posts: list[Posted] = []
        self.calls: list[Call] = []
        self.faults: list[Fault] = []
        self.removed: set[str] = set()
        self.personal: dict[str, str] = {}  # personal chat id -> aad
        self.throttled = 0
        self._window: deque[float] = deque()
        self._next = 0
        self._runner: web.AppRunner | None = None
        self._changed = asyncio.Condition()
        self._checked: set[str] = set()
        self._unchecked: list[tuple[dict[str, Any], str]] = []
        self._violations: list[str] = []
        self.port = 0

    # the test's side ---------------------------------------------------------------------
    @property
    def violations(self) -> list[str]:
        """Everything the bot sent that Teams would refuse (cards checked now)."""
        while self._unchecked:
            card, where = self._unchecked.pop()
            errors = [e.message for e in self.cards.iter_errors(card)]
            if errors:
                self._violations.append(f"{where}: {errors[:3]}")
        return self._violations

    def add_person(self, aad: str, name: str) -> Person:
        person = Person(aad, name)
        self.people[aad] = person
        return person

    def add_conversation(self, conversation: str, members: list[str]) -> None:
        self.rosters[conversation] = list(members)

    def fail(
        self,
        status: int,
        times: int = 1,
        *,
        retry_after: float | None = None,
        conversation: str | None = None,
    ) -> None:
        self.faults.append(Fault(status, times, retry_after, conversation))

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def posts_to(self, conversation: str) -> list[Posted]:
        """Top-level posts and replies in a conversation (a channel's thread replies too)."""
        return [p for p in self.posts if p.conversation == conversation]

    def personal_posts(self, aad: str) -> list[Posted]:
        chats = {c for c, who in self.personal.items() if who == aad}
        return [p for p in self.posts if p.conversation in chats]

    def post(self, conversation: str, message_id: str) -> Posted:
        [found] = [p for p in self.posts if p.conversation == conversation and p.id == message_id]
        return found

    def check_card(self, card: dict[str, Any], where: str) -> None:
        # Validating is slow (the schema is large); a card that differs from one already
        # checked only in its words and ids is valid alike, so each shape is checked once.
        # Checked when the test reads ``violations``: a check takes a while, and a stalled
        # fake would see the bot's requests arrive in a bunch and throttle them unfairly.
        shape = json.dumps(card_shape(card), sort_keys=True)
        if shape not in self._checked:
            self._checked.add(shape)
            self._unchecked.append((card, where))
        if len(json.dumps(card)) > 28_000:
            self._violations.append(f"{where}: card over Teams' 28 KB")

    async def wait_for(self, found: Callable[[], Any], timeout: float = 20.0) -> Any:
        """Wait until ``found()`` is truthy (checked after every request); return its value."""

        async def wait() -> Any:
            async with self._changed:
                return await self._changed.wait_for(found)

        return await asyncio.wait_for(wait(), timeout)

    # the server --------------------------------------------------------------------------
    async def __aenter__(self) -> FakeBotConnector:
        app = web.Application(middlewares=[self._gate])
        app.router.add_post("/v3/conversations", self._create)
        app.router.add_post("/v3/conversations/{conv}/activities", self._send)
        app.router.add_post("/v3/conversations/{conv}/activities/{reply}", self._send)
        app.router.add_put("/v3/conversations/{conv}/activities/{id}", self._update)
        app.router.add_get("/v3/conversations/{conv}/members", self._members)
        app.router.add_get("/v3/conversations/{conv}/members/{member}", self._member)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._runner:
            await self._runner.cleanup()

    @web.middleware
    async def _gate(self, request: web.Request, handler: Any) -> web.StreamResponse:
        conv = request.match_info.get("conv", "").split(";")[0]
        status = self._refusal(conv)
        response: web.StreamResponse
        if status is not None:
            code, headers = status
            response = web.json_response(
                {"error": {"code": str(code)}}, status=code, headers=headers
            )
        else:
            response = await handler(request)
        self.calls.append(
            Call(
                request.method, request.path, response.status, request.headers.get("Authorization")
            )
        )
        async with self._changed:
            self._changed.notify_all()
        return response

    def _refusal(self, conv: str) -> tuple[int, dict[str, str]] | None:
        if self.rate_limit is not None:
            now = time.monotonic()
            while self._window and now - self._window[0] >= 1.0:
                self._window.popleft()
            if len(self._window) >= self.rate_limit:
                self.throttled += 1
                return 429, {"Retry-After": "1"}
            self._window.append(now)
        if conv and conv in self.removed:
            return 403, {}
        for fault in self.faults:
            if fault.times > 0 and fault.conversation in (None, conv):
                fault.times -= 1
                headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after else {}
                return fault.status, headers
        return None

    def _id(self) -> str:
        self._next += 1
        return f"{1700000000000 + self._next}"

    async def _send(self, request: web.Request) -> web.Response:
        body = await request.json()
        conv_path = request.match_info["conv"]
        conv, _, thread = conv_path.partition(";messageid=")
        if body.get("type") != "message":
            self._violations.append(f"{conv}: activity type {body.get('type')!r}")
        for attachment in body.get("attachments") or []:
            if attachment.get("contentType") == CARD:
                self.check_card(attachment.get("content") or {}, conv)
        if not (body.get("text") or body.get("attachments")):
            self._violations.append(f"{conv}: empty message")
        posted = Posted(conv, self._id(), body, reply_to=thread or request.match_info.get("reply"))
        self.posts.append(posted)
        return web.json_response({"id": posted.id}, status=201)

    async def _update(self, request: web.Request) -> web.Response:
        body = await request.json()
        conv = request.match_info["conv"]
        message_id = request.match_info["id"]
        found = [p for p in self.posts if p.conversation == conv and p.id == message_id]
        if not found:
            return web.json_response({"error": {"code": "NotFound"}}, status=404)
        for attachment in body.get("attachments") or []:
            if attachment.get("contentType") == CARD:
                self.check_card(attachment.get("content") or {}, conv)
        found[0].activity = body
        found[0].updates += 1
        return web.json_response({"id": message_id})

    async def _create(self, request: web.Request) -> web.Response:
        body = await request.json()
        members = body.get("members") or []
        if body.get("isGroup") or len(members) != 1 or not (body.get("bot") or {}).get("id"):
            self._violations.append(f"create conversation: {body}")
            return web.json_response({"error": {"code": "BadArgument"}}, status=400)
        teams_id = str(members[0].get("id", ""))
        aad = teams_id.removeprefix("29:")
        if aad not in self.people or body.get("tenantId") != TENANT:
            return web.json_response({"error": {"code": "NotFound"}}, status=404)
        chat = f"a:personal-{aad}"
        self.personal[chat] = aad
        return web.json_response({"id": chat}, status=201)

    async def _members(self, request: web.Request) -> web.Response:
        conv = request.match_info["conv"].split(";")[0]
        if conv not in self.rosters:
            return web.json_response({"error": {"code": "NotFound"}}, status=404)
        accounts = [self.people[a].account() for a in self.rosters[conv] if a in self.people]
        return web.json_response(accounts)

    async def _member(self, request: web.Request) -> web.Response:
        aad = request.match_info["member"].removeprefix("29:")
        if aad not in self.people:
            return web.json_response({"error": {"code": "NotFound"}}, status=404)
        return web.json_response(self.people[aad].account())

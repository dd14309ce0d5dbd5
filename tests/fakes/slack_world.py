"""A Slack workspace for tests: the fake Web API, the composed server and the real core."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from adapters.server import build_server
from adapters.slack.app import SlackAdapter
from bot.clock import ManualClock
from bot.models import Round
from bot.settings import Settings
from tests.fakes.slack_api import FakeSlackWebAPI
from tests.fakes.slack_requests import SignedRequest, SlackRequests
from tests.harness import Bot, make_bot

SECRET = "test-signing-secret"
MEMBERS = ["U1", "U2", "U3", "U4", "U5"]


@dataclass
class Slack:
    """Everything one test needs: the fake workspace, the server client and the core."""

    api: FakeSlackWebAPI
    http: TestClient[Any, Any]
    adapter: SlackAdapter
    lc: Bot
    clock: ManualClock
    req: SlackRequests

    async def send(self, request: SignedRequest) -> tuple[int, str]:
        """POST a signed request to /slack/events and wait for the work after the ack."""
        response = await self.http.post(
            "/slack/events", data=request.body.encode(), headers=request.headers
        )
        body = await response.text()
        await self.adapter.drain()
        return response.status, body

    async def command(self, text: str, user: str = "UMGR", channel: str = "C1") -> dict[str, Any]:
        status, body = await self.send(
            self.req.command(text, user_id=user, channel_id=channel, channel_name="wijkteam")
        )
        assert status == 200
        return json.loads(body) if body else {}

    def open_round(self, channel: str = "C1") -> Round:
        team = self.lc.store.directory.team_by_conversation("slack", channel)
        assert team is not None
        rnd = self.lc.store.rounds.open_round_of(team.id)
        assert rnd is not None
        return rnd

    def last_view(self) -> dict[str, Any]:
        return dict(self.api.of("views.open")[-1].args["view"])

    def snapshot(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every row of every table but the redelivery ledger, to show nothing changed."""
        db = self.lc.store.db
        return {
            name: sorted(tuple(r) for r in db.execute(f"SELECT * FROM [{name}]").fetchall())
            for name in db.table_names()
            if name not in ("inbound_event", "_sqlite_migrations")
        }


@pytest.fixture(name="slack")
async def slack_fixture(specs_dir: Path) -> AsyncIterator[Slack]:
    """The workspace: channels C1 (five members, the manager, a bot) and C3 (U1, the manager)."""
    async with slack_world(specs_dir) as world:
        yield world
        assert world.api.violations == [], "every call must respect the spec and Block Kit limits"


@asynccontextmanager
async def slack_world(specs_dir: Path) -> AsyncIterator[Slack]:
    """The workspace of :func:`slack_fixture`, for tests that drive their own event loop."""
    async with FakeSlackWebAPI(specs_dir) as api:
        for user in [*MEMBERS, "UMGR", "UCOACH"]:
            api.add_user(user, f"naam-{user}")
        api.add_user("UHELPER", "een andere bot", is_bot=True)
        api.add_channel("C1", [*MEMBERS, "UMGR", "UHELPER"])
        api.add_channel("C3", ["U1", "UMGR"])
        clock = ManualClock(datetime(2027, 1, 11, 8, 0, tzinfo=UTC))
        adapter = SlackAdapter(
            bot_token="xoxb-test", signing_secret=SECRET, base_url=api.base_url, pace=0
        )
        lc = make_bot(None, Settings(env="test", admins="slack:UMGR"), clock, {"slack": adapter})
        async with TestClient(
            TestServer(build_server([adapter], lc.door), host="127.0.0.1", port=0)
        ) as http:
            yield Slack(
                api,
                http,
                adapter,
                lc,
                clock,
                SlackRequests(SECRET, respond_base=f"http://127.0.0.1:{api.port}/respond/"),
            )
        await adapter.pool.close()
        lc.store.close()


def answers_for(view: dict[str, Any], text: str = "Prima samenwerking") -> dict[str, str]:
    out = {}
    for block in view["blocks"]:
        if block["type"] != "input":
            continue
        element = block["element"]
        qid = block["block_id"].removeprefix("q:")
        out[qid] = (
            text if element["type"] == "plain_text_input" else element["options"][-1]["value"]
        )
    return out

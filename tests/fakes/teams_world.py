"""A Teams tenant for tests: the fake Bot Connector, the composed server and the real core."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from adapters.server import build_server
from adapters.teams.app import TeamsAdapter
from adapters.teams.auth import auth_configuration
from adapters.teams.connector import Connector
from adapters.teams.limits import Limits
from bot.clock import ManualClock
from bot.models import Round
from bot.settings import Settings
from tests.fakes.teams_activities import TeamsActivities
from tests.fakes.teams_connector import FakeBotConnector, Person
from tests.harness import Bot, make_bot

CHANNEL = "19:general-wijk@thread.tacv2"
OTHER_CHANNEL = "19:general-loket@thread.tacv2"
MEMBERS = [f"aaaaaaaa-0000-4000-8000-00000000000{i}" for i in range(1, 6)]
MANAGER = "bbbbbbbb-0000-4000-8000-000000000001"
COACH = "cccccccc-0000-4000-8000-000000000001"
OUTSIDER = "dddddddd-0000-4000-8000-000000000001"


@dataclass
class Waits:
    """The adapter's sleeps, recorded instead of waited (no sleeping tests)."""

    seconds: list[float] = field(default_factory=list)

    async def __call__(self, seconds: float) -> None:
        self.seconds.append(seconds)


@dataclass
class Teams:
    """Everything one test needs: the fake connector, the server client and the core."""

    connector: FakeBotConnector
    http: TestClient[Any, Any]
    adapter: TeamsAdapter
    lc: Bot
    clock: ManualClock
    act: TeamsActivities
    waits: Waits

    def person(self, aad: str) -> Person:
        return self.connector.people[aad]

    async def send(
        self, activity: dict[str, Any], headers: dict[str, str] | None = None
    ) -> tuple[int, Any]:
        """POST an activity to /api/messages and wait for the work after the answer."""
        response = await self.http.post("/api/messages", json=activity, headers=headers or {})
        text = await response.text()
        await self.adapter.drain()
        return response.status, json.loads(text) if text else None

    async def command(
        self, text: str, by: str = MANAGER, conversation: str = CHANNEL, **kw: Any
    ) -> int:
        status, _ = await self.send(self.act.message(text, self.person(by), conversation, **kw))
        return status

    async def press(
        self,
        verb: str,
        data: dict[str, Any],
        by: str,
        reply_to: str,
        conversation: str = CHANNEL,
        **kw: Any,
    ) -> dict[str, Any]:
        """Press a card's Action.Execute; return the card Teams shows the person instead."""
        status, body = await self.send(
            self.act.execute(verb, data, self.person(by), conversation, reply_to, **kw)
        )
        assert status == 200, body
        assert (
            body["statusCode"] == 200 and body["type"] == "application/vnd.microsoft.card.adaptive"
        )
        self.connector.check_card(body["value"], f"invoke {verb}")
        return dict(body["value"])

    def open_round(self, conversation: str = CHANNEL) -> Round:
        team = self.lc.store.directory.team_by_conversation("teams", conversation)
        assert team is not None
        rnd = self.lc.store.rounds.open_round_of(team.id)
        assert rnd is not None
        return rnd


def anonymous_adapter(limits: Limits | None = None) -> TeamsAdapter:
    """The adapter in anonymous dev/test mode (no credentials, no token)."""
    config = auth_configuration(env="test", anonymous=True)
    return TeamsAdapter(config=config, connector=Connector(None), limits=limits)


@asynccontextmanager
async def teams_world(specs_dir: Path, db: Path | None = None) -> AsyncIterator[Teams]:
    """A tenant: a channel with five members, the manager and the coach; another with two."""
    async with FakeBotConnector(specs_dir) as connector:
        for i, aad in enumerate(MEMBERS, 1):
            connector.add_person(aad, f"Lid {i}")
        connector.add_person(MANAGER, "Mira Manager")
        connector.add_person(COACH, "Cas Coach")
        connector.add_person(OUTSIDER, "Olaf Buiten")
        connector.add_conversation(CHANNEL, [*MEMBERS, MANAGER, COACH])
        connector.add_conversation(OTHER_CHANNEL, [MEMBERS[0], MANAGER])
        clock = ManualClock(datetime(2027, 1, 11, 8, 0, tzinfo=UTC))
        waits = Waits()
        # Retries record their waits instead of sleeping; pacing is tested on its own clock.
        adapter = anonymous_adapter(Limits(per_conversation=0, per_tenant=0, sleep=waits))
        settings = Settings(env="test", teams_anonymous=True, admins=f"teams:{MANAGER}")
        lc = make_bot(db, settings, clock, {"teams": adapter})
        async with TestClient(
            TestServer(build_server([adapter], lc.door), host="127.0.0.1", port=0)
        ) as http:
            yield Teams(
                connector, http, adapter, lc, clock, TeamsActivities(connector.base_url), waits
            )
        lc.store.close()


@pytest.fixture(name="teams")
async def teams_fixture(specs_dir: Path) -> AsyncIterator[Teams]:
    async with teams_world(specs_dir) as world:
        yield world
        assert world.connector.violations == [], "every card must be valid Adaptive Card 1.5"

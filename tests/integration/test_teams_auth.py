"""Production mode: /api/messages needs a valid Bot Framework token; everything else is 401."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from adapters.server import build_server
from adapters.teams.app import TeamsAdapter
from adapters.teams.auth import AnonymousRefusedError, auth_configuration
from adapters.teams.connector import Connector
from bot.settings import Settings
from tests.fakes.specs import specs_dir_fixture  # noqa: F401
from tests.fakes.teams_activities import TeamsActivities
from tests.fakes.teams_connector import FakeBotConnector
from tests.fakes.teams_tokens import APP_ID, APP_TENANT, TokenIssuer, issuer_fixture  # noqa: F401
from tests.harness import make_bot

MANAGER = "bbbbbbbb-0000-4000-8000-000000000001"
CHANNEL = "19:general-wijk@thread.tacv2"


class Production:
    def __init__(self, connector: FakeBotConnector, http: TestClient, adapter: TeamsAdapter, lc):
        self.connector, self.http, self.adapter, self.lc = connector, http, adapter, lc
        self.act = TeamsActivities(connector.base_url)

    def start(self) -> dict:
        return self.act.message("start", self.connector.people[MANAGER], CHANNEL)

    async def post(self, activity: dict, headers: dict[str, str] | None = None) -> int:
        response = await self.http.post("/api/messages", json=activity, headers=headers or {})
        await response.read()
        await self.adapter.drain()
        return response.status


@pytest.fixture
async def production(specs_dir: Path, issuer: TokenIssuer, clock) -> AsyncIterator[Production]:
    async with FakeBotConnector(specs_dir) as connector:
        connector.add_person(MANAGER, "Mira Manager")
        connector.add_conversation(CHANNEL, [MANAGER])
        config = auth_configuration(
            env="production",
            anonymous=False,
            client_id=APP_ID,
            client_secret="not-used-offline",
            tenant_id=APP_TENANT,
        )

        async def bot_token() -> str:  # Entra ID's part: a token for the bot's own calls
            return "bot-token-from-entra"

        adapter = TeamsAdapter(config=config, connector=Connector(bot_token))
        lc = make_bot(
            None, Settings(env="test", admins=f"teams:{MANAGER}"), clock, {"teams": adapter}
        )
        async with TestClient(
            TestServer(build_server([adapter], lc.door), host="127.0.0.1")
        ) as http:
            yield Production(connector, http, adapter, lc)
        lc.store.close()


async def test_a_valid_token_is_let_in_and_outbound_calls_carry_the_bots_token(
    production: Production, issuer: TokenIssuer
) -> None:
    token = issuer.token(production.connector.base_url)
    status = await production.post(production.start(), {"Authorization": f"Bearer {token}"})
    assert status == 202
    assert production.lc.store.directory.team_by_conversation("teams", CHANNEL) is not None
    calls = production.connector.calls
    assert calls and all(c.authorization == "Bearer bot-token-from-entra" for c in calls)


@pytest.mark.parametrize(
    "header",
    [
        None,
        "Bearer",
        "Basic dXNlcjpwYXNz",
        "Bearer not-a-jwt",
        "Bearer a.b.c",
        "forged",
        "expired",
        "wrong-audience",
        "wrong-issuer",
        "no-kid",
        "unknown-kid",
        "other-service-url",
    ],
)
async def test_a_missing_malformed_or_forged_token_is_401_and_changes_nothing(
    production: Production, issuer: TokenIssuer, header: str | None
) -> None:
    url = production.connector.base_url
    tokens = {
        "forged": issuer.token(url, forged=True),
        "expired": issuer.token(url, expires_in=-3600),
        "wrong-audience": issuer.token(url, audience="someone-else"),
        "wrong-issuer": issuer.token(url, issuer="https://evil.example"),
        "no-kid": issuer.token(url, kid=None),
        "unknown-kid": issuer.token(url, kid="not-ours"),
        "other-service-url": issuer.token("https://smba.trafficmanager.net/emea/"),
    }
    value = f"Bearer {tokens[header]}" if header in tokens else header
    status = await production.post(production.start(), {"Authorization": value} if value else {})
    assert status == 401
    assert production.connector.calls == [], "nothing was sent"
    assert production.lc.store.directory.teams() == [], "nothing was stored"


async def test_health_and_metrics_are_not_behind_teams_authentication(
    production: Production,
) -> None:
    response = await production.http.get("/healthz")
    assert response.status in (200, 503)
    assert "teams" in await response.text()


def test_anonymous_mode_is_refused_outside_dev_and_test() -> None:
    with pytest.raises(AnonymousRefusedError):
        auth_configuration(env="production", anonymous=True)
    assert auth_configuration(env="dev", anonymous=True).ANONYMOUS_ALLOWED
    assert not auth_configuration(
        env="production", anonymous=False, client_id="x"
    ).ANONYMOUS_ALLOWED

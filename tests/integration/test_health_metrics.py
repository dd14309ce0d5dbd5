"""/healthz names the part that is down (503), and /metrics parses as Prometheus text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer
from prometheus_client.parser import text_string_to_metric_families

from adapters.server import ADAPTERS
from bot.app.serve import build_app
from bot.messages import ConversationRef, Rendered
from bot.ports import DeliveryError
from bot.settings import load_settings
from tests.fakes.slack_api import FakeSlackWebAPI
from tests.fakes.slack_requests import SlackRequests
from tests.fakes.specs import specs_dir_fixture  # noqa: F401

SECRET = "health-secret"


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("REFLECTIEBOT_ENV", "test")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SECRET)
    monkeypatch.setenv("REFLECTIEBOT_DB", str(tmp_path / "bot.db"))
    monkeypatch.setenv("REFLECTIEBOT_ADMINS", "slack:UMGR")
    return tmp_path


async def test_metrics_count_what_happened_and_parse_as_prometheus_text(
    env: Path, monkeypatch: pytest.MonkeyPatch, specs_dir: Path
) -> None:
    async with FakeSlackWebAPI(specs_dir, token=None) as api:
        for user in ("U1", "UMGR"):
            api.add_user(user, user)
        api.add_channel("C1", ["U1", "UMGR"])
        monkeypatch.setenv("SLACK_API_BASE_URL", api.base_url)
        server = await build_app(load_settings(), "127.0.0.1", 0)
        req = SlackRequests(SECRET)
        async with TestClient(TestServer(server, host="127.0.0.1", port=0)) as http:
            [adapter] = server[ADAPTERS]
            signed = req.command("start", user_id="UMGR", channel_id="C1")
            assert (
                await http.post("/slack/events", data=signed.body, headers=signed.headers)
            ).status == 200
            await adapter.drain()  # type: ignore[attr-defined]
            response = await http.get("/metrics")
            assert response.status == 200
            assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
            text = await response.text()
    families = {f.name: f for f in text_string_to_metric_families(text)}
    assert {
        s.labels["status"]: s.value
        for s in families["reflectiebot_rounds"].samples
        if s.name.endswith("_total")
    } == {"open": 1.0}
    sent = [
        s
        for s in families["reflectiebot_posts"].samples
        if s.labels.get("status") == "sent" and s.name.endswith("_total")
    ]
    assert sent and sent[0].labels["platform"] == "slack" and sent[0].value == 1
    acks = [s for s in families["reflectiebot_ack_seconds"].samples if s.name.endswith("_count")]
    assert acks and acks[0].labels["path"] == "/slack/events" and acks[0].value >= 1
    assert families["reflectiebot_outbox_depth"].samples[0].value == 0
    assert "reflectiebot_tick_seconds" in families


async def test_healthz_answers_503_naming_slack_when_the_web_api_cannot_be_reached(
    env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SLACK_API_BASE_URL", "http://127.0.0.1:9/api/")  # nothing listens
    server = await build_app(load_settings(), "127.0.0.1", 0)
    async with TestClient(TestServer(server, host="127.0.0.1", port=0)) as http:
        healthy = await http.get("/healthz")
        body = await healthy.json()
        assert healthy.status == 200, body
        assert body["database"]["ok"] and body["scheduler"]["ok"] and body["slack"]["ok"]
        [adapter] = server[ADAPTERS]
        channel = ConversationRef(platform="slack", external_id="C1")
        for _ in range(5):  # five posts in a row that do not reach Slack
            with pytest.raises(DeliveryError):
                await adapter.post(channel, Rendered(surface="slack", text="x"))
        down = await http.get("/healthz")
        report = json.loads(await down.text())
        assert down.status == 503 and report["status"] == "down"
        assert report["slack"]["ok"] is False and report["database"]["ok"] is True

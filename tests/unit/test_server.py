"""The aiohttp server: /healthz, adapter routes, and start/stop order."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from adapters.server import build_server
from bot.app.serve import build_app, serve
from bot.messages import Actor, ConversationRef, Inbound, Rendered, Reply
from bot.settings import load_settings


class RecordingAdapter:
    """A minimal Adapter that records its lifetime calls and serves one route."""

    platform = "recording"
    surface = "text"

    def __init__(self, events: list[str]) -> None:
        self.events = events

    def mount(self, app: web.Application, inbound: object) -> None:
        async def hello(_: web.Request) -> web.Response:
            return web.Response(text="hi")

        app.router.add_post("/recording/events", hello)

    async def start(self) -> None:
        self.events.append("adapter start")

    async def stop(self) -> None:
        self.events.append("adapter stop")

    async def post(self, to: ConversationRef, msg: Rendered, *, thread: str | None = None) -> str:
        return "1"

    async def update(self, to: ConversationRef, message_id: str, msg: Rendered) -> None:
        return None

    async def notify(self, member: Actor, msg: Rendered) -> str:
        return "1"

    async def list_members(self, to: ConversationRef) -> list[Actor]:
        return []

    async def find(self, to: ConversationRef, key: str, since: datetime) -> str | None:
        return None

    def health(self) -> dict[str, Any]:
        return {"ok": True}


class NoCore:
    """An InteractionPort that is never asked anything (the route above answers by itself)."""

    async def handle(self, event: Inbound) -> Reply:
        raise AssertionError("not called")

    async def first_seen(self, platform: str, event_id: str, *, retried: bool = True) -> bool:
        raise AssertionError("not called")

    async def drain(self) -> None:
        return None


async def test_healthz_and_routes_and_lifetime() -> None:
    events: list[str] = []

    async def started() -> None:
        events.append("scheduler start")

    async def stopped() -> None:
        events.append("scheduler stop")

    app = build_server([RecordingAdapter(events)], NoCore(), on_startup=started, on_cleanup=stopped)
    async with TestClient(TestServer(app, host="127.0.0.1", port=0)) as client:
        response = await client.get("/healthz")
        assert response.status == 200
        body = await response.json()
        assert body["status"] == "ok"
        assert body["platforms"] == ["recording"]
        assert (await client.post("/recording/events")).status == 200
        assert (await client.get("/nothing")).status == 404
    # The adapters finish their background work before the database the cleanup closes.
    assert events == ["adapter start", "scheduler start", "adapter stop", "scheduler stop"]


def test_serve_without_a_platform_explains_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert serve("127.0.0.1", 0) == 2
    assert "SLACK_BOT_TOKEN" in capsys.readouterr().err


async def test_build_app_serves_slack_and_healthz(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REFLECTIEBOT_ENV", "test")
    monkeypatch.setenv("REFLECTIEBOT_DB", str(tmp_path / "bot.db"))
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-x")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "s")
    monkeypatch.setenv("SLACK_API_BASE_URL", "http://127.0.0.1:9/api/")
    settings = load_settings()
    assert settings.slack_enabled
    app = await build_app(settings, "127.0.0.1", 0)
    routes = {
        (r.method, r.resource.canonical)
        for r in app.router.routes()  # type: ignore[union-attr]
        if r.resource is not None
    }
    assert ("POST", "/slack/events") in routes and ("GET", "/healthz") in routes

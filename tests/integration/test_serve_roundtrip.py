"""`reflectiebot serve` as composed for production, against a fake Slack Web API; then export."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer
from typer.testing import CliRunner

from adapters.server import ADAPTERS
from bot.app.cli import app as cli
from bot.app.serve import build_app
from bot.settings import load_settings
from tests.fakes.slack_api import FakeSlackWebAPI
from tests.fakes.slack_requests import SlackRequests
from tests.fakes.specs import specs_dir_fixture  # noqa: F401

SECRET = "roundtrip-secret"


async def test_serve_runs_the_round_trip_and_export_shows_the_answers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, specs_dir: Path
) -> None:
    db = tmp_path / "serve.db"
    async with FakeSlackWebAPI(specs_dir, token=None) as api:
        for user in ("U1", "U2", "UMGR"):
            api.add_user(user, f"naam-{user}")
        api.add_channel("C1", ["U1", "U2", "UMGR"])
        # Exactly what the issue names: test mode, a fake Web API and a signing secret.
        monkeypatch.setenv("REFLECTIEBOT_ENV", "test")
        monkeypatch.setenv("SLACK_API_BASE_URL", api.base_url)
        monkeypatch.setenv("SLACK_SIGNING_SECRET", SECRET)
        monkeypatch.setenv("REFLECTIEBOT_DB", str(db))
        monkeypatch.setenv("REFLECTIEBOT_ADMINS", "slack:UMGR")
        settings = load_settings()
        assert settings.slack_enabled
        server = await build_app(settings, "127.0.0.1", 0)
        req = SlackRequests(SECRET, respond_base=f"http://127.0.0.1:{api.port}/respond/")
        async with TestClient(TestServer(server, host="127.0.0.1", port=0)) as http:
            [adapter] = server[ADAPTERS]

            async def send(request: object) -> int:
                response = await http.post(
                    "/slack/events",
                    data=request.body.encode(),  # type: ignore[attr-defined]
                    headers=request.headers,  # type: ignore[attr-defined]
                )
                await adapter.drain()  # type: ignore[attr-defined]
                return response.status

            health = await http.get("/healthz")
            assert (await health.json())["platforms"] == ["slack"]
            assert await send(req.command("start", user_id="UMGR", channel_id="C1")) == 200
            [post] = api.posts_to("C1")
            round_id = json.dumps(post.blocks).split('"value": "')[1].split('"')[0]
            assert await send(req.button(round_id, user_id="U1", channel_id="C1")) == 200
            view = dict(api.of("views.open")[-1].args["view"])
            answers = {}
            for block in view["blocks"]:
                if block["type"] == "input":
                    element = block["element"]
                    answers[block["block_id"].removeprefix("q:")] = (
                        "Samen sterk"
                        if element["type"] == "plain_text_input"
                        else element["options"][0]["value"]
                    )
            assert await send(req.view_submission(view, answers, user_id="U1")) == 200
    # One answer in an anonymous team is below the threshold: only --raw (audited) shows it.
    withheld = CliRunner().invoke(cli, ["export", "--db", str(db), "--format", "json"])
    assert withheld.exit_code == 0, withheld.output
    assert json.loads(withheld.stdout) == []
    exported = CliRunner().invoke(cli, ["export", "--db", str(db), "--format", "json", "--raw"])
    assert exported.exit_code == 0, exported.output
    records = json.loads(exported.stdout)
    assert len(records) == len(answers)
    assert {r["value"] for r in records} >= {"Samen sterk"}
    assert all(r["respondent"] is None for r in records)  # a new team is anonymous

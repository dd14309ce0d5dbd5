"""`reflectiebot serve` with Teams alone (anonymous, test mode): the round trip, then the export."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from aiohttp import ClientSession

from tests.fakes.serve_process import SERVE, ServeProcess
from tests.fakes.specs import specs_dir_fixture  # noqa: F401
from tests.fakes.teams_activities import TeamsActivities, fill
from tests.fakes.teams_connector import FakeBotConnector

ANSWER = "Onze geheime zorg over het budget van de wethouder"
MANAGER = "bbbbbbbb-0000-4000-8000-000000000001"
MEMBER = "aaaaaaaa-0000-4000-8000-000000000001"
CHANNEL = "19:general-wijk@thread.tacv2"


async def _post(server: ServeProcess, activity: dict[str, Any], **headers: str) -> tuple[int, Any]:
    url = f"{server.url}/api/messages"
    async with ClientSession() as http, http.post(url, json=activity, headers=headers) as r:
        text = await r.text()
        return r.status, json.loads(text) if text else None


async def test_serve_with_teams_alone_runs_the_round_trip_and_export_shows_the_answers(
    tmp_path: Path, specs_dir: Path
) -> None:
    db = tmp_path / "bot.db"
    async with FakeBotConnector(specs_dir) as connector:
        manager = connector.add_person(MANAGER, "Mira Manager")
        member = connector.add_person(MEMBER, "Lid 1")
        connector.add_conversation(CHANNEL, [MANAGER, MEMBER])
        act = TeamsActivities(connector.base_url)
        env = {
            "REFLECTIEBOT_ENV": "test",
            "REFLECTIEBOT_TEAMS_ANONYMOUS": "true",
            "REFLECTIEBOT_DB": str(db),
            "REFLECTIEBOT_ADMINS": f"teams:{MANAGER}",
            "REFLECTIEBOT_LOG_LEVEL": "DEBUG",
        }
        async with ServeProcess(env) as server:
            assert "teams" in server.output
            assert (await _post(server, act.installed(CHANNEL, manager)))[0] == 202
            await connector.wait_for(lambda: connector.posts_to(CHANNEL))
            assert (await _post(server, act.message("start", manager, CHANNEL)))[0] == 202
            card_post = await connector.wait_for(
                lambda: next(
                    (p for p in connector.posts_to(CHANNEL) if p.card and p.card.get("refresh")),
                    None,
                )
            )
            card = card_post.card
            status, body = await _post(
                server,
                act.execute(
                    "reflectie.answer", fill(card, text=ANSWER), member, CHANNEL, card_post.id
                ),
            )
            assert status == 200 and "opgeslagen" in json.dumps(body)
            forged = act.message("stop ja", manager, CHANNEL)
            assert (await _post(server, forged, Authorization="Bearer forged.token.here"))[0] == 401
            async with ClientSession() as http, http.get(f"{server.url}/healthz") as health:
                assert "teams" in await health.text()
            server.terminate()
            assert await server.wait() == 0, server.output
        assert connector.violations == []
        logs = server.output
        assert ANSWER not in logs and "Traceback" not in logs
        assert "Bearer" not in logs and "forged.token" not in logs

    proc = await asyncio.create_subprocess_exec(
        str(SERVE),
        "export",
        "--db",
        str(db),
        # One answer in an anonymous team is below the threshold: only the administrator's
        # audited --raw export shows it (issue 14).
        "--raw",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env={"PATH": "/usr/bin:/bin", "HOME": "/tmp"},
    )
    out, err = await proc.communicate()
    assert proc.returncode == 0, err.decode()
    rows = json.loads(out)
    assert any(r.get("value") == ANSWER for r in rows), "the export shows the Teams answers"

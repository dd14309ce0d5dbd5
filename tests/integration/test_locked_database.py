"""Another process holds the database's write lock: answers are refused clearly, never lost.

The core runs as ``reflectiebot serve`` runs it, on worker threads over a file, behind the real
slack-bolt adapter. A second process takes SQLite's write lock (``BEGIN IMMEDIATE``) and keeps
it until the test lets go, longer than any busy timeout involved.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from adapters.server import build_server
from adapters.slack.app import SlackAdapter
from bot.clock import ManualClock
from bot.core import Core
from bot.interactions import Interactions
from bot.rounds.service import RoundService
from bot.settings import Settings
from bot.storage.store import open_store
from bot.storage.workers import Workers
from prompts.library import load_library
from scheduler.jobs import Runner
from tests.fakes.locker import Locker
from tests.fakes.slack_api import FakeSlackWebAPI
from tests.fakes.slack_requests import SignedRequest, SlackRequests
from tests.fakes.specs import specs_dir_fixture  # noqa: F401

SECRET = "lock-secret"


@dataclass
class Served:
    api: FakeSlackWebAPI
    http: TestClient[Any, Any]
    adapter: SlackAdapter
    core: Core
    rounds: RoundService
    req: SlackRequests
    db: Path

    async def post(self, request: SignedRequest) -> Any:
        return await self.http.post(
            "/slack/events", data=request.body.encode(), headers=request.headers
        )

    async def read(self, fn: Any) -> Any:
        return await self.core.run(fn)


@pytest.fixture
async def served(tmp_path: Path, specs_dir: Path) -> AsyncIterator[Served]:
    db = tmp_path / "locked.db"
    async with FakeSlackWebAPI(specs_dir) as api:
        for user in ("U1", "U2", "UMGR"):
            api.add_user(user, user)
        api.add_channel("C1", ["U1", "U2", "UMGR"])
        store = open_store(db)
        store.close_this_thread()
        workers = Workers(store, busy_ms=300)
        adapter = SlackAdapter(
            bot_token="xoxb-test", signing_secret=SECRET, base_url=api.base_url, pace=0
        )
        clock = ManualClock(datetime(2027, 1, 11, 8, 0, tzinfo=UTC))
        core = Core(
            store,
            load_library(),
            Settings(env="test", admins="slack:UMGR"),
            clock,
            ports={"slack": adapter},
            db=workers,
        )
        rounds = RoundService(core)
        app = build_server([adapter], Interactions(core, rounds))
        async with TestClient(TestServer(app, host="127.0.0.1", port=0)) as http:
            yield Served(
                api,
                http,
                adapter,
                core,
                rounds,
                SlackRequests(SECRET, respond_base=f"http://127.0.0.1:{api.port}/respond/"),
                db,
            )
        workers.close()


async def _open_form(s: Served) -> dict[str, Any]:
    assert (await s.post(s.req.command("start", user_id="UMGR", channel_id="C1"))).status == 200
    await s.adapter.drain()
    [post] = s.api.posts_to("C1")
    round_id = json.dumps(post.blocks).split('"value": "')[1].split('"')[0]
    await s.post(s.req.button(round_id, user_id="U1", channel_id="C1"))
    return dict((await s.api.wait_for_call("views.open")).args["view"])


def _answers(view: dict[str, Any]) -> dict[str, str]:
    return {
        b["block_id"].removeprefix("q:"): (
            "Open en eerlijk"
            if b["element"]["type"] == "plain_text_input"
            else b["element"]["options"][0]["value"]
        )
        for b in view["blocks"]
        if b["type"] == "input"
    }


async def test_a_submission_while_locked_keeps_the_form_open_and_health_stays_fast(
    served: Served,
) -> None:
    view = await _open_form(served)
    async with Locker(served.db) as lock:
        submitting = asyncio.create_task(
            served.post(served.req.view_submission(view, _answers(view), user_id="U1"))
        )
        health = await served.http.get("/healthz")  # the loop is free while a write waits
        assert health.status == 200 and not submitting.done()
        response = await asyncio.wait_for(submitting, 5)
        assert lock.holding, "answered before the other process let go"
        assert response.status == 200
        body = await response.json()
        assert body["response_action"] == "errors"
        assert "NIET opgeslagen" in next(iter(body["errors"].values()))
    responses = await served.read(
        lambda: served.core.store.db.execute("SELECT COUNT(*) FROM response").fetchone()[0]
    )
    assert responses == 0, "refused while locked: nothing stored"
    again = await served.post(served.req.view_submission(view, _answers(view), user_id="U1"))
    saved = json.loads(await again.text())
    assert again.status == 200 and saved["response_action"] == "update", "saved once unlocked"
    assert await served.read(
        lambda: served.core.store.db.execute("SELECT COUNT(*) FROM response").fetchone()[0]
    ) == len(_answers(view))


async def test_a_command_while_locked_is_acknowledged_then_told_busy_and_changes_nothing(
    served: Served,
) -> None:
    await _open_form(served)
    async with Locker(served.db) as lock:
        response = await served.post(
            served.req.command("instellingen dagen 4", user_id="UMGR", channel_id="C1")
        )
        assert response.status == 200 and lock.holding
        await served.api.wait_until(lambda: bool(served.api.responses), timeout=10)
        assert "bezet" in json.dumps(served.api.responses[-1])
    team = await served.read(
        lambda: served.core.store.directory.team_by_conversation("slack", "C1")
    )
    assert team.open_days == 5


async def test_a_scheduler_tick_while_locked_fails_softly_and_the_next_one_does_the_work(
    served: Served,
) -> None:
    await _open_form(served)
    rnd = await served.read(
        lambda: served.core.store.rounds.rounds_of(
            served.core.store.directory.team_by_conversation("slack", "C1").id
        )[0]
    )
    served.core.clock.set(rnd.closes_at)  # type: ignore[attr-defined]
    runner = Runner(served.core.clock, served.rounds)
    async with Locker(served.db):
        assert await runner.tick() is None  # logged, not raised: the loop survives
    report = await runner.tick()
    assert report is not None and report.closed == [rnd.id]

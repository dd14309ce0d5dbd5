"""Acknowledgement times while another process holds the database's write lock.

Run with ``python -m bench.locked``. The core runs on worker threads over a file, behind the
real slack-bolt adapter; a second process holds ``BEGIN IMMEDIATE`` for the whole run. Slack
shows an error after 3 s, so every acknowledgement must come well inside that.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from aiohttp.test_utils import TestClient, TestServer

from adapters.server import build_server
from adapters.slack.app import SlackAdapter
from bench._report import Goal, Row
from bot.clock import ManualClock
from bot.core import Core
from bot.interactions import Interactions
from bot.rounds.service import RoundService
from bot.settings import Settings
from bot.storage.store import open_store
from bot.storage.workers import Workers
from prompts.library import load_library
from tests.fakes.locker import Locker
from tests.fakes.slack_api import FakeSlackWebAPI
from tests.fakes.slack_requests import SlackRequests
from tests.fakes.slack_world import answers_for
from tests.fakes.specs import find_specs_dir

SECRET = "bench-secret"
SAMPLES = 10
SLACK_LIMIT_MS = 3000


async def run() -> tuple[list[tuple[str, str, str, str]], dict[str, float]]:
    """Measure command, submission and /healthz answers under a held write lock."""
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "locked.db"
        async with FakeSlackWebAPI(find_specs_dir()) as api:
            for user in ("U1", "UMGR"):
                api.add_user(user, user)
            api.add_channel("C1", ["U1", "UMGR"])
            store = open_store(db)
            store.close_this_thread()
            workers = Workers(store)
            adapter = SlackAdapter(
                bot_token="xoxb-test", signing_secret=SECRET, base_url=api.base_url, pace=0
            )
            core = Core(
                store,
                load_library(),
                Settings(env="test", admins="slack:UMGR"),
                ManualClock(datetime(2027, 1, 11, 8, 0, tzinfo=UTC)),
                ports={"slack": adapter},
                db=workers,
            )
            app = build_server([adapter], Interactions(core, RoundService(core)))
            req = SlackRequests(SECRET, respond_base=f"http://127.0.0.1:{api.port}/respond/")
            async with TestClient(TestServer(app, host="127.0.0.1", port=0)) as http:

                async def post(request: object) -> float:
                    started = time.perf_counter()
                    response = await http.post(
                        "/slack/events",
                        data=request.body.encode(),  # type: ignore[attr-defined]
                        headers=request.headers,  # type: ignore[attr-defined]
                    )
                    await response.read()
                    return (time.perf_counter() - started) * 1000

                await post(req.command("start", user_id="UMGR", channel_id="C1"))
                await adapter.drain()
                [message] = api.posts_to("C1")
                round_id = json.dumps(message.blocks).split('"value": "')[1].split('"')[0]
                await post(req.button(round_id, user_id="U1", channel_id="C1"))
                view = dict((await api.wait_for_call("views.open")).args["view"])
                locker = await Locker(db).__aenter__()
                samples: dict[str, list[float]] = {"command": [], "submission": [], "healthz": []}
                for _ in range(SAMPLES):
                    command = req.command("instellingen dagen 4", user_id="UMGR", channel_id="C1")
                    samples["command"].append(await post(command))
                    submit = req.view_submission(view, answers_for(view), user_id="U1")
                    waiting = asyncio.create_task(post(submit))
                    started = time.perf_counter()
                    await http.get("/healthz")
                    samples["healthz"].append((time.perf_counter() - started) * 1000)
                    samples["submission"].append(await waiting)
                await locker.release()
                await adapter.drain()
            workers.close()
    table = [
        (
            name,
            f"{statistics.median(values):.0f} ms",
            f"{max(values):.0f} ms",
            f"{SLACK_LIMIT_MS} ms",
        )
        for name, values in samples.items()
    ]
    return table, {name: max(values) for name, values in samples.items()}


async def main() -> list[Row]:
    """Print the table and return the report's rows."""
    rows, worst = await run()
    print(f"answers while another process holds the write lock ({SAMPLES} samples each)")
    print("| request | median | longest | Slack's limit |")
    print("|---------|--------|---------|---------------|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    return [
        Row(f"longest ack, {name}, write lock held by another process", ms, "ms",
            float(SLACK_LIMIT_MS), "Slack's limit", Goal("<=", 0.75))
        for name, ms in worst.items()
    ]  # fmt: skip


if __name__ == "__main__":
    asyncio.run(main())

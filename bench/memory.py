"""Resident memory of ``reflectiebot serve`` with 10,000 planned teams, next to bare slack-bolt.

Run with ``python -m bench.memory``. Both are real processes on loopback ports; the figure is
``VmRSS`` from /proc once the server answers /healthz and its scheduler has ticked.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import textwrap
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from aiohttp import ClientSession

from adapters.console import ConsoleAdapter
from bench._report import Goal, Row
from bot.clock import ManualClock
from bot.messages import ConversationRef
from bot.settings import Settings
from tests.fakes.serve_process import ServeProcess, free_port
from tests.fakes.slack_api import FakeSlackWebAPI
from tests.fakes.specs import find_specs_dir
from tests.harness import make_bot

NOW = datetime(2027, 1, 4, 6, 0, tzinfo=UTC)
# A small container's memory limit: one instance must fit with room to spare.
LIMIT_MB = 256.0

BARE_BOLT = textwrap.dedent(
    """
    import sys
    from aiohttp import web
    from slack_bolt.async_app import AsyncApp
    from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request

    from slack_sdk.web.async_client import AsyncWebClient

    bolt = AsyncApp(
        signing_secret="s",
        client=AsyncWebClient(token="xoxb-bench", base_url="http://127.0.0.1:9/"),
        process_before_response=True,
    )

    @bolt.command("/reflectie")
    async def command(ack):
        await ack()

    async def events(request):
        return await to_aiohttp_response(await bolt.async_dispatch(await to_bolt_request(request)))

    async def healthz(request):
        return web.json_response({"ok": True})

    app = web.Application()
    app.router.add_post("/slack/events", events)
    app.router.add_get("/healthz", healthz)
    print("listening", flush=True)
    web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None)
    """
)


def build(path: Path, teams: int) -> None:
    """Create ``teams`` Slack teams with a planned timeline each, in one transaction."""
    ports = {"console": ConsoleAdapter()}
    lc = make_bot(path, Settings(db=path, env="test"), ManualClock(NOW), ports)
    with lc.store.atomic():
        lc.store.directory.ensure_programme("bench", "Benchmark")
        for i in range(teams):
            ref = ConversationRef(platform="slack", external_id=f"C{i:06d}", name=f"team{i}")
            conv = lc.store.directory.upsert_conversation(ref)
            lc.store.directory.create_team(f"t{i}", f"Team {i}", "bench", conv, "slack", NOW)
            start = date(2027, 1, 4) + timedelta(days=i % 200)
            lc.plan(f"t{i}", start, [start + timedelta(weeks=8)], start + timedelta(weeks=20), NOW)
    lc.store.close()


def rss_mb(pid: int) -> float:
    """The resident set size of process ``pid`` in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for {pid}")


async def bare_bolt_rss() -> float:
    """Start a bare slack-bolt aiohttp app, wait until it answers, return its RSS."""
    port = free_port()
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", BARE_BOLT, str(port), stdout=asyncio.subprocess.PIPE
    )
    try:
        assert proc.stdout is not None
        await proc.stdout.readline()
        async with ClientSession() as http:
            for _ in range(200):
                try:
                    async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
                        if response.status == 200:
                            break
                except OSError:
                    await asyncio.sleep(0.05)  # bench only: the process is still binding
        return rss_mb(proc.pid)
    finally:
        if proc.returncode is None:
            proc.kill()
        await proc.wait()


async def serve_rss(db: Path) -> float:
    """Start ``reflectiebot serve`` over ``db`` (fake Slack); return its RSS when healthy."""
    async with FakeSlackWebAPI(find_specs_dir()) as api:
        env = {
            "REFLECTIEBOT_ENV": "test",
            "REFLECTIEBOT_DB": str(db),
            "REFLECTIEBOT_ADMINS": "slack:UMGR",
            "SLACK_API_BASE_URL": api.base_url,
            "SLACK_SIGNING_SECRET": "bench-secret",
        }
        async with ServeProcess(env, timeout=120) as server, ClientSession() as http:
            async with http.get(f"{server.url}/healthz") as response:
                await response.read()
            return rss_mb(server.pid)


async def run(teams: int) -> list[Row]:
    """Measure both processes and return the report's row."""
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        build(db, teams)
        ours = await serve_rss(db)
        bare = await bare_bolt_rss()
    print(f"| process | RSS |\n|---|---|\n| reflectiebot serve, {teams:,} teams | {ours:.0f} MB |")
    print(f"| bare slack-bolt app | {bare:.0f} MB |")
    return [
        Row(f"RSS of serve with {teams:,} teams", ours, "MB", bare, "bare slack-bolt",
            Goal("<=", LIMIT_MB, "value"))
    ]  # fmt: skip


def main(argv: list[str] | None = None) -> list[Row]:
    """Entry point of ``python -m bench.memory``."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--teams", type=int, default=10_000)
    args = parser.parse_args(argv)
    return asyncio.run(run(args.teams))


if __name__ == "__main__":
    main()

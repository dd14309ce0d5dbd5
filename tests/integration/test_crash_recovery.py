"""SIGKILL in the middle of a programme-wide round, then a restart: every channel gets it.

Real processes: ``reflectiebot serve`` against a fake Slack Web API on a loopback port. The
fake kills the server the moment it holds the k-th post, before it answers, so the bot dies
exactly where the outcome of a post is unknown to it.
"""

from __future__ import annotations

import os
import re
import signal
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.messages import Actor, ConversationRef
from bot.storage.store import open_store
from tests.fakes.serve_process import ServeProcess
from tests.fakes.slack_api import FakeSlackWebAPI, Message
from tests.fakes.slack_requests import SlackRequests
from tests.fakes.specs import specs_dir_fixture  # noqa: F401

SECRET = "crash-secret"
CHANNELS = 300
MEMBERS = ["U1", "U2", "U3"]
# Kill points: the first post, a few in the middle, and near the end (out of 300).
KILL_AT = (1, 97, 211, 299)
RECOVERED = re.compile(r"recovered (\d+) deliveries in flight: (\d+) found, (\d+) to send again")


def _seed(db: Path) -> None:
    store = open_store(db)
    store.directory.ensure_programme("prog", "Programma")
    with store.atomic():
        for i in range(CHANNELS):
            ref = ConversationRef(platform="slack", external_id=f"C{i:05d}", name=f"team-{i}")
            conv = store.directory.upsert_conversation(ref)
            now = datetime.now(UTC)
            store.directory.create_team(f"team-{i}", f"Team {i}", "prog", conv, "slack", now)
            # Rosters known (from join events or an earlier round): the bot paces Slack's
            # tiers for real here, and 300 roster reads would take three of Slack's minutes.
            store.people.sync_roster(
                f"team-{i}", [Actor(platform="slack", user_id=u) for u in MEMBERS]
            )
            store.directory.roster_synced(f"team-{i}", now)
    store.close()


async def _crash_and_restart(
    specs_dir: Path, db: Path, kill_at: int, history_scope: bool
) -> tuple[dict[str, int], int, set[str]]:
    async with FakeSlackWebAPI(specs_dir, token=None) as api:
        api.history_scope = history_scope
        for user in [*MEMBERS, "UMGR"]:
            api.add_user(user, f"naam-{user}")
        for i in range(CHANNELS):
            api.add_channel(f"C{i:05d}", MEMBERS)
        env = {
            "REFLECTIEBOT_ENV": "test",
            "REFLECTIEBOT_DB": str(db),
            "REFLECTIEBOT_ADMINS": "slack:UMGR",
            "SLACK_API_BASE_URL": api.base_url,
            "SLACK_SIGNING_SECRET": SECRET,
        }
        req = SlackRequests(SECRET)
        async with ServeProcess(env) as first:
            posts = 0

            def kill_on_post(msg: Message) -> None:
                nonlocal posts
                posts += 1
                if posts == kill_at:
                    os.kill(first.pid, signal.SIGKILL)

            api.on_post = kill_on_post
            start = req.command("start programma", user_id="UMGR", channel_id="C00000")
            assert (await first.post(start))[0] == 200
            assert await first.wait() == -signal.SIGKILL
        api.on_post = None
        async with ServeProcess(env) as second:
            await api.wait_until(lambda: len(api.top_posts()) == CHANNELS)
            second.terminate()
            assert await second.wait() == 0, second.output
        requeued = sum(int(m.group(3)) for m in RECOVERED.finditer(second.output))
        titles = {
            m.text.split("·")[0].strip() for m in api.messages.values() if m.thread_ts is None
        }
        return api.top_posts(), requeued, titles


@pytest.mark.parametrize("history_scope", [True, False], ids=["with-history", "no-history"])
async def test_sigkill_during_a_programme_round_loses_no_channel(
    tmp_path: Path, specs_dir: Path, history_scope: bool
) -> None:
    duplicates_seen = 0
    for kill_at in KILL_AT:
        db = tmp_path / f"kill-{kill_at}.db"
        _seed(db)
        top, requeued, titles = await _crash_and_restart(specs_dir, db, kill_at, history_scope)
        assert len(top) == CHANNELS, f"killed at post {kill_at}: a channel got no round"
        duplicates = sum(n - 1 for n in top.values())
        # A duplicate is possible only for a post whose outcome was unknown at the kill, and
        # only where Slack cannot tell (no history scope); with it, none at all.
        assert duplicates <= requeued
        if history_scope:
            assert duplicates == 0
        assert len(titles) == 1, "every team got the same round the batch recorded"
        duplicates_seen += duplicates
        print(f"killed at post {kill_at}: {requeued} sent again, {duplicates} duplicates")
    print(f"kills {len(KILL_AT)}, channels {CHANNELS * len(KILL_AT)}, dups {duplicates_seen}")

"""`reflectiebot serve` as a process: SIGTERM mid-work loses nothing; logs hold no payloads."""

from __future__ import annotations

import json
from pathlib import Path

from tests.fakes.serve_process import ServeProcess
from tests.fakes.slack_api import FakeSlackWebAPI
from tests.fakes.slack_requests import SlackRequests
from tests.fakes.specs import specs_dir_fixture  # noqa: F401

SECRET = "process-secret"
ANSWER = "Onze geheime zorg over het budget van de wethouder"


def _env(api: FakeSlackWebAPI, db: Path, **extra: str) -> dict[str, str]:
    return {
        "REFLECTIEBOT_ENV": "test",
        "REFLECTIEBOT_DB": str(db),
        "REFLECTIEBOT_ADMINS": "slack:UMGR",
        "SLACK_API_BASE_URL": api.base_url,
        "SLACK_SIGNING_SECRET": SECRET,
        **extra,
    }


def _workspace(api: FakeSlackWebAPI) -> None:
    for user in ("U1", "U2", "UMGR"):
        api.add_user(user, f"naam-{user}")
    api.add_channel("C1", ["U1", "U2", "UMGR"])


async def test_sigterm_during_a_slow_start_finishes_the_post_before_the_database_closes(
    tmp_path: Path, specs_dir: Path
) -> None:
    async with FakeSlackWebAPI(specs_dir, token=None) as api:
        _workspace(api)
        members = api.hold("conversations.members")  # the roster call before the post hangs
        req = SlackRequests(SECRET)
        async with ServeProcess(_env(api, tmp_path / "bot.db")) as server:
            status, _ = await server.post(req.command("start", user_id="UMGR", channel_id="C1"))
            assert status == 200
            await members.arrived.wait()
            server.terminate()
            await server.wait_for_line("shutting down")
            members.release()  # Slack answers only once the process is stopping
            assert await server.wait() == 0, server.output
        assert len(api.posts_to("C1")) == 1, "the round's post was not lost"
        assert "closed database" not in server.output
        assert "Traceback" not in server.output


async def test_logs_at_debug_hold_no_answer_text_request_body_or_traceback(
    tmp_path: Path, specs_dir: Path
) -> None:
    async with FakeSlackWebAPI(specs_dir, token=None) as api:
        _workspace(api)
        req = SlackRequests(SECRET)
        env = _env(api, tmp_path / "bot.db", REFLECTIEBOT_LOG_LEVEL="DEBUG")
        async with ServeProcess(env) as server:
            assert (await server.post(req.command("start", user_id="UMGR", channel_id="C1")))[0]
            await api.wait_for_call("chat.postMessage")  # the round's post went out
            [post] = api.posts_to("C1")
            round_id = json.dumps(post.blocks).split('"value": "')[1].split('"')[0]
            await server.post(req.button(round_id, user_id="U1", channel_id="C1"))
            view = dict((await api.wait_for_call("views.open")).args["view"])
            answers = {
                block["block_id"].removeprefix("q:"): (
                    ANSWER
                    if block["element"]["type"] == "plain_text_input"
                    else block["element"]["options"][0]["value"]
                )
                for block in view["blocks"]
                if block["type"] == "input"
            }
            submission = req.view_submission(view, answers, user_id="U2")
            forged = req.sign(
                submission.body, submission.headers["Content-Type"], secret="not-the-secret"
            )
            assert (await server.post(forged))[0] == 401
            assert (await server.post(submission))[0] == 200
            # A signed request the listeners cannot read (no user id): an error, not a trace.
            form = "application/x-www-form-urlencoded"
            broken = req.sign("command=%2Freflectie&text=status", form)
            await server.post(broken)
            server.terminate()
            assert await server.wait() == 0
        logs = server.output
        assert " DEBUG " in logs and " INFO bot." in logs, "our logging set-up is installed"
        assert ANSWER not in logs
        assert "Traceback" not in logs
        assert "body" not in logs.lower(), "no request body, not even its name"

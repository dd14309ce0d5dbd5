"""A whole round on every platform, logging at DEBUG: no answer, free text or secret in a line.

Each platform is one ``RoundOnPlatform`` case: add Teams by writing its runner next to
``_slack_round`` and one more entry in ``PLATFORMS``.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.logs import setup_logging
from tests.fakes.slack_world import SECRET, answers_for, slack_world
from tests.fakes.specs import specs_dir_fixture  # noqa: F401

ANSWER = "Karel van Financien zit ons structureel dwars"
FREE_COMMAND_TEXT = "Geheimwoordje-Zeven"


@dataclass
class Seen:
    """What a run put into the world, so the scan is known not to be vacuous."""

    delivered: str
    """Every message the platform received, as text (the digest with the answer in it)."""
    secrets: list[str]
    """The credentials the run used."""


async def _slack_round(specs_dir: Path) -> Seen:
    async with slack_world(specs_dir) as slack:
        lc = slack.lc
        await slack.command("start")
        rnd = slack.open_round()
        await slack.command("rol coach <@UCOACH|coach>")
        await slack.command(f"instellingen anonimiteit {FREE_COMMAND_TEXT}")
        await slack.command(f"start thema {FREE_COMMAND_TEXT}")
        await slack.command(FREE_COMMAND_TEXT)
        for user in ("U1", "U2", "U3", "U4"):
            await slack.send(slack.req.button(rnd.id, user_id=user, channel_id="C1"))
            view = slack.last_view()
            status, _ = await slack.send(
                slack.req.view_submission(view, answers_for(view, ANSWER), user_id=user)
            )
            assert status == 200
        # A forged submission carries the answer text in its body; slack-bolt logs such a
        # body at INFO when it refuses it.
        forged = slack.req.forged(
            slack.req.view_submission(view, answers_for(view, ANSWER), user_id="U5")
        )
        status, _ = await slack.send(forged)
        assert status == 401
        await slack.command("mijn gegevens", user="U1")
        slack.clock.set(rnd.closes_at)
        await lc.reconcile(slack.clock.now())
        delivered = json.dumps([m.blocks for m in slack.api.messages.values()], ensure_ascii=False)
        return Seen(delivered, [SECRET, "xoxb-test"])


PLATFORMS: dict[str, Callable[[Path], Awaitable[Seen]]] = {"slack": _slack_round}


@asynccontextmanager
async def _logging_to(stream: io.StringIO) -> AsyncIterator[None]:
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    setup_logging("DEBUG", "json", stream)
    try:
        yield
    finally:
        root.handlers[:], root.level = saved


def _lines(stream: io.StringIO) -> Iterator[str]:
    return iter(stream.getvalue().splitlines())


@pytest.mark.parametrize("platform", sorted(PLATFORMS))
async def test_a_whole_round_logged_at_debug_never_shows_answers_free_text_or_secrets(
    platform: str, specs_dir: Path
) -> None:
    stream = io.StringIO()
    async with _logging_to(stream):
        seen = await PLATFORMS[platform](specs_dir)
    # The answer really travelled (the coach's digest carries it), so the scan means something.
    assert ANSWER in seen.delivered
    lines = list(_lines(stream))
    assert any("command" in line for line in lines), "the run logged its commands"
    for line in lines:
        record = json.loads(line)  # REFLECTIEBOT_LOG_FORMAT=json: every line is one object
        assert set(record) == {"time", "level", "logger", "message"}
        for forbidden in [ANSWER, FREE_COMMAND_TEXT, *seen.secrets]:
            assert forbidden not in line, f"{forbidden!r} leaked into: {line}"
        assert "Karel" not in line and "naam-U1" not in line


def test_json_lines_hold_only_the_filtered_message() -> None:
    stream = io.StringIO()
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    try:
        setup_logging("INFO", "json", stream)
        logging.getLogger("slack_bolt.App").warning("bad request: %s", {"text": ANSWER})
        logging.getLogger("bot.rounds").info("token %s", "xoxb-123-abc")
    finally:
        root.handlers[:], root.level = saved
    [sdk, own] = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert sdk["logger"] == "slack_bolt.App" and ANSWER not in sdk["message"]
    assert own["message"] == "token [redacted]" and own["level"] == "INFO"

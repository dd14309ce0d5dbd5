"""Pure Slack payload mapping: commands, mentions, buttons, submissions, events, splitting."""

from __future__ import annotations

import json
from urllib.parse import parse_qsl

from adapters.pacing import Pacer
from adapters.slack import translate as tr
from bot.backoff import Backoff
from bot.messages import MemberJoined, Rendered
from tests.fakes.slack_requests import SlackRequests

REQ = SlackRequests("secret")


def form(request_body: str) -> dict[str, str]:
    return dict(parse_qsl(request_body))


def test_command_with_mentions() -> None:
    body = form(
        REQ.command(
            "rol coach <@U1AB|anna> <@W22>", user_id="U9", channel_id="C1", channel_name="wijkteam"
        ).body
    )
    event = tr.command_to_inbound(body)
    assert event.text == "rol coach @U1AB @W22"
    assert set(event.mentions) == {"U1AB", "W22"}
    assert event.mentions["U1AB"].display_name == "anna"
    assert (event.actor.platform, event.actor.user_id) == ("slack", "U9")
    assert (event.conversation.external_id, event.conversation.kind) == ("C1", "channel")
    dm = tr.command_to_inbound({**body, "channel_id": "D1", "channel_name": "directmessage"})
    assert dm.conversation.kind == "personal"


def test_button_and_submission() -> None:
    press = json.loads(form(REQ.button(42, user_id="U1", channel_id="C1").body)["payload"])
    assert tr.action_to_inbound(press).round_id == 42  # type: ignore[union-attr]
    press["actions"][0]["value"] = "DROP TABLE"
    assert tr.action_to_inbound(press) is None
    view = {
        "type": "modal",
        "private_metadata": "42.0123456789abcdef0123456789abcdef",
        "blocks": [
            {
                "type": "input",
                "block_id": "q:a.scale",
                "element": {
                    "type": "radio_buttons",
                    "action_id": "answer",
                    "options": [{"text": {"type": "plain_text", "text": "4"}, "value": "4"}],
                },
            },
            {
                "type": "input",
                "block_id": "q:a.text",
                "element": {"type": "plain_text_input", "action_id": "answer"},
            },
            {
                "type": "input",
                "block_id": "q:a.empty",
                "element": {"type": "plain_text_input", "action_id": "answer"},
            },
        ],
    }
    body = json.loads(
        form(REQ.view_submission(view, {"a.scale": "4", "a.text": " hoi "}, user_id="U1").body)[
            "payload"
        ]
    )
    answers = tr.view_to_inbound(body)
    assert answers is not None and answers.round_id == 42
    assert answers.answers == {"a.scale": "4", "a.text": " hoi "}
    # An input that comes back empty was emptied in the prefilled modal: an explicit clear.
    assert answers.cleared == ["a.empty"]
    assert tr.errors_to_slack({"a.text": "te lang"}) == {"q:a.text": "te lang"}


def test_events() -> None:
    joined = {"type": "member_joined_channel", "user": "UBOT", "channel": "C7", "inviter": "U1"}
    event = tr.joined_to_inbound(joined, "UBOT")
    assert event is not None and event.conversation.external_id == "C7"
    assert event.actor is not None and event.actor.user_id == "U1"
    someone = tr.joined_to_inbound({**joined, "user": "U2"}, "UBOT")
    assert isinstance(someone, MemberJoined), "another person joining is the core's to judge"
    assert someone.actor.user_id == "U2" and someone.conversation.external_id == "C7"
    assert tr.joined_to_inbound({**joined, "user": "U2"}, None) is None, "the bot unknown: ignore"
    assert tr.home_to_inbound({"user": "U1", "tab": "home"}).actor.user_id == "U1"  # type: ignore[union-attr]
    assert tr.home_to_inbound({"user": "U1", "tab": "messages"}) is None
    assert tr.event_key({"event_id": "Ev1"}) == "Ev1"
    assert tr.event_key({"trigger_id": "1.2"}) == "1.2"
    assert tr.event_key({}) is None


def test_split_sections_keeps_every_character_and_entities() -> None:
    text = ("a &amp; b " * 700)[:6990]
    parts = tr.split_sections(
        [{"type": "section", "block_id": "x", "text": {"type": "mrkdwn", "text": text}}]
    )
    assert len(parts) == 3
    assert "".join(p["text"]["text"] for p in parts) == text
    assert all(len(p["text"]["text"]) <= 3000 for p in parts)
    assert all(not p["text"]["text"].endswith(("&", "&a", "&am", "&amp")) for p in parts)
    assert [p.get("block_id") for p in parts] == ["x", None, None]
    unbroken = "x" * 7000
    assert (
        "".join(
            p["text"]["text"]
            for p in tr.split_sections(
                [{"type": "section", "text": {"type": "mrkdwn", "text": unbroken}}]
            )
        )
        == unbroken
    )


def test_message_chunks_respect_block_count() -> None:
    blocks = [{"type": "divider"} for _ in range(120)]
    chunks = tr.message_chunks(Rendered(surface="slack", text="t", payload={"blocks": blocks}))
    assert [len(c["blocks"]) for c in chunks] == [50, 50, 20]
    assert tr.message_chunks(Rendered(surface="slack", text="only text")) == [{"text": "only text"}]


async def test_pacer_spaces_one_channel_only() -> None:
    now = [100.0]
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    pacer = Pacer(1.0, sleep=sleep, monotonic=lambda: now[0])
    assert await pacer.wait("C1") == 0
    assert await pacer.wait("C2") == 0
    assert await pacer.wait("C1") == 1.0
    pacer.hold("C2", 5)
    assert await pacer.wait("C2") == 5
    assert slept == [1.0, 5]


def test_backoff_grows_with_jitter_and_honours_retry_after() -> None:
    import random

    backoff = Backoff(base=2, cap=20, rng=random.Random(1))
    delays = [backoff.delay(n) for n in range(6)]
    ceilings = [min(20, 2 * 2**n) for n in range(6)]
    assert all(c / 2 <= d <= c for c, d in zip(ceilings, delays, strict=True))
    assert backoff.delay(0, retry_after=30) == 30

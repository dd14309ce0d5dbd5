"""Slack: stopping a round asks first (a button), and editing in the modal keeps what it keeps."""

from __future__ import annotations

import json
from pathlib import Path

from bot.models import RoundStatus
from tests.fakes.block_kit import BlockKitChecker
from tests.fakes.slack_world import Slack, answers_for, slack_fixture  # noqa: F401
from tests.fakes.specs import specs_dir_fixture  # noqa: F401

CONFIRM = "reflectie.confirm"


def _confirm_button(ack: dict[str, object]) -> dict[str, object]:
    blocks = ack.get("blocks") or []
    assert isinstance(blocks, list)
    buttons = [
        e
        for b in blocks
        if b.get("type") == "actions"
        for e in b["elements"]
        if e.get("action_id") == CONFIRM
    ]
    assert len(buttons) == 1, blocks
    return buttons[0]


async def test_stop_asks_with_a_button_and_the_button_stops_the_round(
    slack: Slack, specs_dir: Path
) -> None:
    await slack.command("start")
    rnd = slack.open_round()
    ack = await slack.command("stop")
    assert ack["response_type"] == "ephemeral" and "Weet je het zeker?" in str(ack["text"])
    assert BlockKitChecker(specs_dir).message(ack) == []
    button = _confirm_button(ack)
    assert button["value"] == "stop ja"
    assert slack.lc.store.rounds.round(rnd.id).status is RoundStatus.OPEN  # type: ignore[union-attr]
    status, _ = await slack.send(
        slack.req.button(
            str(button["value"]),
            user_id="UMGR",
            channel_id="C1",
            action_id=CONFIRM,
            block_id="confirm",
        )
    )
    assert status == 200
    assert slack.lc.store.rounds.round(rnd.id).status is RoundStatus.CANCELLED  # type: ignore[union-attr]
    [answer] = [r for r in slack.api.responses if "gestopt" in json.dumps(r)]
    assert answer["replace_original"] is True  # the question becomes the outcome


async def test_a_confirm_button_pressed_by_someone_else_is_checked_again(slack: Slack) -> None:
    await slack.command("start")
    rnd = slack.open_round()
    await slack.send(slack.req.button("stop ja", user_id="U2", channel_id="C1", action_id=CONFIRM))
    assert slack.lc.store.rounds.round(rnd.id).status is RoundStatus.OPEN  # type: ignore[union-attr]
    assert any("Er is niets veranderd" in json.dumps(r) for r in slack.api.responses)


async def test_emptying_one_field_of_the_modal_clears_only_that_answer(slack: Slack) -> None:
    await slack.command("start")
    rnd = slack.open_round()
    await slack.send(slack.req.button(rnd.id, user_id="U1", channel_id="C1"))
    given = answers_for(slack.last_view())
    await slack.send(slack.req.view_submission(slack.last_view(), given, user_id="U1"))
    stored = {r["question_id"]: r["value"] for r in slack.lc.store.answers.responses(rnd.id)}
    assert stored == given
    # The modal opens prefilled; the person empties one text field and submits.
    await slack.send(slack.req.button(rnd.id, user_id="U1", channel_id="C1"))
    view = slack.last_view()
    text_id = next(
        b["block_id"].removeprefix("q:")
        for b in view["blocks"]
        if b["type"] == "input" and b["element"]["type"] == "plain_text_input"
    )
    kept = {qid: v for qid, v in given.items() if qid != text_id}
    await slack.send(slack.req.view_submission(view, kept, user_id="U1"))
    stored = {r["question_id"]: r["value"] for r in slack.lc.store.answers.responses(rnd.id)}
    assert stored == kept


async def test_my_data_and_forget_me_work_in_a_direct_message_with_the_confirm_button(
    slack: Slack, specs_dir: Path
) -> None:
    await slack.command("start")
    await slack.command("rol coach <@U1|u1>")
    mine = await slack.command("mijn gegevens", user="U1", channel="DU1")
    assert mine["response_type"] == "ephemeral" and "slack-id U1" in str(mine["text"])
    ack = await slack.command("vergeet mij", user="U1", channel="DU1")
    assert ack["response_type"] == "ephemeral" and BlockKitChecker(specs_dir).message(ack) == []
    button = _confirm_button(ack)
    assert button["value"] == "vergeet mij ja"
    assert slack.lc.store.people.member_by_user("slack", "U1") is not None, "asked, not done"
    status, _ = await slack.send(
        slack.req.button(
            str(button["value"]),
            user_id="U1",
            channel_id="DU1",
            action_id=CONFIRM,
            block_id="confirm",
        )
    )
    assert status == 200
    assert slack.lc.store.people.member_by_user("slack", "U1") is None
    [answer] = [r for r in slack.api.responses if "gewist" in json.dumps(r)]
    assert "niet opnieuw uit" in json.dumps(answer, ensure_ascii=False)

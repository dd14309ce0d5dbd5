"""Nobody where they do not belong, and every Slack request counted once, however often sent."""

from __future__ import annotations

import json
from typing import Any

from tests.fakes.slack_world import Slack, answers_for, slack_fixture  # noqa: F401
from tests.fakes.specs import specs_dir_fixture  # noqa: F401


async def _started(slack: Slack) -> tuple[int, dict[str, Any]]:
    """Start a round in C1 and open U1's form; return the round id and the form."""
    await slack.command("start")
    rnd = slack.open_round()
    await slack.send(slack.req.button(rnd.id, user_id="U1", channel_id="C1"))
    return rnd.id, slack.last_view()


async def test_a_member_of_another_channel_cannot_open_or_answer_this_round(
    slack: Slack,
) -> None:
    slack.api.add_user("UOTHER", "ander team")
    slack.api.add_channel("C9", ["UOTHER", "UMGR"])
    await slack.command("start", channel="C9")  # UOTHER is known: a member of team C9
    assert slack.lc.store.people.member_by_user("slack", "UOTHER") is not None
    round_id, view = await _started(slack)
    before = slack.snapshot()
    views = len(slack.api.of("views.open"))
    await slack.send(slack.req.button(round_id, user_id="UOTHER", channel_id="C9"))
    assert len(slack.api.of("views.open")) == views, "no form for an outsider"
    status, body = await slack.send(
        slack.req.view_submission(view, answers_for(view), user_id="UOTHER")
    )
    reply = json.loads(body)
    assert status == 200 and reply["response_action"] == "errors"
    assert "Alleen mensen in het kanaal" in json.dumps(reply)
    assert slack.snapshot() == before, "nothing stored, not even the outsider's name"
    assert "0 van 6" in json.dumps(slack.api.posts_to("C1")[0].blocks), "the count is not inflated"


async def test_a_forged_or_copied_form_id_is_refused(slack: Slack) -> None:
    round_id, view = await _started(slack)
    before = slack.snapshot()
    forged = {**view, "private_metadata": f"{round_id}." + "0" * 32}
    status, body = await slack.send(
        slack.req.view_submission(forged, answers_for(forged), user_id="U1")
    )
    assert status == 200 and "bestaat niet" in body
    for metadata in ("١." + "0" * 32, "", "12", "x.y", "-1.abc", "9" * 40 + ".a"):
        broken = {**view, "private_metadata": metadata}
        status, _ = await slack.send(
            slack.req.view_submission(broken, answers_for(view), user_id="U1")
        )
        assert status == 400, metadata
    assert slack.snapshot() == before


async def test_an_empty_or_odd_user_id_is_refused_before_anything_is_stored(
    slack: Slack,
) -> None:
    round_id, view = await _started(slack)
    before = slack.snapshot()
    for user_id in ("", " ", "U1 U2", "\\u0000", "x" * 300):
        status, _ = await slack.send(
            slack.req.view_submission(view, answers_for(view), user_id=user_id)
        )
        assert status == 400, repr(user_id)
        status, _ = await slack.send(slack.req.button(round_id, user_id=user_id, channel_id="C1"))
        assert status == 400, repr(user_id)
    assert slack.snapshot() == before


async def test_someone_who_joined_the_channel_after_the_round_opened_can_answer(
    slack: Slack,
) -> None:
    round_id, _ = await _started(slack)
    slack.api.add_user("ULATE", "later erbij")
    slack.api.channels["C1"].append("ULATE")
    await slack.send(slack.req.button(round_id, user_id="ULATE", channel_id="C1"))
    view = slack.last_view()
    status, body = await slack.send(
        slack.req.view_submission(view, answers_for(view), user_id="ULATE")
    )
    assert status == 200 and json.loads(body)["response_action"] == "update", "saved"
    assert slack.lc.store.answers.answered_count(round_id) == 1


async def test_every_kind_of_request_sent_four_times_counts_once(slack: Slack) -> None:
    start = slack.req.command("start", user_id="UMGR", channel_id="C1", channel_name="wijkteam")
    for _ in range(4):
        assert (await slack.send(start))[0] == 200
    [post] = slack.api.posts_to("C1")
    rnd = slack.open_round()
    button = slack.req.button(rnd.id, user_id="U1", channel_id="C1")
    for _ in range(4):
        assert (await slack.send(button))[0] == 200
    assert len(slack.api.of("views.open")) == 1
    view = slack.last_view()
    submit = slack.req.view_submission(view, answers_for(view), user_id="U1")
    acks = [await slack.send(submit) for _ in range(4)]
    assert all(status == 200 for status, _ in acks)
    assert slack.lc.store.answers.answered_count(rnd.id) == 1
    assert len(slack.lc.store.answers.responses(rnd.id)) == len(answers_for(view))
    assert json.loads(acks[0][1])["response_action"] == "update", "confirmed in the modal"
    assert not slack.api.posts_to("DU1"), "and not by direct message"
    home = {"type": "app_home_opened", "user": "U2", "channel": "DU2", "tab": "home"}
    joined = {"type": "member_joined_channel", "user": "UBOT", "channel": "C3", "inviter": "UMGR"}
    for event in (home, joined):
        first = slack.req.event(event, event_id=f"Ev-{event['type']}")
        for retry in range(4):
            again = slack.req.event(event, event_id=f"Ev-{event['type']}", retry_num=retry or None)
            assert (await slack.send(first if retry == 0 else again))[0] == 200
    assert len(slack.api.of("views.publish")) == 1
    assert len(slack.api.posts_to("C3")) == 1, "one welcome"
    assert len(slack.api.posts_to("C1")) == 1 and post.ts == rnd.message_id

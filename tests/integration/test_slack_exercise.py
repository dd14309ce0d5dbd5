"""An exercise and a newcomer through real slack-bolt against the fake Slack Web API (issue 16)."""

from __future__ import annotations

import json

from tests.fakes.slack_world import Slack, answers_for, slack_fixture  # noqa: F401
from tests.fakes.specs import specs_dir_fixture  # noqa: F401

VALUES = {"U1": "Op tijd beginnen", "U2": "Elkaar uitlaten praten", "U3": "Besluiten vastleggen"}


async def answer_all(slack: Slack, texts: dict[str, str]) -> None:
    """Each person presses the round's button and submits the modal with their own text."""
    rnd = slack.open_round()
    for user, text in texts.items():
        status, _ = await slack.send(slack.req.button(rnd.id, user_id=user, channel_id="C1"))
        assert status == 200
        view = slack.last_view()
        status, body = await slack.send(
            slack.req.view_submission(view, answers_for(view, text), user_id=user)
        )
        assert (status, body) == (200, "")


def reply_text(ack: dict[str, object]) -> str:
    return json.dumps(ack, ensure_ascii=False)


async def test_a_code_of_conduct_runs_in_slack_from_step_one_to_the_agreement(slack: Slack) -> None:
    api = slack.api
    await slack.command("start oefening gedragscode")
    await slack.command("rol coach <@UCOACH|coach>")
    first = slack.open_round()
    assert first.step == 1
    [post] = api.posts_to("C1")
    assert "Stap 1 van 3" in json.dumps(post.blocks, ensure_ascii=False)
    await answer_all(slack, VALUES)

    ack = await slack.command("volgende", user="UCOACH")
    assert "Stap 2 van 3" in reply_text(ack)
    second = [m for m in api.posts_to("C1") if m.ts != post.ts][-1]
    shown = json.dumps(second.blocks, ensure_ascii=False)
    assert all(text in shown for text in VALUES.values()), "step 2 shows what step 1 produced"
    assert "naam-U1" not in shown, "without names in an anonymous team"
    assert "reflectie.open_form" not in json.dumps(api.messages[("C1", post.ts)].blocks)

    await answer_all(slack, {u: "Hoe snel we gaan" for u in VALUES})
    await slack.command("next")
    same = "We vatten elk besluit samen"
    await answer_all(slack, {"U1": same, "U2": same, "U4": "We bellen bij ruzie"})
    ack = await slack.command("volgende")
    assert "afgerond" in reply_text(ack)

    shown = reply_text(await slack.command("afspraken", user="U5"))
    assert "We vatten elk besluit samen" in shown and "We bellen bij ruzie" in shown
    coach = [json.dumps(m.blocks, ensure_ascii=False) for m in api.posts_to("DUCOACH")]
    final = [d for d in coach if '"block_id": "agreements"' in d]
    assert final and "We vatten elk besluit samen" in final[-1], "the digest carries the agreement"


async def test_a_newcomer_in_slack_is_noted_and_the_manager_is_offered_a_round_once(
    slack: Slack,
) -> None:
    api = slack.api
    await slack.command("start")
    rnd = slack.open_round()
    slack.clock.set(rnd.closes_at)
    await slack.lc.reconcile(slack.clock.now())
    api.add_user("U9", "naam-U9")
    api.channels["C1"].append("U9")
    joined = {"type": "member_joined_channel", "user": "U9", "channel": "C1", "inviter": "UMGR"}
    before = len(api.posts_to("DUMGR"))
    for retry in (None, 1, 2):
        request = slack.req.event(joined, event_id="EvJoin9", retry_num=retry)
        assert (await slack.send(request))[0] == 200
    offers = api.posts_to("DUMGR")[before:]
    assert len(offers) == 1, "a redelivered event is one offer"
    assert "start hercontract" in offers[0].text
    assert len([m for m in api.posts_to("C1") if not m.thread_ts]) == 1, "silence in the channel"
    team = slack.lc.store.directory.team_by_conversation("slack", "C1")
    assert team is not None
    [event] = slack.lc.store.timeline.events_of(team.id)
    assert event.kind.value == "joined"

    await slack.command("start hercontract")
    assert slack.open_round().set_id == "hercontract"


async def test_a_task_change_in_slack_cannot_ping_the_channel_and_keeps_its_words(
    slack: Slack,
) -> None:
    await slack.command("start")
    rnd = slack.open_round()
    slack.clock.set(rnd.closes_at)
    await slack.lc.reconcile(slack.clock.now())
    ack = await slack.command("wijziging <!channel> de scope & planning, alles <b>anders</b>")
    assert "<!channel>" not in reply_text(ack)
    post = [m for m in slack.api.posts_to("C1") if not m.thread_ts][-1]
    shown = json.dumps(post.blocks, ensure_ascii=False)
    assert "&lt;!channel&gt; de scope &amp; planning, alles &lt;b&gt;anders&lt;/b&gt;" in shown
    assert "<!channel>" not in shown and "<b>" not in shown
    team = slack.lc.store.directory.team_by_conversation("slack", "C1")
    assert team is not None
    [event] = slack.lc.store.timeline.events_of(team.id)
    assert event.note == "<!channel> de scope & planning, alles <b>anders</b>", "stored as typed"

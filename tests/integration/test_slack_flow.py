"""The whole Slack round trip: real slack-bolt and the real core against the fake Web API."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta

from tests.fakes.slack_world import Slack, answers_for, slack_fixture  # noqa: F401
from tests.fakes.specs import specs_dir_fixture  # noqa: F401


async def test_round_trip_from_command_to_coach_digest(slack: Slack) -> None:
    api, lc = slack.api, slack.lc
    ack = await slack.command("start")
    assert ack.get("response_type") == "ephemeral"
    rnd = slack.open_round()
    [post] = api.posts_to("C1")
    assert rnd.message_id == post.ts
    assert f'"value": "{rnd.id}"' in json.dumps(post.blocks)
    await slack.command("rol coach <@UCOACH|coach>")
    assert lc.store.people.member_by_user("slack", "UCOACH") is not None
    assert lc.store.answers.round_member_count(rnd.id) == 6, "bots are not round members"

    status, body = await slack.send(slack.req.button(rnd.id, user_id="U1", channel_id="C1"))
    assert (status, body) == (200, "")
    view = slack.last_view()
    assert view["callback_id"] == "reflectie.answer_form"
    given = answers_for(view)
    status, body = await slack.send(slack.req.view_submission(view, given, user_id="U1"))
    assert status == 200
    saved = json.loads(body)
    assert saved["response_action"] == "update", "the confirmation replaces the form"
    assert saved["view"]["title"]["text"] == "Antwoorden opgeslagen"
    assert api.blocks.view(saved["view"]) == []
    assert lc.store.answers.answered_count(rnd.id) == 1
    assert len(lc.store.answers.responses(rnd.id)) == len(given)
    assert api.messages[("C1", post.ts)].updates == 1
    assert "1 van 6" in json.dumps(api.messages[("C1", post.ts)].blocks)
    assert not api.posts_to("DU1") and not api.of("conversations.open"), "no direct message"

    await slack.send(slack.req.button(rnd.id, user_id="U1", channel_id="C1"))
    again = slack.last_view()
    assert "initial_option" in json.dumps(again) and "Prima samenwerking" in json.dumps(again)

    status, body = await slack.send(
        slack.req.event({"type": "app_home_opened", "user": "U2", "channel": "DU2", "tab": "home"})
    )
    assert status == 200
    [home] = api.of("views.publish")
    assert home.args["user_id"] == "U2" and str(rnd.id) in json.dumps(home.args["view"])

    assert rnd.remind_at is not None
    slack.clock.set(rnd.remind_at)
    await lc.reconcile(slack.clock.now())
    reminded = {
        m.channel
        for m in api.messages.values()
        if m.channel.startswith("D") and "reflectie.open_form" in json.dumps(m.blocks)
    }
    assert reminded == {"DU2", "DU3", "DU4", "DU5", "DUMGR"}

    slack.clock.set(rnd.closes_at)
    await lc.reconcile(slack.clock.now())
    closed = api.messages[("C1", post.ts)]
    assert closed.updates == 2 and "reflectie.open_form" not in json.dumps(closed.blocks)
    assert api.posts_to("DUCOACH"), "the coach gets the digest privately"
    assert len(api.posts_to("C1")) == 1, "by default the channel gets no digest"

    await slack.command("instellingen digest team")
    await slack.command("start")
    second = slack.open_round()
    slack.clock.set(second.closes_at)
    await lc.reconcile(slack.clock.now())
    [opened] = [m for m in api.posts_to("C1") if m.ts != post.ts and not m.thread_ts]
    thread = [m for m in api.posts_to("C1") if m.thread_ts == opened.ts]
    assert len(thread) == 1, "a team that chose so gets the digest in the round's thread"


async def test_forged_and_replayed_requests_are_refused(slack: Slack) -> None:
    start = slack.req.command("start", user_id="UMGR", channel_id="C1")
    for bad in (slack.req.forged(start), slack.req.replayed(start)):
        status, _ = await slack.send(bad)
        assert status == 401
    assert slack.api.calls == []
    assert slack.lc.store.directory.team_by_conversation("slack", "C1") is None


async def test_redeliveries_and_repeats_change_nothing(slack: Slack) -> None:
    joined = {
        "type": "member_joined_channel",
        "user": "UBOT",
        "channel": "C7",
        "channel_type": "C",
        "team": "T1",
        "inviter": "UMGR",
    }
    first = slack.req.event(joined, event_id="EvJOIN1")
    assert (await slack.send(first))[0] == 200
    assert len(slack.api.posts_to("C7")) == 1, "the welcome is posted once"
    retry = slack.req.event(joined, event_id="EvJOIN1", retry_num=1)
    assert await slack.send(retry) == (200, "")
    assert len(slack.api.posts_to("C7")) == 1

    start = slack.req.command("start", user_id="UMGR", channel_id="C1")
    await slack.send(start)
    rounds = slack.lc.store.rounds.rounds_of(slack.open_round().team_id)
    assert await slack.send(start) == (200, ""), "an identical request is answered empty"
    await slack.command("start")  # a second, new /reflectie start: refused by the core
    assert slack.lc.store.rounds.rounds_of(rounds[0].team_id) == rounds
    assert len(slack.api.posts_to("C1")) == 1
    # Slack never retries commands, so their ids cost the acknowledgement no database write;
    # only the event, which Slack does redeliver, is recorded to survive a restart.
    recorded = [r["event_id"] for r in slack.lc.store.db.query("SELECT * FROM inbound_event")]
    assert recorded == ["EvJOIN1"]


async def test_too_long_text_is_refused_in_the_modal(slack: Slack) -> None:
    await slack.command("start")
    rnd = slack.open_round()
    await slack.send(slack.req.button(rnd.id, user_id="U2", channel_id="C1"))
    view = slack.last_view()
    status, body = await slack.send(
        slack.req.view_submission(view, answers_for(view, "x" * 2001), user_id="U2")
    )
    reply = json.loads(body)
    assert status == 200 and reply["response_action"] == "errors"
    text_blocks = [
        b["block_id"]
        for b in view["blocks"]
        if b["type"] == "input" and b["element"]["type"] == "plain_text_input"
    ]
    assert set(reply["errors"]) == set(text_blocks) and text_blocks
    assert "2001" in next(iter(reply["errors"].values()))
    assert slack.lc.store.answers.answered_count(rnd.id) == 0
    assert slack.lc.store.answers.responses(rnd.id) == []


async def test_archived_channel_is_recorded_reported_and_not_retried(slack: Slack) -> None:
    slack.api.break_channel("C3", "is_archived")
    await slack.command("start", channel="C3")
    rnd = slack.open_round("C3")
    team = slack.lc.store.directory.team(rnd.team_id)
    assert team is not None and slack.lc.store.directory.conversation_gone(
        team.conversation_id or 0
    )
    attempts = [
        c for c in slack.api.calls if c.method == "chat.postMessage" and c.args["channel"] == "C3"
    ]
    assert len(attempts) == 1 and attempts[0].error == "is_archived"
    told = slack.api.posts_to("DUMGR")
    assert told, "the manager is told"
    assert "is_archived" in json.dumps(told[-1].blocks), "with the platform's reason"
    for hours in (1, 5, 30):
        slack.clock.set(datetime(2027, 1, 11, 8, tzinfo=UTC) + timedelta(hours=hours))
        await slack.lc.reconcile(slack.clock.now())
    assert (
        len(
            [
                c
                for c in slack.api.calls
                if c.method == "chat.postMessage" and c.args["channel"] == "C3"
            ]
        )
        == 1
    )


async def test_a_channel_marked_gone_is_not_posted_to_again_and_its_managers_hear_why(
    slack: Slack,
) -> None:
    slack.api.break_channel("C3", "is_archived")
    await slack.command("start", channel="C3")
    first = slack.open_round("C3")
    await slack.command("stop ja", channel="C3")
    told_before = len(slack.api.posts_to("DUMGR"))
    await slack.command("start", channel="C3")  # the next round, to the same archived channel
    second = slack.open_round("C3")
    assert second.id != first.id
    to_c3 = [
        c for c in slack.api.calls if c.method.startswith("chat.") and c.args["channel"] == "C3"
    ]
    assert len(to_c3) == 1, "the platform is not asked again about a channel known to be gone"
    told = slack.api.posts_to("DUMGR")
    assert len(told) == told_before + 1, "the managers hear of the second round too"
    assert "is_archived" in json.dumps(told[-1].blocks)


async def test_a_command_is_acknowledged_with_its_reply_before_the_slow_work(
    slack: Slack,
) -> None:
    members = slack.api.hold("conversations.members")  # Slack is slow to list the channel
    signed = slack.req.command("start", user_id="UMGR", channel_id="C1", channel_name="wijkteam")
    response = await asyncio.wait_for(
        slack.http.post("/slack/events", data=signed.body.encode(), headers=signed.headers), 10
    )
    ack = await response.json()
    # The acknowledgement carries the real reply, not "working on it", and came while the
    # roster call (before the round's post) was still waiting on Slack.
    assert "gestart" in ack["text"] and not members.released.is_set()
    assert slack.api.posts_to("C1") == []
    members.release()
    await slack.adapter.drain()
    [post] = slack.api.posts_to("C1")
    assert "0 van 6" in json.dumps(post.blocks)

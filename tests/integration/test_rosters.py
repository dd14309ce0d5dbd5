"""Rosters follow join/leave events; a round opens without asking Slack again for a fresh one."""

from __future__ import annotations

import json
from datetime import timedelta

from tests.fakes.slack_world import Slack, answers_for, slack_fixture  # noqa: F401
from tests.fakes.specs import specs_dir_fixture  # noqa: F401


def _event(kind: str, user: str, channel: str = "C1") -> dict[str, str]:
    return {"type": kind, "user": user, "channel": channel, "channel_type": "C", "team": "T1"}


async def test_joins_and_leaves_keep_the_roster_without_reading_the_channel(
    slack: Slack,
) -> None:
    api, lc = slack.api, slack.lc
    await slack.command("start")
    first = slack.open_round()
    await slack.command("stop ja")
    reads = len(api.of("conversations.members"))
    assert reads == 1 and lc.store.answers.round_member_count(first.id) == 6

    api.add_user("UNEW", "nieuw")
    api.channels["C1"].append("UNEW")
    assert (await slack.send(slack.req.event(_event("member_joined_channel", "UNEW"))))[0] == 200
    api.channels["C1"].remove("U5")
    assert (await slack.send(slack.req.event(_event("member_left_channel", "U5"))))[0] == 200
    api.add_user("UAPP", "een app", is_bot=True)
    await slack.send(slack.req.event(_event("member_joined_channel", "UAPP")))

    slack.clock.advance(timedelta(hours=1))
    await slack.command("start")
    second = slack.open_round()
    assert len(api.of("conversations.members")) == reads, "a fresh roster is not read again"
    members = {m.external_user_id for m in lc.store.people.team_members(second.team_id)}
    assert "UNEW" in members and "U5" not in members and "UAPP" not in members
    [post] = [m for m in api.posts_to("C1") if m.ts == second.message_id]
    assert "0 van 6" in json.dumps(post.blocks)


async def test_a_roster_older_than_the_refresh_is_read_again_at_the_next_open(
    slack: Slack,
) -> None:
    await slack.command("start")
    await slack.command("stop ja")
    slack.clock.advance(timedelta(hours=slack.lc.core.settings.roster_refresh_hours + 1))
    await slack.command("start")
    assert len(slack.api.of("conversations.members")) == 2


async def test_someone_who_answered_and_left_still_counts_in_the_open_round(
    slack: Slack,
) -> None:
    await slack.command("start")
    rnd = slack.open_round()
    await slack.send(slack.req.button(rnd.id, user_id="U2", channel_id="C1"))
    view = slack.last_view()
    await slack.send(slack.req.view_submission(view, answers_for(view), user_id="U2"))
    await slack.send(slack.req.event(_event("member_left_channel", "U2")))
    await slack.send(slack.req.event(_event("member_left_channel", "U3")))
    assert slack.lc.store.answers.round_member_count(rnd.id) == 5
    assert slack.lc.store.answers.answered_count(rnd.id) == 1


async def test_answers_within_the_counter_interval_make_one_trailing_update_not_one_each(
    slack: Slack,
) -> None:
    await slack.command("start")
    rnd = slack.open_round()
    updates = slack.api.hold("chat.update")  # Slack is slow (Tier 3 is 50 a minute)
    for user in ("U1", "U2", "U3", "U4"):
        await slack.http.post(
            "/slack/events",
            data=(signed := slack.req.button(rnd.id, user_id=user, channel_id="C1")).body.encode(),
            headers=signed.headers,
        )
        await slack.api.wait_for_call("views.open", ["U1", "U2", "U3", "U4"].index(user) + 1)
        view = slack.last_view()
        sub = slack.req.view_submission(view, answers_for(view), user_id=user)
        response = await slack.http.post(
            "/slack/events", data=sub.body.encode(), headers=sub.headers
        )
        assert response.status == 200
    await updates.arrived.wait()
    updates.release()
    await slack.adapter.drain()
    post = slack.api.messages[("C1", rnd.message_id or "")]
    assert post.updates == 1 and "1 van 6" in json.dumps(post.blocks), "the first shows at once"

    # Within the interval nothing more is sent, however often the fan-out runs.
    interval = slack.lc.rounds.counter.interval
    slack.clock.advance(interval - timedelta(seconds=1))
    await slack.lc.rounds.deliver(slack.clock.now())
    assert post.updates == 1
    slack.clock.advance(timedelta(seconds=1))
    await slack.lc.rounds.deliver(slack.clock.now())
    assert post.updates == 2, "one trailing update for the three answers after the first"
    assert "4 van 6" in json.dumps(post.blocks)

    # After a quiet interval, the next answer shows at once again.
    slack.clock.advance(interval)
    await slack.lc.rounds.deliver(slack.clock.now())
    await slack.send(slack.req.button(rnd.id, user_id="U5", channel_id="C1"))
    view = slack.last_view()
    await slack.send(slack.req.view_submission(view, answers_for(view), user_id="U5"))
    assert post.updates == 3 and "5 van 6" in json.dumps(post.blocks)

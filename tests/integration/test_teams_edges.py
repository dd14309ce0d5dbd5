"""What Teams users meet beyond the happy path: throttling, refusals, removal, old clients."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from tests.fakes.specs import specs_dir_fixture  # noqa: F401
from tests.fakes.teams_activities import action_of, fill, inputs_of
from tests.fakes.teams_world import (  # noqa: F401
    CHANNEL,
    MANAGER,
    MEMBERS,
    OTHER_CHANNEL,
    OUTSIDER,
    Teams,
    teams_fixture,
)


def _card(teams: Teams, conversation: str = CHANNEL) -> tuple[str, dict]:
    rnd = teams.open_round(conversation)
    assert rnd.message_id
    return rnd.message_id, teams.connector.post(conversation, rnd.message_id).card or {}


async def test_a_429_is_waited_out_and_the_round_card_is_posted_once(teams: Teams) -> None:
    teams.connector.fail(429, times=2, retry_after=3, conversation=CHANNEL)
    assert await teams.command("start") == 202
    rnd = teams.open_round()
    cards = [p for p in teams.connector.posts_to(CHANNEL) if p.card and p.card.get("refresh")]
    assert len(cards) == 1 and rnd.message_id == cards[0].id
    throttled = [c for c in teams.connector.calls if c.status == 429]
    assert len(throttled) == 2
    assert teams.waits.seconds.count(3.0) >= 2, "the connector's Retry-After was honoured"


async def test_a_503_storm_is_left_to_the_outbox_and_sent_once_later(teams: Teams) -> None:
    # Four tries each for the reply, the roster and the post: then the outbox takes over.
    teams.connector.fail(503, times=12, conversation=CHANNEL)
    await teams.command("start")
    rnd = teams.open_round()
    assert not rnd.message_id, "not posted yet: the connector kept failing"
    assert len([c for c in teams.connector.calls if c.status == 503]) == 12
    for _ in range(3):
        teams.clock.advance(timedelta(minutes=10))
        await teams.lc.rounds.deliver(teams.clock.now())
    rnd = teams.open_round()
    cards = [p for p in teams.connector.posts_to(CHANNEL) if p.card and p.card.get("refresh")]
    assert len(cards) == 1 and rnd.message_id == cards[0].id


async def test_a_member_who_is_not_a_manager_is_refused(teams: Teams) -> None:
    await teams.command("start", by=MEMBERS[0])
    assert teams.lc.store.directory.team_by_conversation("teams", CHANNEL) is None
    [reply] = teams.connector.posts_to(CHANNEL)
    assert reply.reply_to, "the refusal is a reply in the command's thread"
    assert "manager" in reply.text.lower()


async def test_an_outsider_cannot_answer_and_nothing_is_stored(teams: Teams) -> None:
    await teams.command("start")
    message_id, card = _card(teams)
    rnd = teams.open_round()
    shown = await teams.press("reflectie.answer", fill(card), OUTSIDER, message_id)
    assert "Alleen mensen in het kanaal" in json.dumps(shown)
    assert teams.lc.store.answers.answered_count(rnd.id) == 0


async def test_too_long_a_text_comes_back_in_the_card_with_what_was_typed(teams: Teams) -> None:
    await teams.command("start")
    message_id, card = _card(teams)
    rnd = teams.open_round()
    long_text = "x" * 2001
    shown = await teams.press(
        "reflectie.answer", fill(card, text=long_text), MEMBERS[1], message_id
    )
    errors = [b for b in shown["body"] if str(b.get("id", "")).startswith("error:")]
    assert errors and all("2001" in b["text"] for b in errors)
    assert all(b["color"] == "Attention" for b in errors)
    texts = [b for b in inputs_of(shown) if b["type"] == "Input.Text"]
    assert texts and all(b["value"] == long_text for b in texts), "nothing typed is lost"
    assert teams.lc.store.answers.answered_count(rnd.id) == 0

    english = teams.act
    english.locale = "en-GB"
    status, body = await teams.send(
        english.execute(
            "reflectie.answer",
            fill(card, text=long_text),
            teams.person(MEMBERS[2]),
            CHANNEL,
            message_id,
        )
    )
    assert status == 200 and "characters" in json.dumps(body), "in the member's language"


async def test_emptying_a_prefilled_answer_clears_it(teams: Teams) -> None:
    await teams.command("start")
    message_id, card = _card(teams)
    rnd = teams.open_round()
    mine = await teams.press("reflectie.answer", fill(card), MEMBERS[0], message_id)
    data = fill(mine)
    text_id = next(b["id"] for b in inputs_of(mine) if b["type"] == "Input.Text")
    data[text_id] = ""
    cleared = await teams.press("reflectie.answer", data, MEMBERS[0], message_id)
    stored = {r["question_id"] for r in teams.lc.store.answers.responses(rnd.id)}
    assert text_id.removeprefix("q:") not in stored
    assert not [b for b in inputs_of(cleared) if b["id"] == text_id and b.get("value")]


async def test_stop_asks_first_and_the_confirm_button_stops_the_round(teams: Teams) -> None:
    await teams.command("start")
    message_id, _ = _card(teams)
    await teams.command("stop")
    question = teams.connector.posts_to(CHANNEL)[-1]
    assert question.card and "Ja, stop de ronde" in question.text
    confirm = action_of(question.card, "reflectie.confirm")
    assert confirm["fallback"]["type"] == "Action.Submit"
    assert teams.open_round().status.value == "open", "asking changes nothing"
    done = await teams.press("reflectie.confirm", confirm["data"], MANAGER, question.id)
    assert "gestopt" in json.dumps(done)
    rnd = teams.lc.store.rounds.round(
        teams.lc.store.rounds.rounds_of(
            teams.lc.store.directory.team_by_conversation("teams", CHANNEL).id
        )[0].id
    )  # type: ignore[union-attr]
    assert rnd is not None and rnd.status.value == "cancelled"
    assert "gestopt" in json.dumps(teams.connector.post(CHANNEL, message_id).card)


async def test_an_old_clients_submit_is_saved_and_confirmed_privately(teams: Teams) -> None:
    await teams.command("start")
    message_id, card = _card(teams)
    rnd = teams.open_round()
    data = fill(card)
    data["verb"] = "reflectie.answer"
    status, _ = await teams.send(
        teams.act.submit(data, teams.person(MEMBERS[3]), CHANNEL, message_id)
    )
    assert status == 202
    assert teams.lc.store.answers.answered_count(rnd.id) == 1
    [private] = teams.connector.personal_posts(MEMBERS[3])
    assert "opgeslagen" in private.text
    assert not [p for p in teams.connector.posts_to(CHANNEL) if "opgeslagen" in p.text], (
        "the channel never learns who answered"
    )


async def test_a_redelivered_message_is_handled_once(teams: Teams) -> None:
    start = teams.act.message("start", teams.person(MANAGER), CHANNEL)
    assert (await teams.send(start))[0] == 202
    assert (await teams.send(start))[0] == 202
    team = teams.lc.store.directory.team_by_conversation("teams", CHANNEL)
    assert team is not None and len(teams.lc.store.rounds.rounds_of(team.id)) == 1
    assert (
        len([p for p in teams.connector.posts_to(CHANNEL) if p.card and p.card.get("refresh")]) == 1
    )


async def test_a_channel_the_bot_was_removed_from_is_recorded_reported_and_not_retried(
    teams: Teams,
) -> None:
    await teams.send(teams.act.installed(OTHER_CHANNEL, teams.person(MANAGER)))
    teams.connector.removed.add(OTHER_CHANNEL)
    await teams.command("start", conversation=OTHER_CHANNEL)
    team = teams.lc.store.directory.team_by_conversation("teams", OTHER_CHANNEL)
    assert team is not None
    assert teams.lc.store.directory.conversation_gone(team.conversation_id or 0)
    told = teams.connector.personal_posts(MANAGER)
    assert told and "403" in told[-1].text, "the manager hears why, in a personal chat"
    before = len([c for c in teams.connector.calls if OTHER_CHANNEL in c.path])
    await teams.lc.reconcile(teams.clock.now())
    await teams.lc.rounds.deliver(teams.clock.now())
    assert len([c for c in teams.connector.calls if OTHER_CHANNEL in c.path]) == before
    assert teams.adapter.health()["removed_from"] == 1


async def test_a_personal_chat_install_greets_and_remembers_the_person(teams: Teams) -> None:
    status, _ = await teams.send(
        teams.act.installation("a:personal-chat", teams.person(MEMBERS[4]), "personal")
    )
    assert status == 202
    [greeting] = teams.connector.posts_to("a:personal-chat")
    assert "kanaal" in greeting.text and greeting.reply_to is None
    member = teams.lc.store.people.member_by_user("teams", MEMBERS[4])
    assert member is not None and json.loads(member.reference_json)["id"] == f"29:{MEMBERS[4]}"


async def test_a_newcomer_in_the_team_is_offered_to_the_managers_privately(teams: Teams) -> None:
    await teams.command("start")
    rnd = teams.open_round()
    teams.clock.set(rnd.closes_at)
    await teams.lc.reconcile(teams.clock.now())
    in_channel = len(teams.connector.posts_to(CHANNEL))
    newcomer = teams.connector.add_person("eeeeeeee-0000-4000-8000-000000000001", "Nina Nieuw")
    teams.connector.rosters[CHANNEL].append(newcomer.aad)
    status, _ = await teams.send(teams.act.member_added(CHANNEL, newcomer, teams.person(MANAGER)))
    assert status == 202
    offers = [p for p in teams.connector.personal_posts(MANAGER) if "Nina Nieuw" in p.text]
    assert len(offers) == 1 and "hercontract" in offers[0].text
    assert len(teams.connector.posts_to(CHANNEL)) == in_channel, "nothing is said in the channel"


async def test_someone_removed_from_the_team_is_no_longer_asked(teams: Teams) -> None:
    await teams.command("start")
    rnd = teams.open_round()
    before = teams.lc.store.answers.round_member_count(rnd.id)
    removed = teams.act.member_added(CHANNEL, teams.person(MEMBERS[4]), teams.person(MANAGER))
    removed["membersRemoved"] = removed.pop("membersAdded")
    removed["channelData"]["eventType"] = "teamMemberRemoved"
    assert (await teams.send(removed))[0] == 202
    team = teams.lc.store.directory.team_by_conversation("teams", CHANNEL)
    assert team is not None
    active = {m.external_user_id for m in teams.lc.store.people.team_members(team.id)}
    assert MEMBERS[4] not in active and len(active) == before - 1


@pytest.mark.parametrize("service_url", ["0", "", "ftp://smba.example/", "http://[", None])
async def test_an_installation_with_no_usable_service_url_is_refused_with_400(
    teams: Teams, service_url: str | None
) -> None:
    # Every answer to an activity goes to its serviceUrl; one that is no URL was a 500.
    activity = teams.act.installation("a:personal-chat", teams.person(MEMBERS[4]), "personal")
    activity["serviceUrl"] = service_url
    status, _ = await teams.send(activity)
    assert status == 400
    assert teams.lc.store.people.member_by_user("teams", MEMBERS[4]) is None
    assert teams.connector.posts_to("a:personal-chat") == []

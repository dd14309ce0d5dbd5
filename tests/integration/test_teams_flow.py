"""The whole Teams round trip: the real Agents SDK and the real core against a fake connector."""

from __future__ import annotations

import json

from tests.fakes.specs import specs_dir_fixture  # noqa: F401
from tests.fakes.teams_activities import action_of, fill, inputs_of
from tests.fakes.teams_world import (  # noqa: F401
    CHANNEL,
    COACH,
    MANAGER,
    MEMBERS,
    OUTSIDER,
    Teams,
    teams_fixture,
)


def _round_card(teams: Teams) -> tuple[str, dict]:
    rnd = teams.open_round()
    assert rnd.message_id
    return rnd.message_id, teams.connector.post(CHANNEL, rnd.message_id).card or {}


async def test_round_trip_from_install_to_the_coach_digest(teams: Teams) -> None:
    connector, lc = teams.connector, teams.lc
    status, _ = await teams.send(teams.act.installed(CHANNEL, teams.person(MANAGER)))
    assert status == 202
    [greeting] = connector.posts_to(CHANNEL)
    assert "kanaal" in greeting.text and "@reflectiebot start" in greeting.text

    assert await teams.command("start") == 202
    rnd = teams.open_round()
    message_id, card = _round_card(teams)
    assert card["version"] == "1.5" and card["refresh"]["action"]["verb"] == "reflectie.open_form"
    assert "0 van 7" in json.dumps(card)
    assert all(a.get("verb") for a in card["actions"]), "every Action.Execute has a verb"
    assert lc.store.answers.round_member_count(rnd.id) == 7

    await teams.command("rol coach @Cas Coach", mentions=[teams.person(COACH)])
    coach = lc.store.people.member_by_user("teams", COACH)
    assert coach is not None and json.loads(coach.reference_json)["id"] == f"29:{COACH}"

    # A member answers in the channel's card and sees their own saved state.
    mine = await teams.press("reflectie.answer", fill(card), MEMBERS[0], message_id)
    assert lc.store.answers.answered_count(rnd.id) == 1
    assert len(lc.store.answers.responses(rnd.id)) == len(inputs_of(card))
    assert "opgeslagen" in json.dumps(mine)
    assert all(b.get("value") for b in inputs_of(mine)), "the refreshed card shows their answers"
    assert "refresh" not in mine, "a person's own card does not refresh itself"
    updated = connector.post(CHANNEL, message_id)
    assert updated.updates == 1 and "1 van 7" in json.dumps(updated.card)
    assert "Prima samenwerking" not in json.dumps(updated.card), "the channel sees no answers"

    # The card's refresh shows the same person their own answers; someone else sees theirs.
    again = await teams.press(
        "reflectie.open_form", {"round": rnd.id}, MEMBERS[0], message_id, trigger="automatic"
    )
    assert "Prima samenwerking" in json.dumps(again)
    other = await teams.press("reflectie.open_form", {"round": rnd.id}, MEMBERS[1], message_id)
    assert "Prima samenwerking" not in json.dumps(other)

    # Editing before the close changes the answer, not the count.
    edited = fill(again, text="Beter dan gedacht")
    after = await teams.press("reflectie.answer", edited, MEMBERS[0], message_id)
    assert "bijgewerkt" in json.dumps(after)
    texts = [r for r in lc.store.answers.responses(rnd.id) if r["value"] == "Beter dan gedacht"]
    assert texts and lc.store.answers.answered_count(rnd.id) == 1

    # The reminder reaches who has not answered, in their personal chat.
    assert rnd.remind_at is not None
    teams.clock.set(rnd.remind_at)
    await lc.reconcile(teams.clock.now())
    reminded = {aad for aad in [*MEMBERS, MANAGER, COACH] if connector.personal_posts(aad)}
    assert reminded == {*MEMBERS[1:], MANAGER, COACH}
    reminder = connector.personal_posts(MEMBERS[1])[-1].card or {}
    assert action_of(reminder, "reflectie.open_form")["data"] == {"round": rnd.id}

    # The close turns the card into the result; the coach gets the digest privately.
    teams.clock.set(rnd.closes_at)
    await lc.reconcile(teams.clock.now())
    closed = connector.post(CHANNEL, message_id)
    assert "gesloten" in json.dumps(closed.card) and "actions" not in (closed.card or {})
    digests = [p for p in connector.personal_posts(COACH) if "Respons" in p.text]
    assert len(digests) == 1
    late = await teams.press("reflectie.answer", edited, MEMBERS[2], message_id)
    assert "gesloten" in json.dumps(late), "a late answer is refused in the card"
    assert lc.store.answers.answered_count(rnd.id) == 1

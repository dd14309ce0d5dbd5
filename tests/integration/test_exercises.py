"""Exercises in steps, the team's agreements, and reflection when the team changes (issue 16)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from adapters.console import ConsoleAdapter
from bot.clock import ManualClock
from bot.digests.round_digest import round_digest
from bot.messages import Actor, CommandInvoked, ConversationRef, MemberJoined, Reply
from bot.models import Purpose, RoleName, RoundStatus, TeamEventKind
from bot.rounds.answering import record_answers
from bot.rounds.outcome import keep_agreement
from bot.settings import Settings
from prompts.render import render
from tests.conftest import make_team
from tests.harness import Bot

MANAGER = Actor(platform="console", user_id="mgr", display_name="mgr")
COACH = Actor(platform="console", user_id="coach", display_name="coach")
CHANNEL = ConversationRef(platform="console", external_id="wijk", name="wijk")
VALUES = ["Respect voor elkaars tijd", "Eerlijk zeggen wat je denkt", "Samen besluiten"]


@pytest.fixture
def settings() -> Settings:
    """Test settings; the manager is a bootstrap admin so the first command makes the team."""
    return Settings(env="test", admins="console:mgr")


async def say(lc: Bot, who: Actor, text: str) -> Reply:
    """Type ``/reflectie <text>`` in the team's channel and let the queued posts go out."""
    reply = await lc.door.handle(CommandInvoked(actor=who, conversation=CHANNEL, text=text))
    await lc.door.drain()
    return reply


def text_of(reply: Reply) -> str:
    assert reply.message is not None
    return reply.message.text


def answer(lc: Bot, who: Actor, values: dict[str, str]) -> None:
    rnd = lc.store.rounds.open_round_of("wijk")
    assert rnd is not None
    outcome = record_answers(lc.core, rnd.id, who, values, lc.core.clock.now(), trusted=True)
    assert outcome.ok, outcome.message


def team_with_roles(lc: Bot, console: ConsoleAdapter, anonymity: str = "anonymous") -> list[Actor]:
    members = make_team(lc, console, anonymity=anonymity)
    team = lc.store.directory.team("wijk")
    assert team is not None
    for who in members:
        lc.store.people.add_team_member("wijk", lc.store.people.upsert_member(who).id)
    coach = lc.store.people.upsert_member(COACH)
    lc.store.people.grant(coach.id, "team", "wijk", RoleName.COACH)
    manager = lc.store.people.upsert_member(MANAGER)
    lc.store.people.grant(manager.id, "team", "wijk", RoleName.MANAGER)
    return members


def posts(console: ConsoleAdapter, where: str = "#wijk") -> list[str]:
    return [text for place, text in console.transcript if place == where]


async def run_code_of_conduct(lc: Bot, members: list[Actor], answered: int = 3) -> None:
    """Run the code-of-conduct exercise through its three steps, ``answered`` people each."""
    assert "stap 1 van 3" not in text_of(await say(lc, MANAGER, "start oefening gedragscode"))
    for who, value in zip(members[:answered], VALUES, strict=False):
        answer(lc, who, {"rol.gedragscode-waarden": value})
    await say(lc, COACH, "volgende")
    for who, value in zip(
        members[:answered], ["Tempo", "Online vergaderen", "Tempo"], strict=False
    ):
        answer(lc, who, {"rol.gedragscode-verschil": value})
    await say(lc, MANAGER, "volgende")
    for who in members[:answered]:
        answer(lc, who, {"rol.gedragscode-afspraken": "We laten elkaar uitpraten"})


async def test_an_exercise_runs_step_by_step_and_its_agreement_is_kept_and_quoted(
    lc: Bot, console: ConsoleAdapter
) -> None:
    members = team_with_roles(lc, console)
    await say(lc, MANAGER, "start oefening gedragscode")
    first = lc.store.rounds.open_round_of("wijk")
    assert first is not None and first.step == 1
    asked = [q.question_id for q in lc.store.answers.round_questions(first.id)]
    assert asked == ["rol.gedragscode-waarden"], "step 1 asks only its own question"
    assert "Stap 1 van 3" in posts(console)[-1]
    assert "stap 1 van 3 (open)" in text_of(await say(lc, members[0], "status"))

    for who, value in zip(members, VALUES, strict=False):
        answer(lc, who, {"rol.gedragscode-waarden": value})
    reply = await say(lc, COACH, "volgende")
    assert "Stap 2 van 3" in text_of(reply)
    assert lc.store.rounds.round(first.id).status is RoundStatus.CLOSED  # type: ignore[union-attr]
    second = lc.store.rounds.open_round_of("wijk")
    assert second is not None and second.step == 2
    step2_post = posts(console)[-1]
    assert "Dit kwam uit de vorige stappen" in step2_post
    assert all(v in step2_post for v in VALUES), "step 2 shows what everyone wrote in step 1"
    assert "Persoon" not in step2_post, "an anonymous team sees no names"

    for who in members[:3]:
        answer(lc, who, {"rol.gedragscode-verschil": "Hoe snel we besluiten"})
    await say(lc, MANAGER, "volgende")
    third_post = posts(console)[-1]
    assert "Hoe snel we besluiten" in third_post and VALUES[0] in third_post
    for who, text in zip(
        members, ["We laten elkaar uitpraten"] * 2 + ["Besluiten samen"], strict=False
    ):
        answer(lc, who, {"rol.gedragscode-afspraken": text})
    done = await say(lc, COACH, "volgende")
    assert "afgerond" in text_of(done)
    assert lc.store.rounds.open_round_of("wijk") is None

    [kept] = lc.store.timeline.agreements_of("wijk")
    assert kept.exercise == "gedragscode"
    assert [v.nl for v in kept.items[0].values] == ["Besluiten samen", "We laten elkaar uitpraten"]
    shown = text_of(await say(lc, members[4], "afspraken"))
    assert "We laten elkaar uitpraten" in shown and "gedragscode" in shown
    assert "Geen" not in shown and "nog geen afspraken" not in shown
    assert "We laten elkaar uitpraten" in text_of(await say(lc, members[4], "agreements"))
    again = await say(lc, COACH, "volgende")
    assert not again.ok and "geen oefening" in text_of(again)

    last = lc.store.rounds.steps_of("wijk", "exercise:gedragscode")[-1]
    digest = render("text", "digest", "nl", digest=round_digest(lc.core, last.id, "nl")).text
    assert "Afspraken van het team" in digest and "We laten elkaar uitpraten" in digest

    # The fresh-up quotes it back: "Bij de start spraken jullie af: ... Hoe gaat het daarmee?"
    await say(lc, MANAGER, "start opfris")
    freshup = posts(console)[-1]
    assert "Bij de start spraken jullie af" in freshup and "Hoe gaat het daarmee?" in freshup
    assert "We laten elkaar uitpraten" in freshup


async def test_an_anonymous_team_below_its_threshold_sees_no_texts_of_an_earlier_step(
    lc: Bot, console: ConsoleAdapter
) -> None:
    members = team_with_roles(lc, console)
    await run_code_of_conduct(lc, members, answered=2)
    step3 = posts(console)[-1]
    assert "minder dan 3 antwoorden" in step3
    assert not any(v in step3 for v in VALUES[:2]), "two answers stay hidden below the threshold"
    await say(lc, MANAGER, "volgende")
    [kept] = lc.store.timeline.agreements_of("wijk")
    assert kept.items[0].withheld and not kept.items[0].values
    assert "We laten elkaar uitpraten" not in text_of(await say(lc, members[0], "afspraken"))


async def test_a_named_team_sees_texts_without_names_in_the_agreement(
    lc: Bot, console: ConsoleAdapter
) -> None:
    members = team_with_roles(lc, console, anonymity="named")
    await run_code_of_conduct(lc, members, answered=2)
    await say(lc, MANAGER, "volgende")
    shown = text_of(await say(lc, members[0], "afspraken"))
    assert "We laten elkaar uitpraten" in shown and "Persoon" not in shown


async def test_only_a_manager_or_coach_moves_an_exercise_on_and_a_refusal_changes_nothing(
    lc: Bot, console: ConsoleAdapter
) -> None:
    members = team_with_roles(lc, console)
    none = await say(lc, MANAGER, "volgende")
    assert not none.ok and "start oefening" in text_of(none)
    await say(lc, MANAGER, "start oefening ritueel")
    before = [(r.id, r.status) for r in lc.store.rounds.rounds_of("wijk")]
    refused = await say(lc, members[0], "volgende")
    assert not refused.ok
    assert [(r.id, r.status) for r in lc.store.rounds.rounds_of("wijk")] == before
    assert not (await say(lc, MANAGER, "volgende nu")).ok, "extra words are refused"
    assert [(r.id, r.status) for r in lc.store.rounds.rounds_of("wijk")] == before


async def test_a_step_closed_by_its_timer_waits_for_volgende_and_a_stopped_one_ends_the_exercise(
    lc: Bot, console: ConsoleAdapter, clock: ManualClock
) -> None:
    members = team_with_roles(lc, console)
    await say(lc, MANAGER, "start oefening landkaart")
    first = lc.store.rounds.open_round_of("wijk")
    assert first is not None
    answer(lc, members[0], {"territorium.landkaart-expertise": "Juridisch, financieel"})
    clock.set(first.closes_at + timedelta(minutes=1))
    await lc.reconcile(clock.now())
    assert lc.store.rounds.open_round_of("wijk") is None
    assert "stap 1 van 3; de volgende stap opent" in text_of(await say(lc, members[0], "status"))
    await say(lc, COACH, "volgende")
    second = lc.store.rounds.open_round_of("wijk")
    assert second is not None and second.step == 2
    await say(lc, MANAGER, "stop ja")
    assert not (await say(lc, COACH, "volgende")).ok, "a stopped exercise does not go on"


async def test_the_agreement_is_kept_once_even_when_asked_twice(
    lc: Bot, console: ConsoleAdapter
) -> None:
    members = team_with_roles(lc, console)
    await run_code_of_conduct(lc, members)
    await say(lc, MANAGER, "volgende")
    last = lc.store.rounds.steps_of("wijk", "exercise:gedragscode")[-1]
    team = lc.store.directory.team("wijk")
    assert team is not None
    assert not keep_agreement(lc.core, last, team, lc.core.clock.now())
    assert len(lc.store.timeline.agreements_of("wijk")) == 1
    # Running the exercise again replaces what `afspraken` shows, with the newer outcome.
    await run_code_of_conduct(lc, members)
    await say(lc, MANAGER, "volgende")
    assert len(lc.store.timeline.agreements_of("wijk")) == 1
    assert lc.store.db["agreement"].count == 2


async def test_a_task_change_is_recorded_and_opens_the_recheck_round_with_its_description(
    lc: Bot, console: ConsoleAdapter
) -> None:
    members = team_with_roles(lc, console)
    note = "De opdrachtgever vraagt nu ook een uitvoeringsplan, uiterlijk in maart"
    reply = await say(lc, MANAGER, f"wijziging {note}")
    assert reply.ok and note in text_of(reply)
    rnd = lc.store.rounds.open_round_of("wijk")
    assert rnd is not None and rnd.set_id == "taakwijziging"
    asked = [q.question_id for q in lc.store.answers.round_questions(rnd.id)]
    assert asked[0] == "taak.bijstelling"
    assert note in posts(console)[-1], "the team reads what changed, commas and all"
    [event] = lc.store.timeline.events_of("wijk")
    assert event.kind is TeamEventKind.TASK_CHANGED and event.note == note
    assert event.round_id == rnd.id

    answer(lc, members[0], {"taak.bijstelling": "gezamenlijk"})
    await lc.close_round(rnd.id, lc.core.clock.now())
    digest = render("text", "digest", "nl", digest=round_digest(lc.core, rnd.id, "nl")).text
    assert "Wat er veranderde in het team" in digest and "de taak veranderde" in digest

    # With a round open, the change is still noted; the re-check waits.
    await say(lc, MANAGER, "start")
    busy = await say(lc, MANAGER, "change the scope moved")
    assert busy.ok and "start taakwijziging" in text_of(busy)
    assert len(lc.store.timeline.events_of("wijk")) == 2


@pytest.mark.parametrize("text", ["wijziging", "wijziging    ", "change " + "x" * 301])
async def test_a_task_change_without_a_usable_description_is_refused_and_stores_nothing(
    lc: Bot, console: ConsoleAdapter, text: str
) -> None:
    members = team_with_roles(lc, console)
    reply = await say(lc, MANAGER, text)
    assert not reply.ok
    assert "wijziging de opdrachtgever" in text_of(reply) or "300" in text_of(reply)
    assert lc.store.timeline.events_of("wijk") == []
    assert lc.store.rounds.open_round_of("wijk") is None
    assert not (await say(lc, members[0], "wijziging iets")).ok, "members may not"
    assert lc.store.timeline.events_of("wijk") == []


async def test_a_newcomer_after_the_start_round_brings_the_managers_a_private_offer(
    lc: Bot, console: ConsoleAdapter
) -> None:
    team_with_roles(lc, console)
    eva = Actor(platform="console", user_id="eva", display_name="Eva")
    await lc.door.handle(MemberJoined(actor=eva, conversation=CHANNEL))
    await lc.door.drain()
    assert not posts(console, "@mgr"), "before the start round there is nothing to re-contract"
    assert [e.kind for e in lc.store.timeline.events_of("wijk")] == [TeamEventKind.JOINED]

    await say(lc, MANAGER, "start")
    rnd = lc.store.rounds.open_round_of("wijk")
    assert rnd is not None
    await lc.close_round(rnd.id, lc.core.clock.now())
    channel_before = len(posts(console))
    fred = Actor(platform="console", user_id="fred", display_name="Fred")
    await lc.door.handle(MemberJoined(actor=fred, conversation=CHANNEL))
    await lc.door.drain()
    [offer] = posts(console, "@mgr")[-1:]
    assert "Fred" in offer and "start hercontract" in offer
    assert len(posts(console)) == channel_before, "nothing is said in the channel"
    newcomer = lc.store.people.member_by_user("console", "fred")
    assert newcomer is not None and lc.store.people.is_active_member("wijk", newcomer.id)
    # Joining again in the same period is one offer, not two.
    await lc.door.handle(MemberJoined(actor=fred, conversation=CHANNEL))
    await lc.door.drain()
    joined = [d for d in lc.store.outbox.of_round(rnd.id) if d.purpose is Purpose.JOINED]
    assert len(joined) == 1

    reply = await say(lc, MANAGER, "start hercontract")
    assert reply.ok
    started = lc.store.rounds.open_round_of("wijk")
    assert started is not None and started.set_id == "hercontract"
    asked = [q.question_id for q in lc.store.answers.round_questions(started.id)]
    assert "rol.rolverdeling-wisseling" in asked and "gedeeld-beeld.opnieuw-afspreken" in asked


async def test_a_join_in_a_channel_that_is_no_team_changes_nothing(
    lc: Bot, console: ConsoleAdapter
) -> None:
    elsewhere = ConversationRef(platform="console", external_id="elders", name="elders")
    eva = Actor(platform="console", user_id="eva", display_name="Eva")
    reply = await lc.door.handle(MemberJoined(actor=eva, conversation=elsewhere))
    assert reply.ok and reply.message is None and reply.public is None
    assert lc.store.people.member_by_user("console", "eva") is None

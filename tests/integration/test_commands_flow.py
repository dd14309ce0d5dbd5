"""Commands through the real lifecycle on an in-memory database, as a console user sees them."""

from __future__ import annotations

from typing import Literal

import pytest

from adapters.console import ConsoleAdapter
from bot.clock import ManualClock
from bot.messages import Actor, CommandInvoked, ConversationRef, Reply
from bot.models import Anonymity, RoleName, RoundStatus
from bot.rounds.answering import record_answers
from bot.settings import Settings
from tests.conftest import make_team
from tests.harness import Bot

BOSS = Actor(platform="console", user_id="boss", display_name="Bea Baas")
STRANGER = Actor(platform="console", user_id="x9", display_name="Xander")
MANAGER = Actor(platform="console", user_id="mgr", display_name="mgr")
COACH = Actor(platform="console", user_id="coach", display_name="coach")
PLAN = "plan 2027-01-18 opfris 2027-03-15 afronding 2027-05-28"


@pytest.fixture
def settings() -> Settings:
    """Test settings with one bootstrap admin."""
    return Settings(env="test", admins="console:boss")


async def say(
    lc: Bot,
    who: Actor,
    text: str,
    channel: str = "wijk",
    mentions: dict[str, Actor] | None = None,
    kind: Literal["channel", "personal"] = "channel",
) -> Reply:
    """Type ``/reflectie <text>`` in a console channel."""
    conversation = ConversationRef(platform="console", external_id=channel, name=channel, kind=kind)
    event = CommandInvoked(actor=who, conversation=conversation, text=text, mentions=mentions or {})
    reply = await lc.door.handle(event)
    await lc.door.drain()  # the posts a command queued go out after its reply
    return reply


def text_of(reply: Reply) -> str:
    """Return what the person who typed the command reads."""
    assert reply.message is not None
    return reply.message.text


def row_counts(lc: Bot) -> dict[str, int]:
    """Return the number of rows of every table."""
    return {name: lc.store.db[name].count for name in lc.store.db.table_names()}


@pytest.mark.parametrize(
    "text",
    [PLAN, "start", "start programma", "stop", "rol manager @x9", "instellingen dagen 3", "digest"],
)
async def test_stranger_is_refused_with_who_can_and_nothing_changes(
    lc: Bot, console: ConsoleAdapter, text: str
) -> None:
    make_team(lc, console)
    before = row_counts(lc)
    reply = await say(lc, STRANGER, text, mentions={"@x9": STRANGER})
    assert not reply.ok
    assert "Er is niets veranderd" in text_of(reply)
    assert "beheerders" in text_of(reply)
    assert row_counts(lc) == before
    assert console.transcript == []


async def test_refusal_names_the_teams_managers(lc: Bot, console: ConsoleAdapter) -> None:
    make_team(lc, console)
    reply = await say(lc, STRANGER, PLAN)
    assert text_of(reply).splitlines() == [
        "Alleen managers van dit team of programma en beheerders kunnen rondes plannen. "
        "Er is niets veranderd.",
        "Vraag het aan mgr.",
    ]


async def test_stranger_cannot_make_a_new_channel_a_team(lc: Bot) -> None:
    before = row_counts(lc)
    reply = await say(lc, STRANGER, PLAN, channel="nieuw")
    assert not reply.ok and "kunnen rondes plannen" in text_of(reply)
    status = await say(lc, STRANGER, "status", channel="nieuw")
    assert "nog geen team" in text_of(status) and "/reflectie plan" in text_of(status)
    assert row_counts(lc) == before
    assert lc.store.directory.team_by_conversation("console", "nieuw") is None


async def test_admin_plans_in_unknown_channel_and_gets_a_team_with_rounds(lc: Bot) -> None:
    reply = await say(lc, BOSS, PLAN, channel="haven")
    team = lc.store.directory.team_by_conversation("console", "haven")
    assert reply.ok and team is not None
    rounds = lc.store.rounds.rounds_of(team.id)
    assert [(r.phase.value, r.status) for r in rounds] == [
        ("start", RoundStatus.PLANNED),
        ("freshup", RoundStatus.PLANNED),
        ("wrapup", RoundStatus.PLANNED),
    ]
    lines = text_of(reply).splitlines()
    assert "Dit kanaal is nu het team 'haven' en jij bent er manager van" in lines[0]
    boss = lc.store.people.member_by_user("console", "boss")
    assert boss is not None and lc.store.people.has_role(boss.id, team, RoleName.MANAGER)
    assert lines[1] == (
        "Planning van haven (tijden in Europe/Amsterdam, elke ronde 5 werkdagen open):"
    )
    assert lines[2] == "• startmoment: opent ma 18 jan 2027, 09:30, sluit vr 22 jan 2027, 17:00"
    assert lines[3].startswith("• opfrismoment 1: opent ma 15 mrt 2027, 09:30")
    assert lines[4].startswith("• afronding: opent vr 28 mei 2027, 09:30")
    assert "verandert" not in text_of(reply)  # a first plan has nothing to compare with


async def test_replanning_says_what_changed(lc: Bot) -> None:
    await say(lc, BOSS, PLAN, channel="haven")
    reply = await say(lc, BOSS, "plan 2027-01-18 afronding 04-06-2027", channel="haven")
    text = text_of(reply)
    assert "Dit kanaal is nu" not in text
    assert "Wat er verandert ten opzichte van de vorige planning:" in text
    assert "afronding verschuift van vr 28 mei 2027, 09:30 naar vr 4 jun 2027, 09:30" in text
    team = lc.store.directory.team_by_conversation("console", "haven")
    assert team is not None
    planned = [r for r in lc.store.rounds.rounds_of(team.id) if r.status is RoundStatus.PLANNED]
    assert len(planned) == 3  # the fresh-up moved to halfway, nothing duplicated


async def test_impossible_plan_in_new_channel_leaves_nothing_behind(lc: Bot) -> None:
    before = row_counts(lc)
    reply = await say(lc, BOSS, "plan 2027-05-28 afronding 2027-01-18", channel="haven")
    assert not reply.ok and text_of(reply).startswith("De afronding (ma 18 jan 2027) moet na")
    assert row_counts(lc) == before


async def test_wrong_date_is_explained_in_the_users_language(lc: Bot) -> None:
    english = BOSS.model_copy(update={"locale": "en-GB"})
    before = row_counts(lc)
    nl = await say(lc, BOSS, "plan 2027-02-30 afronding 2027-05-28", channel="haven")
    en = await say(lc, english, "plan 2027-02-30 wrapup 2027-05-28", channel="haven")
    assert "2027-02-30 bestaat niet in de kalender" in text_of(nl)
    assert "2027-02-30 does not exist in the calendar" in text_of(en)
    assert row_counts(lc) == before


async def test_unknown_command_gets_an_example(lc: Bot, console: ConsoleAdapter) -> None:
    make_team(lc, console)
    reply = await say(lc, STRANGER, "plannen")
    assert not reply.ok
    assert "'plannen' ken ik niet" in text_of(reply) and "/reflectie hulp" in text_of(reply)


async def test_help_marks_manager_commands(lc: Bot) -> None:
    reply = await say(lc, STRANGER.model_copy(update={"locale": "en"}), "help", channel="nieuw")
    text = text_of(reply)
    assert "For managers:" in text
    assert text.index("/reflectie status") < text.index("For managers:")
    assert text.index("For managers:") < text.index("/reflectie plan 2027-01-11")
    assert "gedeeld-beeld" in text


async def test_role_granting_and_taking_away(lc: Bot, console: ConsoleAdapter) -> None:
    members = make_team(lc, console)
    p1 = members[0]
    team = lc.store.directory.team("wijk")
    assert team is not None
    granted = await say(lc, BOSS, "rol coach @p1", mentions={"@p1": p1})
    assert text_of(granted) == "Persoon 1 is nu coach van Team wijk."
    member = lc.store.people.member_by_user("console", "p1")
    assert member is not None and lc.store.people.has_role(member.id, team, RoleName.COACH)
    again = await say(lc, BOSS, "rol coach @p1", mentions={"@p1": p1})
    assert text_of(again) == "Persoon 1 was al coach van Team wijk."
    # A coach may see the digest but not start rounds.
    assert "nog geen gesloten ronde" in text_of(await say(lc, p1, "digest"))
    assert "kunnen een ronde starten" in text_of(await say(lc, p1, "start"))
    revoked = await say(lc, MANAGER, "rol weg coach @p1", mentions={"@p1": p1})
    assert text_of(revoked) == "Persoon 1 is geen coach meer van Team wijk."
    assert not lc.store.people.has_role(member.id, team, RoleName.COACH)


async def test_role_accepts_slack_style_mentions_and_known_ids(
    lc: Bot, console: ConsoleAdapter
) -> None:
    members = make_team(lc, console)
    # Slack's translator keys mentions by bare user id.
    by_id = await say(lc, BOSS, "role manager @p2", mentions={"p2": members[1]})
    assert text_of(by_id) == "Persoon 2 is nu manager van Team wijk."
    # A person the bot already knows can be named by id without a resolved mention.
    known = await say(lc, BOSS, "rol lid @coach")
    assert text_of(known) == "coach is nu lid van Team wijk."


async def test_role_for_unmentioned_person_changes_nothing(
    lc: Bot, console: ConsoleAdapter
) -> None:
    members = make_team(lc, console)
    before = row_counts(lc)
    reply = await say(lc, BOSS, "rol manager @p1 @p2", mentions={"@p1": members[0]})
    assert not reply.ok and "'@p2'" in text_of(reply)
    assert row_counts(lc) == before


async def test_settings_shown_to_all_and_changed_by_managers(
    lc: Bot, console: ConsoleAdapter
) -> None:
    members = make_team(lc, console)
    shown = text_of(await say(lc, members[0], "instellingen"))
    assert "• Antwoorden: anoniem (niemand ziet wie wat antwoordde)" in shown
    assert "• Een ronde staat 5 werkdagen open" in shown
    changed = await say(lc, MANAGER, "instellingen taal en anonimiteit pseudoniem dagen 3")
    team = lc.store.directory.team("wijk")
    assert team is not None
    assert (team.locale, team.anonymity, team.open_days) == ("en", Anonymity.PSEUDONYMOUS, 3)
    text = text_of(changed)  # confirmed in the team's new language
    assert text.startswith("Updated. Settings of Team wijk:")
    assert "• A round stays open for 3 working days" in text
    bad = await say(lc, MANAGER, "settings days 30")
    assert not bad.ok and "1 to 20 working days" in text_of(bad)
    assert lc.store.directory.team("wijk") == team


async def test_start_status_and_stop(lc: Bot, console: ConsoleAdapter, clock: ManualClock) -> None:
    members = make_team(lc, console)
    started = await say(lc, MANAGER, "start")
    assert started.ok
    assert text_of(started).startswith("De ronde 'Startronde' is gestart en staat open tot ")
    ((where, post),) = console.transcript
    assert where == "#wijk" and "0 van 6 beantwoord" in post
    rnd = lc.store.rounds.open_round_of("wijk")
    assert rnd is not None
    answers = {
        q.question_id: "4" for q in lc.store.answers.round_questions(rnd.id) if q.kind == "scale"
    }
    assert record_answers(lc.core, rnd.id, members[0], answers, clock.now(), trusted=True).ok
    status = text_of(await say(lc, members[1], "status"))
    assert "Nu open: 'Startronde', 1 van 6 beantwoord" in status
    assert "Persoon 1" not in status  # anonymous: never who
    twice = await say(lc, MANAGER, "start opfris")
    assert not twice.ok and "heeft al een open ronde" in text_of(twice)
    asked = await say(lc, MANAGER, "stop")
    assert "Weet je het zeker?" in text_of(asked) and "`/reflectie stop ja`" in text_of(asked)
    assert "1 teamlid " in text_of(asked)  # what would be lost: one person answered
    assert asked.confirm == "stop ja"
    assert lc.store.rounds.round(rnd.id).status is RoundStatus.OPEN  # type: ignore[union-attr]
    stopped = await say(lc, MANAGER, "stop ja")
    assert text_of(stopped) == "De ronde 'Startronde' is gestopt. Er komt geen samenvatting van."
    assert lc.store.rounds.round(rnd.id).status is RoundStatus.CANCELLED  # type: ignore[union-attr]
    again = await say(lc, MANAGER, "stop ja")
    assert not again.ok and "geen ronde om te stoppen" in text_of(again)


async def test_start_without_choice_is_a_freshup_after_a_start(
    lc: Bot, console: ConsoleAdapter, clock: ManualClock
) -> None:
    make_team(lc, console)
    await say(lc, MANAGER, "start")
    rnd = lc.store.rounds.open_round_of("wijk")
    assert rnd is not None
    clock.set(rnd.closes_at)
    await lc.reconcile(clock.now())
    digest = await say(lc, COACH, "digest")
    assert digest.ok and "Startronde" in text_of(digest)
    await say(lc, MANAGER, "start")
    second = lc.store.rounds.open_round_of("wijk")
    assert second is not None and second.set_id == "freshup"


async def test_programme_round_needs_a_programme_manager(lc: Bot, console: ConsoleAdapter) -> None:
    make_team(lc, console, "wijk")
    make_team(lc, console, "dorp")
    lead = Actor(platform="console", user_id="tl", display_name="Teamleider")
    member = lc.store.people.upsert_member(lead)
    lc.store.people.grant(member.id, "team", "wijk", RoleName.MANAGER)
    before = row_counts(lc)
    refused = await say(lc, lead, "start programma")
    assert "Alleen programmamanagers en beheerders" in text_of(refused)
    assert row_counts(lc) == before
    done = await say(lc, MANAGER, "start programma opfris")
    assert "is gestart in 2 van de 2 teams" in text_of(done)
    assert lc.store.rounds.open_round_of("dorp") is not None


async def test_commands_in_a_personal_chat_point_to_the_team_channel(lc: Bot) -> None:
    reply = await say(lc, BOSS, "status", channel="D1", kind="personal")
    assert not reply.ok and "kanaal van je team" in text_of(reply)

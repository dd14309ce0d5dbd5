"""Plans never lie in the past; a round that truly is skipped says why, in the team's language."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from adapters.console import ConsoleAdapter
from bot.clock import ManualClock
from bot.messages import Actor, CommandInvoked, ConversationRef, Reply
from bot.models import RoundStatus
from tests.conftest import make_team
from tests.harness import Bot

MANAGER = Actor(platform="console", user_id="mgr", display_name="mgr")


async def say(lc: Bot, text: str, channel: str = "wijk") -> Reply:
    """Type ``/reflectie <text>`` as the programme manager in a console channel."""
    conversation = ConversationRef(platform="console", external_id=channel, name=channel)
    event = CommandInvoked(actor=MANAGER, conversation=conversation, text=text)
    reply = await lc.door.handle(event)
    await lc.door.drain()
    return reply


def text_of(reply: Reply) -> str:
    assert reply.message is not None
    return reply.message.text


def manager_dms(console: ConsoleAdapter) -> list[str]:
    return [text for where, text in console.transcript if where == "@mgr"]


async def test_a_start_in_the_past_is_refused_with_todays_date_and_nothing_stored(
    lc: Bot, console: ConsoleAdapter
) -> None:
    make_team(lc, console)
    reply = await say(lc, "plan 04-01-2027 afronding 28-05-2027")  # the clock says 11 January
    assert not reply.ok
    text = text_of(reply)
    assert text.startswith("Startmoment zou openen op ma 4 jan 2027, 09:30")
    assert "het is nu ma 11 jan 2027, 09:00" in text and "Kies 2027-01-11" in text
    assert lc.store.rounds.rounds_of("wijk") == []
    assert lc.store.directory.milestones("wijk") == []


async def test_a_new_channel_planned_in_the_past_does_not_become_a_team(
    lc: Bot, console: ConsoleAdapter
) -> None:
    make_team(lc, console)  # gives the manager a programme role
    reply = await say(lc, "plan 2027-01-04 afronding 2027-05-28", channel="nieuw")
    assert not reply.ok and "al voorbij" in text_of(reply)
    assert lc.store.directory.team_by_conversation("console", "nieuw") is None


async def test_today_after_opening_time_is_the_past_too_and_tomorrow_is_offered(
    lc: Bot, console: ConsoleAdapter, clock: ManualClock
) -> None:
    make_team(lc, console)
    lc.store.directory.update_team("wijk", locale="en")
    clock.set(datetime(2027, 1, 11, 9, 0, tzinfo=UTC))  # 10:00 in Amsterdam, after 09:30
    reply = await say(lc, "plan 2027-01-11 wrapup 2027-05-28")
    assert not reply.ok
    assert "it is now Mon 11 Jan 2027, 10:00" in text_of(reply)
    assert "Choose 2027-01-12 or a later date" in text_of(reply)


async def test_today_before_opening_time_is_fine(lc: Bot, console: ConsoleAdapter) -> None:
    make_team(lc, console)
    reply = await say(lc, "plan 2027-01-11 afronding 2027-05-28")  # 09:00, opens 09:30
    assert reply.ok, text_of(reply)


async def test_a_replan_may_keep_a_start_that_was_already_held(
    lc: Bot, console: ConsoleAdapter, clock: ManualClock
) -> None:
    make_team(lc, console)
    assert (await say(lc, "plan 2027-01-11 afronding 2027-05-28")).ok
    start = lc.store.rounds.rounds_of("wijk")[0]
    clock.set(start.opens_at)
    await lc.reconcile(clock.now())
    clock.set(datetime(2027, 2, 1, 8, 0, tzinfo=UTC))
    await lc.reconcile(clock.now())
    reply = await say(lc, "plan 2027-01-11 opfris 2027-03-22 afronding 2027-05-28")
    assert reply.ok, text_of(reply)


async def test_a_round_skipped_while_the_bot_was_down_says_so_in_the_teams_language(
    lc: Bot, console: ConsoleAdapter, clock: ManualClock
) -> None:
    make_team(lc, console)
    lc.store.directory.update_team("wijk", locale="en")
    assert (await say(lc, "plan 2027-01-18 wrapup 2027-05-28")).ok
    start = lc.store.rounds.rounds_of("wijk")[0]
    clock.set(start.opens_at + timedelta(hours=7))
    report = await lc.reconcile(clock.now())
    assert report.missed == [start.id]
    [told] = manager_dms(console)
    assert "could not be reached" in told and "should have opened Mon 18 Jan 2027" in told


async def test_a_round_skipped_because_another_was_open_does_not_blame_the_bot(
    lc: Bot, console: ConsoleAdapter, clock: ManualClock
) -> None:
    make_team(lc, console)
    assert (await say(lc, "plan 2027-01-18 afronding 2027-05-28")).ok
    planned = lc.store.rounds.rounds_of("wijk")[0]
    clock.set(datetime(2027, 1, 15, 8, 0, tzinfo=UTC))  # the Friday before: a round by hand
    assert (await say(lc, "start thema tijd")).ok
    # The bot runs all along: every half hour a tick, until the planned start is past saving.
    while clock.now() < planned.opens_at + timedelta(hours=7):
        clock.advance(timedelta(minutes=30))
        await lc.reconcile(clock.now())
    skipped = lc.store.rounds.round(planned.id)
    assert skipped is not None and skipped.status is RoundStatus.MISSED
    [told] = manager_dms(console)
    assert "nog een andere ronde open" in told and "onbereikbaar" not in told

"""Who gets a digest in chat, set per team with `instellingen digest` and `drempel`."""

from __future__ import annotations

import pytest

from adapters.console import ConsoleAdapter
from bot.clock import ManualClock
from bot.messages import Actor
from bot.models import DigestAudience, RoleName
from bot.settings import Settings
from tests.conftest import make_team
from tests.digest_data import OPGAVE, closed_round
from tests.harness import Bot
from tests.integration.test_commands_flow import COACH, MANAGER, row_counts, say, text_of

MEMBER = Actor(platform="console", user_id="p1", display_name="Persoon 1")


@pytest.fixture
def settings() -> Settings:
    return Settings(env="test")


async def test_by_default_only_the_coaches_get_the_digest(
    lc: Bot, console: ConsoleAdapter, clock: ManualClock
) -> None:
    make_team(lc, console)
    await closed_round(lc, console, clock, "wijk", "start", [{OPGAVE: "2"}] * 4)
    wheres = [where for where, _ in console.transcript]
    assert wheres.count("@coach") == 1
    assert "#wijk ↳" not in wheres and "@mgr" not in wheres
    digest = dict(console.transcript)["@coach"]
    assert "Wat opvalt" in digest and "Let op" in digest and "Bron: 004_" in digest


async def test_the_team_can_choose_to_see_it_in_its_channel_and_go_back(
    lc: Bot, console: ConsoleAdapter, clock: ManualClock
) -> None:
    make_team(lc, console)
    reply = await say(lc, MANAGER, "instellingen digest team")
    assert reply.ok and "in het kanaal van het team" in text_of(reply)
    team = lc.store.directory.team("wijk")
    assert team is not None and team.digest_audience is DigestAudience.TEAM
    await closed_round(lc, console, clock, "wijk", "start", [{OPGAVE: "3"}] * 3)
    assert [w for w, _ in console.transcript].count("#wijk ↳") == 1
    await say(lc, MANAGER, "settings digest coach")
    console.transcript.clear()
    await closed_round(lc, console, clock, "wijk", "start", [{OPGAVE: "3"}] * 3)
    assert "#wijk ↳" not in [w for w, _ in console.transcript]


async def test_without_a_coach_the_managers_read_it(
    lc: Bot, console: ConsoleAdapter, clock: ManualClock
) -> None:
    make_team(lc, console)
    coach = lc.store.people.member_by_user("console", "coach")
    assert coach is not None
    lc.store.people.revoke(coach.id, "programme", "prog", RoleName.COACH)
    await closed_round(lc, console, clock, "wijk", "start", [{OPGAVE: "3"}] * 3)
    assert [w for w, _ in console.transcript].count("@mgr") == 1


async def test_a_team_sets_its_own_threshold(
    lc: Bot, console: ConsoleAdapter, clock: ManualClock
) -> None:
    make_team(lc, console)
    reply = await say(lc, MANAGER, "instellingen drempel 5")
    assert reply.ok and "minder dan 5 antwoorden" in text_of(reply)
    await closed_round(lc, console, clock, "wijk", "start", [{OPGAVE: "3"}] * 4)
    digest = dict(console.transcript)["@coach"]
    assert "verborgen (minder dan 5 antwoorden)" in digest and "mediaan" not in digest
    shown = await say(lc, COACH, "digest")
    assert "verborgen (minder dan 5 antwoorden)" in text_of(shown)


@pytest.mark.parametrize(
    "text, words",
    [
        ("instellingen digest iedereen", "Kies digest team of coach, niet 'iedereen'"),
        ("instellingen drempel 1", "van 2 tot 50, niet '1'"),
        ("instellingen drempel veel", "niet 'veel'"),
        ("settings threshold", "instellingen drempel 4"),
    ],
)
async def test_bad_settings_get_a_clear_answer_and_change_nothing(
    lc: Bot, console: ConsoleAdapter, text: str, words: str
) -> None:
    make_team(lc, console)
    before = row_counts(lc), lc.store.directory.team("wijk")
    reply = await say(lc, MANAGER, text)
    assert not reply.ok and words in text_of(reply)
    assert (row_counts(lc), lc.store.directory.team("wijk")) == before


async def test_members_may_read_the_settings_but_not_change_who_gets_the_digest(
    lc: Bot, console: ConsoleAdapter
) -> None:
    make_team(lc, console)
    shown = await say(lc, MEMBER, "instellingen")
    assert "alleen naar de coaches" in text_of(shown)
    refused = await say(lc, MEMBER, "instellingen digest team")
    assert not refused.ok
    team = lc.store.directory.team("wijk")
    assert team is not None and team.digest_audience is DigestAudience.COACH

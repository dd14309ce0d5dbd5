"""A team with three closed rounds for digest tests: divided, flagged, withheld and unanswered."""

from __future__ import annotations

from adapters.console import ConsoleAdapter
from bot.clock import ManualClock
from bot.rounds.answering import record_answers
from tests.conftest import make_team
from tests.harness import Bot

OPGAVE, GRENZEN, WAAROM = "gedeeld-beeld.opgave", "tussentafel.grenzen", "taak.waarom-aan-tafel"
START = [
    {OPGAVE: "1", GRENZEN: "territorium", WAAROM: "Omdat & <wij> het 'samen' doen"},
    {OPGAVE: "3", GRENZEN: "territorium", WAAROM: "=SOM(A1) is geen formule"},
    {OPGAVE: "4", GRENZEN: "taak", WAAROM: "Voor de bewoners, één ´keer´ ë"},
    {OPGAVE: "2", GRENZEN: "alle-helder"},
]
FRESHUP = [{OPGAVE: "3", "reflectie.balans": "2"}, {OPGAVE: "4", "reflectie.balans": "1"}]
WRAPUP = [
    {OPGAVE: "4", GRENZEN: "rol", "reflectie.impact": "2"},
    {OPGAVE: "5", GRENZEN: "rol", "reflectie.impact": "2"},
    {OPGAVE: "4", GRENZEN: "alle-helder", "reflectie.impact": "4"},
]


async def closed_round(
    lc: Bot, console: ConsoleAdapter, clock: ManualClock, team_id: str, set_id: str,
    values: list[dict[str, str]],
) -> int:  # fmt: skip
    """Run one round of ``team_id`` with the given answers (one dict per member) to its close."""
    rnd = await lc.start_round(team_id, set_id, None, clock.now())
    for member, answers in zip(console.rosters[team_id], values, strict=False):
        assert record_answers(lc.core, rnd.id, member, answers, clock.now(), trusted=True).ok
    clock.set(rnd.closes_at)
    await lc.reconcile(clock.now())
    return rnd.id


async def three_phases(
    lc: Bot, console: ConsoleAdapter, clock: ManualClock, team_id: str = "wijk",
    anonymity: str = "anonymous",
) -> list[int]:  # fmt: skip
    """Give a team a start, fresh-up and wrap-up round; the fresh-up has too few answers to show
    in an anonymous team. Returns the round ids."""
    if lc.store.directory.team(team_id) is None:
        make_team(lc, console, team_id=team_id, anonymity=anonymity)
    return [
        await closed_round(lc, console, clock, team_id, set_id, values)
        for set_id, values in (("start", START), ("freshup", FRESHUP), ("wrapup", WRAPUP))
    ]

"""Digests: aggregation per kind, small-group suppression, pitfall flags, phase comparison."""

from __future__ import annotations

import pytest

from adapters.console import ConsoleAdapter
from bot.clock import ManualClock
from bot.digests.compare import compare_view
from bot.digests.round_digest import round_digest
from bot.rounds.answering import record_answers
from tests.conftest import make_team
from tests.harness import Bot


async def _closed_round(
    lc: Bot,
    console: ConsoleAdapter,
    clock: ManualClock,
    set_id: str,
    values: list[dict[str, str]],
    anonymity: str = "anonymous",
    team_id: str = "wijk",
) -> int:
    members = (
        make_team(lc, console, team_id=team_id, anonymity=anonymity)
        if not (lc.store.directory.team(team_id))
        else console.rosters[team_id]
    )
    rnd = await lc.start_round(team_id, set_id, None, clock.now())
    for member, answers in zip(members, values, strict=False):
        assert record_answers(lc.core, rnd.id, member, answers, clock.now(), trusted=True).ok
    clock.set(rnd.closes_at)
    await lc.reconcile(clock.now())
    return rnd.id


async def test_pitfall_is_flagged_when_half_the_team_gives_a_signal_answer(
    lc: Bot, console: ConsoleAdapter, clock: ManualClock
) -> None:
    answers = [{"reflectie.balans": v} for v in ("1", "2", "2", "4")]
    round_id = await _closed_round(lc, console, clock, "freshup", answers)
    digest = round_digest(lc.core, round_id, "nl")
    cell = next(c for c in digest.cells if c.id == "reflectie.balans")
    assert cell.flagged and cell.median == 2.0
    assert digest.flags == [lc.core.library.pitfalls["achteroverleunen"].title.nl]


async def test_no_flag_when_the_team_answers_away_from_the_pitfall(
    lc: Bot, console: ConsoleAdapter, clock: ManualClock
) -> None:
    answers = [{"reflectie.balans": v} for v in ("4", "5", "4", "2")]
    digest = round_digest(
        lc.core, await _closed_round(lc, console, clock, "freshup", answers), "en"
    )
    assert digest.flags == []


@pytest.mark.parametrize("anonymity, suppressed", [("anonymous", True), ("named", False)])
async def test_small_groups_are_suppressed_only_in_anonymous_teams(
    lc: Bot, console: ConsoleAdapter, clock: ManualClock, anonymity: str, suppressed: bool
) -> None:
    answers = [{"gedeeld-beeld.opgave": "2"}, {"gedeeld-beeld.opgave": "4"}]
    round_id = await _closed_round(lc, console, clock, "start", answers, anonymity)
    cell = next(
        c for c in round_digest(lc.core, round_id, "nl").cells if c.id == "gedeeld-beeld.opgave"
    )
    assert cell.suppressed is suppressed
    assert (cell.median is None) is suppressed


async def test_phases_compared_for_repeated_questions(
    lc: Bot, console: ConsoleAdapter, clock: ManualClock
) -> None:
    start = [{"gedeeld-beeld.opgave": v, "tussentafel.grenzen": "tijd"} for v in "1223"]
    fresh = [{"gedeeld-beeld.opgave": v, "tussentafel.grenzen": "rol"} for v in "3445"]
    await _closed_round(lc, console, clock, "start", start)
    await _closed_round(lc, console, clock, "freshup", fresh)
    team = lc.store.directory.team("wijk")
    assert team is not None
    view = compare_view(lc.core, team, "nl")
    rows = {r.id: dict(r.values) for r in view.rows}
    assert rows["gedeeld-beeld.opgave"] == {"Start": "mediaan 2.0", "Opfrismoment": "mediaan 4.0"}
    assert rows["tussentafel.grenzen"]["Start"].endswith("(100%)")

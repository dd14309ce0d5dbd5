"""Digests as a coach reads them: divergence, flags with their source, suppression, phases, kit."""

from __future__ import annotations

import pytest

from adapters.console import ConsoleAdapter
from bot.clock import ManualClock
from bot.digests.compare import compare_view, recap_lines
from bot.digests.report import find_team, team_report
from bot.digests.round_digest import round_digest
from bot.rounds.answering import record_answers
from prompts.digest_views import CellState, CellView
from tests.conftest import make_team
from tests.harness import Bot

OPGAVE, GRENZEN = "gedeeld-beeld.opgave", "tussentafel.grenzen"


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


def _cell(lc: Bot, round_id: int, qid: str, locale: str = "nl") -> CellView:
    return next(c for c in round_digest(lc.core, round_id, locale).cells if c.id == qid)


async def test_a_flag_names_the_question_the_share_and_the_seed_passage(
    lc: Bot, console: ConsoleAdapter, clock: ManualClock
) -> None:
    answers = [{"reflectie.balans": v} for v in ("1", "2", "2", "4")]
    round_id = await _closed_round(lc, console, clock, "freshup", answers)
    digest = round_digest(lc.core, round_id, "nl")
    [flag] = [f for f in digest.flags if f.question_id == "reflectie.balans"]
    pitfall = lc.core.library.pitfalls["achteroverleunen"]
    assert (flag.title, flag.hits, flag.n, flag.share) == (pitfall.title.nl, 3, 4, 75)
    assert flag.question.startswith("Zijn de partijen in balans")
    assert flag.source and (flag.source.file, flag.source.lines) == ("004_f630c81a23e39ea5.txt",
                                                                      "3092-3104")  # fmt: skip
    assert any("3 van de 4 antwoorden (75%)" in line for line in digest.summary)


async def test_no_flag_when_the_team_answers_away_from_the_pitfall(
    lc: Bot, console: ConsoleAdapter, clock: ManualClock
) -> None:
    answers = [{"reflectie.balans": v} for v in ("4", "5", "4", "2")]
    round_id = await _closed_round(lc, console, clock, "freshup", answers)
    assert _cell(lc, round_id, "reflectie.balans", "en").flag is None


async def test_a_start_round_where_everyone_answered_2_on_the_shared_picture_is_flagged(
    lc: Bot, console: ConsoleAdapter, clock: ManualClock
) -> None:
    round_id = await _closed_round(lc, console, clock, "start", [{OPGAVE: "2"}] * 4)
    cell = _cell(lc, round_id, OPGAVE)
    assert cell.flag is not None and cell.flag.pitfall == "zelfde-beeld" and cell.flag.share == 100
    assert not cell.split, "unanimous is not divided"


async def test_divergence_shows_on_the_true_scale_and_comes_first(
    lc: Bot, console: ConsoleAdapter, clock: ManualClock
) -> None:
    answers = [{OPGAVE: v, GRENZEN: "alle-helder"} for v in ("1", "3", "4")]
    round_id = await _closed_round(lc, console, clock, "start", answers)
    digest = round_digest(lc.core, round_id, "nl")
    first = digest.cells[0]
    assert first.id == OPGAVE and first.split and first.median == 3.0
    assert (first.lowest, first.highest) == (1, 4)
    assert [(b.value, b.count, b.share) for b in first.bars] == [
        ("1", 1, 33), ("2", 0, 0), ("3", 1, 33), ("4", 1, 33), ("5", 0, 0),
    ]  # fmt: skip
    assert (first.bars[0].anchor, first.bars[-1].anchor) == ("Helemaal niet", "Helemaal wel")
    assert any("Verdeeld" in line and "van 1 tot 4" in line for line in digest.summary)


async def test_bars_are_drawn_to_the_answers_not_to_the_largest_bar(
    lc: Bot, console: ConsoleAdapter, clock: ManualClock
) -> None:
    answers = [{GRENZEN: v} for v in ("taak", "tijd", "rol")]
    round_id = await _closed_round(lc, console, clock, "start", answers)
    cell = _cell(lc, round_id, GRENZEN)
    assert [b.share for b in cell.bars if b.count] == [33, 33, 33]
    assert cell.top == [b.label for b in cell.bars[:2]] + [cell.bars[3].label], "a tie is a tie"


@pytest.mark.parametrize("anonymity, hidden", [("anonymous", True), ("named", False)])
async def test_small_groups_are_withheld_only_in_anonymous_teams_and_said_so(
    lc: Bot, console: ConsoleAdapter, clock: ManualClock, anonymity: str, hidden: bool
) -> None:
    text_q = "taak.waarom-aan-tafel"
    answers = [{OPGAVE: "2", text_q: "geheim"}, {OPGAVE: "4", text_q: "ook geheim"}]
    round_id = await _closed_round(lc, console, clock, "start", answers, anonymity)
    digest = round_digest(lc.core, round_id, "nl")
    cells = {c.id: c for c in digest.cells}
    assert (cells[OPGAVE].state is CellState.WITHHELD) is hidden
    assert (cells[OPGAVE].median is None) is hidden and (not cells[text_q].texts) is hidden
    assert (cells[OPGAVE].text in digest.withheld) is hidden
    if hidden:
        assert any("minder dan 3 antwoorden" in line for line in digest.summary)
    else:
        texts = sorted(x.text for x in cells[text_q].texts)
        assert texts == ["Persoon 1: geheim", "Persoon 2: ook geheim"]


async def test_the_threshold_is_set_per_team(
    lc: Bot, console: ConsoleAdapter, clock: ManualClock
) -> None:
    make_team(lc, console)
    lc.store.directory.update_team("wijk", suppression_threshold=5)
    round_id = await _closed_round(lc, console, clock, "start", [{OPGAVE: "3"}] * 4)
    cell = _cell(lc, round_id, OPGAVE)
    assert cell.state is CellState.WITHHELD and cell.n == 4
    assert round_digest(lc.core, round_id, "nl").threshold == 5


async def test_a_round_nobody_answered_reads_as_such(
    lc: Bot, console: ConsoleAdapter, clock: ManualClock
) -> None:
    round_id = await _closed_round(lc, console, clock, "start", [])
    for locale, words in (("nl", "Niemand heeft"), ("en", "Nobody answered")):
        digest = round_digest(lc.core, round_id, locale)
        assert digest.summary == [next(s for s in digest.summary if words in s)]
        assert all(c.state is CellState.EMPTY and c.median is None for c in digest.cells)


async def test_anonymous_texts_keep_one_order_whatever_order_they_came_in(
    lc: Bot, console: ConsoleAdapter, clock: ManualClock
) -> None:
    text_q = "taak.waarom-aan-tafel"
    words = [f"antwoord {i}" for i in range(6)]
    members = make_team(lc, console)
    first = await lc.start_round("wijk", "start", None, clock.now())
    for member, text in zip(members, words, strict=True):
        record_answers(lc.core, first.id, member, {text_q: text}, clock.now(), trusted=True)
    clock.set(first.closes_at)
    await lc.reconcile(clock.now())
    second = await lc.start_round("wijk", "start", None, clock.now())
    for member, text in zip(members, reversed(words), strict=True):
        record_answers(lc.core, second.id, member, {text_q: text}, clock.now(), trusted=True)
    clock.set(second.closes_at)
    await lc.reconcile(clock.now())
    once = [x.text for x in _cell(lc, first.id, text_q).texts]
    assert once == [x.text for x in _cell(lc, first.id, text_q).texts], "stable"
    assert sorted(once) == words and not any("Persoon" in x for x in once)
    reverse = [x.text for x in _cell(lc, second.id, text_q).texts]
    assert sorted(reverse) == words
    # The order depends on the round, never on the order people answered in.
    assert once != words or reverse != list(reversed(words))


async def test_phases_side_by_side_with_n_shift_ties_and_two_kinds_of_missing(
    lc: Bot, console: ConsoleAdapter, clock: ManualClock
) -> None:
    start = [{OPGAVE: v, GRENZEN: g} for v, g in zip("1223", ["taak", "tijd", "rol", "alle-helder"],
                                                    strict=True)]  # fmt: skip
    fresh = [{OPGAVE: v} for v in "34"]  # two answers only: withheld in an anonymous team
    wrap = [{OPGAVE: v, GRENZEN: "rol"} for v in "3445"]
    for set_id, answers in (("start", start), ("freshup", fresh), ("wrapup", wrap)):
        await _closed_round(lc, console, clock, set_id, answers)
    team = lc.store.directory.team("wijk")
    assert team is not None
    view = compare_view(lc.core, team, "nl")
    rows = {r.id: r for r in view.rows}
    assert [p.label for p in view.phases] == ["Start", "Opfrismoment", "Afronding"]
    opgave = rows[OPGAVE].cells
    assert [c.n for c in opgave] == [4, 2, 4]
    assert [c.state for c in opgave] == [CellState.SHOWN, CellState.WITHHELD, CellState.SHOWN]
    assert (opgave[0].median, opgave[2].median, opgave[2].shift_text) == (2.0, 4.0, "+2")
    grenzen = rows[GRENZEN].cells
    assert grenzen[1].state is CellState.EMPTY  # asked, nobody answered it
    assert len(grenzen[0].top) == 4, "four options named once each: a four-way tie"
    assert grenzen[2].shift_text and "Rol" in grenzen[2].shift_text
    report = team_report(lc.core, team, "nl")
    assert any("Sinds de start" in line for line in report.summary)


async def test_not_asked_is_not_the_same_as_withheld(
    lc: Bot, console: ConsoleAdapter, clock: ManualClock
) -> None:
    await _closed_round(lc, console, clock, "start", [{OPGAVE: "2"}] * 3)
    await _closed_round(lc, console, clock, "theme:reflectie", [{"reflectie.impact": "2"}] * 3)
    await _closed_round(lc, console, clock, "freshup", [{OPGAVE: "4", "reflectie.impact": "4"}] * 3)
    team = lc.store.directory.team("wijk")
    assert team is not None
    rows = {r.id: r for r in compare_view(lc.core, team, "en").rows}
    assert [c.state for c in rows[OPGAVE].cells] == [CellState.SHOWN, CellState.NOT_ASKED,
                                                      CellState.SHOWN]  # fmt: skip


async def test_the_kit_proposes_the_exercise_for_the_boundary_most_named(
    lc: Bot, console: ConsoleAdapter, clock: ManualClock
) -> None:
    answers = [{GRENZEN: g, OPGAVE: v} for g, v in zip(["territorium"] * 3 + ["taak"], "1245",
                                                       strict=True)]  # fmt: skip
    round_id = await _closed_round(lc, console, clock, "start", answers)
    kit = round_digest(lc.core, round_id, "nl").kit
    assert kit[0].id == "landkaart" and len(kit[0].steps) == 3
    assert kit[0].openers and kit[0].openers[0].source.file.endswith(".txt")
    assert "waarom-zitten-we-hier" in [k.id for k in kit]  # the divided shared picture
    assert len(kit) <= 2


async def test_the_recap_shows_ties_as_ties(
    lc: Bot, console: ConsoleAdapter, clock: ManualClock
) -> None:
    answers = [{GRENZEN: g} for g in ("taak", "tijd", "rol", "alle-helder")]
    await _closed_round(lc, console, clock, "start", answers)
    rnd = lc.rounds.start_round("wijk", "freshup", None, clock.now())
    team = lc.store.directory.team("wijk")
    assert team is not None
    [line] = [x for x in recap_lines(lc.core, rnd, team, "nl") if "grens" in x]
    assert "gelijk:" in line and "(elk 25%)" in line


def test_a_team_is_found_by_id_or_by_name(lc: Bot, console: ConsoleAdapter) -> None:
    make_team(lc, console, team_id="wijk")
    assert find_team(lc.core, "wijk") == find_team(lc.core, "  team WIJK ") is not None
    assert find_team(lc.core, "elders") is None

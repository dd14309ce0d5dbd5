"""Every digest output from one database: both languages complete, same numbers, valid formats."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from pathlib import Path

import pytest
from jsonschema import Draft6Validator

from adapters.console import ConsoleAdapter
from adapters.slack.translate import message_chunks
from bot.clock import ManualClock
from bot.digests.programme import programme_view
from bot.digests.report import team_report
from bot.digests.round_digest import round_digest
from bot.digests.tables import programme_csv, programme_json, report_csv, report_json
from prompts.catalog import messages
from prompts.render import render
from tests.digest_data import OPGAVE, three_phases
from tests.fakes.block_kit import BlockKitChecker
from tests.fakes.specs import specs_dir_fixture  # noqa: F401
from tests.harness import Bot

LOCALES = ("nl", "en")
# Catalogues whose texts a digest shows; their words must all be in the reader's language.
SHOWN = ("digest.", "round.phase.", "round.rate", "schedule.month.", "library.kind.")


def _fragments(locale: str) -> set[str]:
    """Return the fixed words of ``locale``'s digest texts that the other language lacks."""
    other = "en" if locale == "nl" else "nl"
    own = " ".join(messages(other).values())
    found = set()
    for key, value in messages(locale).items():
        if not key.startswith(SHOWN):
            continue
        for piece in re.split(r"\{\{.*?\}\}|\{%.*?%\}", value):
            piece = piece.strip(" .,:;()«»'—·-–/\n")
            if len(piece) >= 6 and re.search(r"[a-z]{4}", piece) and piece not in own:
                found.add(piece)
    return found


def _library_texts(lc: Bot, locale: str) -> set[str]:
    lib, other = lc.core.library, "en" if locale == "nl" else "nl"
    texts = set()
    for q in lib.questions.values():
        texts.add(q.text.get(locale))
        texts |= {o.text.get(locale) for o in q.options}
    texts |= {p.title.get(locale) for p in lib.pitfalls.values()}
    for rs in lib.exercises.values():
        texts |= {rs.title.get(locale), rs.intro.get(locale)}
        texts |= {s.intro.get(locale) for s in rs.steps if s.intro}
    texts |= {o.text.get(locale) for e in lib.kit.values() for o in e.openers}
    theirs = {t for t in _library_texts_raw(lc, other)}
    return {t for t in texts if len(t) >= 8 and t not in theirs}


def _library_texts_raw(lc: Bot, locale: str) -> set[str]:
    lib = lc.core.library
    texts = {q.text.get(locale) for q in lib.questions.values()}
    return texts | {o.text.get(locale) for q in lib.questions.values() for o in q.options}


# Fields of the JSON that hold identifiers or verbatim citations, not text for the reader.
DATA_FIELDS = {"quote", "anonymity", "state", "kind", "phase", "value", "id", "pitfall", "theme",
               "file", "question_id", "team_id", "programme_id"}  # fmt: skip


def _readable(node: object) -> object:
    if isinstance(node, dict):
        return {k: _readable(v) for k, v in node.items() if k not in DATA_FIELDS}
    if isinstance(node, list):
        return [_readable(v) for v in node]
    return node


def _outputs(lc: Bot, round_id: int, locale: str) -> dict[str, str]:
    team = lc.store.directory.team("wijk")
    assert team is not None
    report = team_report(lc.core, team, locale)
    digest = round_digest(lc.core, round_id, locale)
    programme = programme_view(lc.core, "prog", locale)
    slack = render("slack", "digest", locale, digest=digest).payload
    teams = render("teams", "digest", locale, digest=digest).payload
    return {
        "html": render("html", "report", locale, report=report).text,
        "html programme": render("html", "programme", locale, programme=programme).text,
        "markdown": render("markdown", "report", locale, report=report).text,
        "markdown programme": render("markdown", "programme", locale, programme=programme).text,
        "text": render("text", "digest", locale, digest=digest).text,
        "slack": json.dumps(slack, ensure_ascii=False),
        "teams": json.dumps(teams, ensure_ascii=False),
        "json": json.dumps(_readable(json.loads(report_json(report, "team"))), ensure_ascii=False),
        "csv": report_csv(report, "team", locale),
        "json programme": json.dumps(
            _readable(json.loads(programme_json(programme))), ensure_ascii=False
        ),
        "csv programme": programme_csv(programme, locale),
    }


@pytest.fixture
async def rounds(lc: Bot, console: ConsoleAdapter, clock: ManualClock) -> list[int]:
    return await three_phases(lc, console, clock)


@pytest.mark.parametrize("locale", LOCALES)
async def test_every_surface_speaks_only_the_readers_language(
    lc: Bot, rounds: list[int], locale: str
) -> None:
    other = "en" if locale == "nl" else "nl"
    # The test data's own names are the same in both languages.
    names = {"Programma", "Team wijk"}
    foreign = (_fragments(other) | _library_texts(lc, other)) - names
    assert len(foreign) > 100, "the check must have something to find"
    for surface, text in _outputs(lc, rounds[-1], locale).items():
        plain = html.unescape(text).replace('\\"', '"')
        leaks = sorted(f for f in foreign if f in plain)
        assert leaks == [], f"{surface} in {locale} shows {other} text: {leaks[:5]}"
        assert "None" not in plain and "nan" not in plain.split(), surface
    page = _outputs(lc, rounds[-1], locale)["html"]
    assert f'<html lang="{locale}">' in page


async def test_a_round_nobody_answered_never_shows_none(
    lc: Bot, console: ConsoleAdapter, clock: ManualClock
) -> None:
    from tests.conftest import make_team
    from tests.digest_data import closed_round

    make_team(lc, console)
    round_id = await closed_round(lc, console, clock, "wijk", "start", [])
    for locale in LOCALES:
        for surface, text in _outputs(lc, round_id, locale).items():
            assert "None" not in text and "null%" not in text, (surface, locale)
    nl = _outputs(lc, round_id, "nl")
    assert "Niemand heeft deze ronde beantwoord" in nl["html"]
    assert "geen antwoorden" in nl["text"]


async def test_chat_digests_fit_slack_and_the_adaptive_card_schema(
    lc: Bot, rounds: list[int], specs_dir: Path
) -> None:
    schema = json.loads(
        (specs_dir / "adaptivecards" / "adaptive-card-1.5.0.schema.json").read_text("utf-8")
    )
    validator = Draft6Validator(schema)
    check = BlockKitChecker(specs_dir)
    for locale in LOCALES:
        for round_id in rounds:
            digest = round_digest(lc.core, round_id, locale)
            slack = render("slack", "digest", locale, digest=digest)
            assert all(check.message(chunk) == [] for chunk in message_chunks(slack))
            text = json.dumps(slack.payload)
            flags = [f.title for f in digest.flags]
            for title in flags:
                assert text.count(title) == 1, "a flag is said once in chat"
            card = render("teams", "digest", locale, digest=digest).payload
            assert card is not None and card["card"]["version"] == "1.5"
            errors = [e.message for e in validator.iter_errors(card["card"])]
            assert errors == [], errors[:3]
            assert len(json.dumps(card["card"])) < 40_000


async def test_csv_opens_in_dutch_excel_with_the_numbers_of_the_json(
    lc: Bot, rounds: list[int]
) -> None:
    team = lc.store.directory.team("wijk")
    assert team is not None
    report = team_report(lc.core, team, "nl")
    text = report_csv(report, "team", "nl")
    assert text.startswith("\ufeff") and "\r\n" in text
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))
    header, body = rows[0], rows[1:]
    assert header[:3] == ["Team", "Ronde", "Fase"] and len(set(map(len, rows))) == 1
    col = {name: header.index(name) for name in header}
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", r[col["Opent"]]) for r in body)
    grenzen = [r for r in body if r[col["Vraag-id"]] == "tussentafel.grenzen"]
    assert "Territorium: wie waarover beslist" in {r[col["Antwoord"]] for r in grenzen}
    assert "territorium" not in {r[col["Antwoord"]] for r in grenzen}, "labels, not ids"
    assert any("," in r[col["Mediaan"]] for r in body), "Dutch decimal comma (median 2,5)"
    assert all(not r[col["Antwoord"]].startswith("=") for r in body), "no formulas from people"
    data = json.loads(report_json(report, "team"))
    from_json = {
        (rnd["round"]["id"], q["id"], b["label"]): b["count"]
        for rnd in data["rounds"]
        for q in rnd["questions"]
        for b in q["distribution"]
    }
    from_csv = {
        (int(r[col["Ronde"]]), r[col["Vraag-id"]], r[col["Antwoord"]].split(" (")[0]): int(
            r[col["Aantal"]]
        )
        for r in body
        if r[col["Soort"]] != "open" and r[col["Aantal"]]
    }
    assert from_csv == from_json


async def test_json_compare_lists_each_repeated_question_with_its_phase_figures(
    lc: Bot, rounds: list[int]
) -> None:
    team = lc.store.directory.team("wijk")
    assert team is not None
    data = json.loads(report_json(team_report(lc.core, team, "en"), "compare"))
    assert data["kind"] == "compare" and [p["round_id"] for p in data["phases"]] == rounds
    by_id = {q["id"]: q for q in data["questions"]}
    assert OPGAVE in by_id and "taak.waarom-aan-tafel" not in by_id  # text, asked once
    phases = by_id[OPGAVE]["phases"]
    assert [p["state"] for p in phases] == ["shown", "withheld", "shown"]
    assert [p["n"] for p in phases] == [4, 2, 3]
    assert phases[0]["median"] == 2.5 and phases[2]["shift"] == 1.5
    assert phases[1]["distribution"] == [] and phases[1]["median"] is None

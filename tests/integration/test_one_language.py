"""One language per answer: every surface, rendered in Dutch and in English, stays in it."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from adapters.console import ConsoleAdapter
from bot.app.cli import app
from bot.interactions import Interactions
from bot.messages import Actor, FormRequested, HomeRequested
from prompts.catalog import messages
from tests.conftest import make_team
from tests.harness import Bot

OTHER = {"nl": "en", "en": "nl"}
START = date.today() + timedelta(days=14)
# Pieces of a message that are not language: placeholders, tags and commands in backticks.
_NOT_TEXT = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|`[^`]*`")


def _pieces(text: str) -> list[str]:
    return [p.strip(" .,:;!?()'\"-–•·\n") for p in _NOT_TEXT.split(text)]


def foreign(locale: str) -> set[str]:
    """Return the phrases only the other language's catalogue has (two words or more)."""
    own = "\n".join(messages(locale).values()).lower()
    found = set()
    for text in messages(OTHER[locale]).values():
        for piece in _pieces(text):
            if len(piece) >= 10 and " " in piece and piece.lower() not in own:
                found.add(piece)
    return found


# What click, pydantic and Python say in English by themselves, outside any catalogue.
LIBRARY_ENGLISH = ("No such option", "Invalid value", "Missing option", "Input should", "Try '")


def leaks(text: str, locale: str) -> list[str]:
    """Return the other language's phrases in ``text`` (and the libraries' own English)."""
    found = sorted(p for p in foreign(locale) if p in text)
    return found + [e for e in LIBRARY_ENGLISH if e in text and locale == "nl"]


def own_phrases(locale: str) -> set[str]:
    return foreign(OTHER[locale])


def cli(*args: str) -> str:
    result = CliRunner().invoke(app, list(args), input=None)
    assert "Traceback" not in result.output
    return result.output


def chat_session(db: Path, locale: str) -> str:
    yes = "ja" if locale == "nl" else "yes"
    lines = [
        f"/reflectie plan {START:%d-%m-%Y} opfris {START + timedelta(days=60)} "
        f"afronding {START + timedelta(days=120)}",
        f"/reflectie plan {date.today() - timedelta(days=3)} afronding {START}",
        "/reflectie plan morgen",
        "/reflectie start",
        "/reflectie status",
        "/reflectie hulp",
        "/reflectie instellingen",
        "/reflectie onzin",
        ":als zoe",
        ":kanaal nergens",
        ":vooruit 3x",
        ":als anna",
        ":antwoord",
        *["7", "4", "Omdat", "9", "2", "1", "Open", "Bellen"],
        ":antwoord",
        *["", "", "", "", "", "-"],
        ":als manager",
        "/reflectie stop",
        yes,
        ":antwoord",
        "iets",
        ":stop",
    ]
    result = CliRunner().invoke(
        app, ["chat", "--db", str(db), "--lang", locale], input="\n".join(lines) + "\n"
    )
    assert result.exit_code == 0, result.output
    return result.output


def cli_surfaces(tmp_path: Path, locale: str) -> str:
    readme = str(Path(__file__).resolve().parents[2] / "README.md")
    bad_file = tmp_path / "a-file"
    bad_file.write_text("x", encoding="utf-8")
    db = tmp_path / f"chat-{locale}.db"
    out = [chat_session(db, locale)]
    lang = ("--lang", locale)
    out += [
        cli("export", "--db", readme, *lang),
        cli("export", "--db", str(db), "--format", "xml", *lang),
        cli("export", "--format", "json", *lang),
        cli("export", "--db", str(db), "--kleur", *lang),
        cli("forget", "--db", str(db), "--user", "console:anna", *lang),
        cli("forget", "--db", str(db), "--user", "console:anna", *lang),
        cli("forget", "--db", str(db), "--user", "anna", *lang),
        cli("demo", "--out", str(bad_file), *lang),
        cli("demo", "--out", str(bad_file / "sub"), *lang),
        cli("demo", "--seed", "x", *lang),
        cli("prompts", "list", "--phase", "x", *lang),
        cli("prompts", "list", "--theme", "rol", *lang),
        cli("prompts", "show", "rol.verdeling", *lang),
        cli("prompts", "show", "rol.bestaat-niet", *lang),
        cli("schedule", "preview", "--start", "11-01-2027", "--end", "2027-05-28", *lang),
        cli("schedule", "preview", "--start", "2027-05-28", "--end", "2027-01-11", *lang),
        cli("schedule", "preview", "--start", "31-02-2027", "--end", "2027-05-28", *lang),
        cli("check", *lang),
        cli("serve", *lang),
        cli("demo", "--out", str(tmp_path / f"demo-{locale}"), *lang),  # the demo's chat
    ]
    return "\n".join(out)


@pytest.fixture(autouse=True)
def _wide(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "400")  # no line wrapped inside a phrase


@pytest.mark.parametrize("locale", ["nl", "en"])
def test_the_command_line_and_the_chat_speak_one_language(tmp_path: Path, locale: str) -> None:
    text = cli_surfaces(tmp_path, locale)
    assert leaks(text, locale) == []
    assert len([p for p in own_phrases(locale) if p in text]) >= 40  # it did speak


@pytest.mark.parametrize("locale", ["nl", "en"])
def test_check_with_problems_speaks_one_language(
    locale: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in {
        "REFLECTIEBOT_LOCALE": locale.upper(),
        "REFLECTIEBOT_ADMINS": "bram,slack:",
        "REFLECTIEBOT_TIMEZON": "UTC",
        "REFLECTIEBOT_PORT": "abc",
        "REFLECTIEBOT_ROUND_WORKING_DAYS": "99",
        "REFLECTIEBOT_OPEN_TIME": "9u",
        "REFLECTIEBOT_ENV": "prod",
        "SLACK_BOT_TOKEN": "xoxb-1",
    }.items():
        monkeypatch.setenv(name, value)
    text = cli("check")
    assert leaks(text, locale) == []
    assert len(text.strip().splitlines()) >= 7


@pytest.mark.parametrize("locale", ["nl", "en"])
async def test_slack_and_text_views_of_a_round_speak_the_teams_language(
    lc: Bot, console: ConsoleAdapter, locale: str
) -> None:
    members = make_team(lc, console)
    lc.store.directory.update_team("wijk", locale=locale)
    rnd = await lc.start_round("wijk", "start", None, lc.core.clock.now())
    door = Interactions(lc.core, lc.rounds)
    shown = [text for _, text in console.transcript]
    slack = Actor(platform="slack", user_id="U1")
    console.rosters["wijk"].append(slack)  # a member too: only members get the form
    for who in (members[0], slack):
        for event in (FormRequested(actor=who, round_id=rnd.id), HomeRequested(actor=who)):
            reply = await door.handle(event)
            assert reply.form is not None
            shown.append(reply.form.text + json.dumps(reply.form.payload, ensure_ascii=False))
    assert leaks("\n".join(shown), locale) == []

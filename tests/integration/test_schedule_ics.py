"""`reflectiebot schedule ics`: a team's rounds as an iCalendar file that a calendar can read."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import icalendar
from typer.testing import CliRunner

from bot.app.cli import app
from bot.clock import ManualClock
from bot.core import Core
from bot.messages import ConversationRef
from bot.models import RoundStatus
from bot.rounds.service import RoundService
from bot.settings import Settings
from bot.storage.store import open_store
from prompts.library import load_library


def planned_team(db: Path) -> list[tuple[int, datetime, datetime, RoundStatus]]:
    """A team with a planned timeline and one running exercise; return its rounds."""
    store = open_store(db)
    try:
        clock = ManualClock(datetime(2027, 1, 4, 8, 0, tzinfo=UTC))
        core = Core(store, load_library(), Settings(env="test"), clock)
        rounds = RoundService(core)
        channel = ConversationRef(platform="console", external_id="wijk", name="Wijkteam")
        team = rounds.ensure_team(channel, clock.now())
        rounds.plan(team.id, date(2027, 1, 11), [date(2027, 3, 15)], date(2027, 5, 28), clock.now())
        rounds.start_round(team.id, "exercise:ritueel", None, clock.now())
        return [(r.id, r.opens_at, r.closes_at, r.status) for r in store.rounds.rounds_of(team.id)]
    finally:
        store.close()


def test_each_round_is_an_event_from_opening_to_closing_with_a_stable_uid(tmp_path: Path) -> None:
    db = tmp_path / "bot.db"
    rounds = planned_team(db)
    out = tmp_path / "wijk.ics"
    result = CliRunner().invoke(
        app, ["schedule", "ics", "--db", str(db), "--team", "Wijkteam", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    raw = out.read_bytes()
    assert raw.startswith(b"BEGIN:VCALENDAR\r\n") and all(
        len(line) <= 75 for line in raw.split(b"\r\n")
    ), "CRLF line ends and folded lines (RFC 5545 3.1)"
    cal = icalendar.Calendar.from_ical(raw)
    assert cal["VERSION"] == "2.0" and "reflectiebot" in str(cal["PRODID"])
    events = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    assert len(events) == len(rounds) == 4
    for round_id, opens, closes, status in rounds:
        event = events[f"round-{round_id}@reflectiebot"]
        assert event.decoded("DTSTART") == opens and event.decoded("DTEND") == closes
        want = "TENTATIVE" if status is RoundStatus.PLANNED else "CONFIRMED"
        assert str(event["STATUS"]) == want
    summaries = sorted(str(e["SUMMARY"]) for e in events.values())
    assert any("startmoment" in s for s in summaries) and any("afronding" in s for s in summaries)
    assert any("stap 1 van 4" in s for s in summaries), "an exercise's step is named"

    english = CliRunner().invoke(
        app, ["schedule", "ics", "--db", str(db), "--team", "Wijkteam", "--lang", "en"]
    )
    assert english.exit_code == 0 and "wrap-up" in english.stdout.lower().replace("\r\n ", "")


def test_an_unknown_team_or_database_is_one_clear_line_and_no_file(tmp_path: Path) -> None:
    db = tmp_path / "bot.db"
    planned_team(db)
    result = CliRunner().invoke(app, ["schedule", "ics", "--db", str(db), "--team", "nope"])
    assert result.exit_code == 2 and "nope" in result.stderr and "Wijkteam" in result.stderr
    assert "Traceback" not in result.output
    missing = CliRunner().invoke(
        app, ["schedule", "ics", "--db", str(tmp_path / "geen.db"), "--team", "x"]
    )
    assert missing.exit_code == 2 and "Traceback" not in missing.output
    assert not (tmp_path / "geen.db").exists(), "nothing is created"

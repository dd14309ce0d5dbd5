"""`reflectiebot chat`: a manager plans and starts a round, a member answers, all typed."""

from __future__ import annotations

from pathlib import Path

import sqlite_utils
from typer.testing import CliRunner

from bot.app.cli import app


def test_chat_session_from_plan_to_answer(tmp_path: Path) -> None:
    db = tmp_path / "chat.db"
    script = (
        "\n".join(
            [
                "/reflectie plan 2027-01-11 opfris 2027-03-15 afronding 2027-05-28",
                "/reflectie start",
                ":als anna",
                ":antwoord",
                "4",
                "Omdat het moet",
                "2",
                "1",
                "Open en eerlijk",
                "We bellen elkaar",
                "/reflectie status",
                ":vooruit 3x",
                ":stop",
            ]
        )
        + "\n"
    )
    result = CliRunner().invoke(app, ["chat", "--db", str(db)], input=script)
    assert result.exit_code == 0, result.output
    assert "startmoment: opent ma 11 jan 2027, 09:30" in result.output
    assert "Dank je! Je antwoorden zijn opgeslagen" in result.output
    assert "1 van 4 beantwoord" in result.output
    assert "Geef een duur zoals 2d" in result.output
    rows = list(sqlite_utils.Database(db).query("SELECT value FROM response ORDER BY value"))
    assert {r["value"] for r in rows} >= {"4", "tijd", "nee"}  # numbers became option ids

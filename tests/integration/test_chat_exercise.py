"""`reflectiebot chat` runs an exercise from its first step to the agreement, and a newcomer."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.app.cli import app


@pytest.fixture(autouse=True)
def _wide_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "400")  # messages on one line each


def chat(db: Path, *lines: str) -> str:
    result = CliRunner().invoke(
        app, ["chat", "--db", str(db)], input="\n".join([*lines, ":stop"]) + "\n"
    )
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    return result.output


def everyone(*texts: str) -> list[str]:
    lines: list[str] = []
    for who, text in zip(("anna", "bram", "chris"), texts, strict=True):
        lines += [f":als {who}", ":antwoord", text]
    return [*lines, ":als manager"]


def test_the_ritual_exercise_runs_in_the_chat_and_its_agreement_is_kept(tmp_path: Path) -> None:
    out = chat(
        tmp_path / "chat.db",
        "/reflectie start oefening ritueel",
        *everyone("2", "2", "1"),
        "/reflectie volgende",
        *everyone("mijlpaal", "2", "mijlpaal"),
        "/reflectie volgende",
        *everyone("Een taart", "Een taart", "Een toost"),
        "/reflectie volgende",
        *everyone("Bij de oplevering, Dewi regelt het", "Na de oplevering", "Bij de oplevering"),
        "/reflectie status",
        "/reflectie volgende",
        "/reflectie afspraken",
    )
    assert "Stap 2 van 4" in out and "Stap 4 van 4" in out
    assert "Dit kwam uit de vorige stappen" in out
    assert "Als we iets afsluiten" in out, "step 2 shows the moment step 1 chose"
    assert "stap 4 van 4 (open)" in out
    agreements = out[out.rindex("Afspraken van team") :]
    assert "Oefening: ontwerp een ritueel" in agreements
    assert "Een taart" in agreements and "Bij de oplevering" in agreements
    assert "Een mijlpaal die we behaalden" in agreements


def test_a_newcomer_in_the_chat_brings_the_manager_an_offer(tmp_path: Path) -> None:
    out = chat(
        tmp_path / "chat.db",
        "/reflectie start",
        ":vooruit 8d",
        ":erbij Eva",
        "/reflectie wijziging Er komt een tweede opdrachtgever bij",
        "/reflectie status",
    )
    assert "Eva komt erbij in #projectteam." in out
    assert "Eva is bij team" in out and "start hercontract" in out
    assert "Wat er veranderde: Er komt een tweede opdrachtgever bij" in out
    assert "De taak is veranderd" in out

"""The demo end to end, through the real CLI: database, digest and export."""

from __future__ import annotations

import json
from pathlib import Path

import sqlite_utils
from typer.testing import CliRunner

from bot.app.cli import app

FILES = ("digest.md", "compare.md", "energieloket.html", "leefbare-wijk.html", "responses.csv")


def test_demo_writes_db_and_digest_covering_three_phases_and_export_reads_it(
    tmp_path: Path,
) -> None:
    runner = CliRunner()
    out = tmp_path / "X"
    result = runner.invoke(app, ["demo", "--seed", "1", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Beantwoorden" in result.output  # the chat is shown as it happens
    db = sqlite_utils.Database(out / "reflectiebot.db")
    phases = {r["phase"] for r in db.query("SELECT phase FROM round WHERE status = 'closed'")}
    assert phases == {"start", "freshup", "wrapup"}
    digest = (out / "digest.md").read_text(encoding="utf-8")
    for title in ("Start", "Opfris", "Afronding"):
        assert title in digest
    assert "| Antwoord | Start | Opfrismoment | Afronding |" in digest  # phases side by side
    assert "Vergelijking over de fasen" in (out / "compare.md").read_text(encoding="utf-8")
    assert "Zo antwoordde het team bij de start" in result.output  # the fresh-up recap
    for team in ("leefbare-wijk", "energieloket"):
        html = (out / f"{team}.html").read_text(encoding="utf-8")
        assert html.count('class="chart"') >= 6 and "Fasen naast elkaar" in html
        assert html.count("<h1>") == 1, "one team per report"
    assert not (out / "digest.html").exists()
    assert (out / "responses.csv").read_text(encoding="utf-8").startswith("team,round_id,phase")
    exported = runner.invoke(
        app, ["export", "--db", str(out / "reflectiebot.db"), "--format", "json"]
    )
    assert exported.exit_code == 0, exported.output
    records = json.loads(exported.stdout)
    assert records and {
        "team",
        "round_id",
        "phase",
        "question_id",
        "question_text",
        "kind",
        "value",
        "answered_at",
        "respondent",
    } <= set(records[0])
    anonymous = [r for r in records if r["team"] == "leefbare-wijk"]
    assert anonymous and all(r["respondent"] is None for r in anonymous)
    assert any(r["respondent"] for r in records if r["team"] == "energieloket")


def test_demo_is_deterministic_for_a_seed_pseudonyms_included(tmp_path: Path) -> None:
    runner = CliRunner()
    outputs = []
    for name in ("a", "b", "c"):
        seed = "8" if name == "c" else "7"
        result = runner.invoke(
            app, ["demo", "--seed", seed, "--out", str(tmp_path / name), "--quiet"]
        )
        assert result.exit_code == 0, result.output
        folder = tmp_path / name
        files = {f: (folder / f).read_text(encoding="utf-8") for f in FILES}
        db = sqlite_utils.Database(folder / "reflectiebot.db")
        pseudonyms = [r["pseudonym"] for r in db.query("SELECT pseudonym FROM team_member")]
        outputs.append((files, pseudonyms))
    assert outputs[0] == outputs[1]  # byte for byte, pseudonyms and answer order included
    assert outputs[0][1] != outputs[2][1]  # another seed, other pseudonyms


def test_demo_in_english_speaks_english(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["demo", "--out", str(tmp_path / "en"), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "Answer" in result.output and "Beantwoorden" not in result.output
    assert "Demo finished in" in result.output
    assert "This is how the team answered at the start:" in result.output  # the recap


def test_export_refuses_unknown_format_and_missing_db(tmp_path: Path) -> None:
    runner = CliRunner()
    bad = runner.invoke(app, ["export", "--db", str(tmp_path / "none.db"), "--format", "json"])
    assert bad.exit_code == 2 and "bestaat niet" in bad.output
    fmt = runner.invoke(app, ["export", "--db", str(tmp_path / "none.db"), "--format", "xml"])
    assert fmt.exit_code == 2 and "json of csv" in fmt.output

"""`reflectiebot digest` on a demo database, exactly as the issue writes it, and its refusals."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.app.cli import app

runner = CliRunner()


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    result = runner.invoke(app, ["demo", "--seed", "3", "--out", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    return out / "reflectiebot.db"


def digest(*args: str) -> tuple[int, bytes, str]:
    result = runner.invoke(app, ["digest", *args])
    return result.exit_code, result.stdout_bytes, result.stderr


def _fingerprint(db: Path) -> str:
    return hashlib.sha256(db.read_bytes()).hexdigest()


def test_compare_as_json_lists_every_repeated_question_with_per_phase_figures(
    demo_db: Path,
) -> None:
    code, out, err = digest("--db", str(demo_db), "--team", "leefbare-wijk", "--compare",
                            "--format", "json")  # fmt: skip
    assert code == 0, err
    data = json.loads(out)
    assert [p["phase"] for p in data["phases"]] == ["start", "freshup", "wrapup"]
    assert data["questions"], "the default rounds repeat questions"
    for q in data["questions"]:
        assert q["id"] and len(q["phases"]) == 3
        asked = [p for p in q["phases"] if p["state"] != "not_asked"]
        assert len(asked) > 1
        for p in asked:
            assert {"round_id", "label", "n", "state", "distribution", "median"} <= set(p)


def test_compare_as_html_and_csv_and_the_team_by_its_name(demo_db: Path, tmp_path: Path) -> None:
    target = tmp_path / "vergelijking.html"
    code, _, err = digest("--db", str(demo_db), "--team", "Opgaveteam Leefbare Wijk", "--compare",
                          "--format", "html", "--out", str(target))  # fmt: skip
    assert code == 0, err
    page = target.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "Fasen naast elkaar" in page
    assert 'figure class="mini"' in page and 'class="round"' not in page, "the phases only"
    code, out, err = digest("--db", str(demo_db), "--team", "leefbare-wijk", "--compare",
                            "--format", "csv", "--lang", "en")  # fmt: skip
    assert code == 0, err
    text = out.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert rows[0][:3] == ["Team", "Round", "Phase"] and len(rows) > 10


@pytest.mark.parametrize("fmt", ["md", "html", "json", "csv"])
def test_one_round_and_the_whole_team_in_every_format(demo_db: Path, fmt: str) -> None:
    code, out, err = digest("--db", str(demo_db), "--team", "energieloket", "--format", fmt)
    assert code == 0 and out, err
    whole = out.decode("utf-8")
    code, out, err = digest("--db", str(demo_db), "--team", "energieloket", "--round", "4",
                            "--format", fmt, "--lang", "en")  # fmt: skip
    assert code == 0 and out, err
    single = out.decode("utf-8")
    assert len(single) < len(whole)
    if fmt == "json":
        assert json.loads(single)["round"]["id"] == 4
        assert json.loads(whole)["kind"] == "team"


def test_programme_overview_is_aggregates_only(demo_db: Path) -> None:
    code, out, err = digest("--db", str(demo_db), "--programme", "wijkaanpak", "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert {t["id"] for t in data["teams"]} == {"leefbare-wijk", "energieloket"}
    assert all(0 <= t["rate"] <= 100 for t in data["teams"])
    assert data["questions"] and "texts" not in json.dumps(data)
    code, out, _ = digest("--db", str(demo_db), "--team", "energieloket", "--programme",
                          "wijkaanpak", "--format", "html")  # fmt: skip
    assert code == 0 and b"Programmaoverzicht" in out


@pytest.mark.parametrize(
    "args, words",
    [
        (["--team", "onbekend"], "ken ik niet"),
        (["--team", "leefbare-wijk", "--round", "99"], "geen ronde van leefbare-wijk"),
        (["--team", "leefbare-wijk", "--round", "1", "--compare"], "Kies één van"),
        (["--team", "leefbare-wijk", "--format", "pdf"], "--format md, html, json of csv"),
        (["--team", "leefbare-wijk", "--lang", "fr"], "--lang nl of en"),
        (["--format", "md"], "--team"),
        (["--programme", "elders"], "Programma 'elders' ken ik niet"),
        (["--team", "leefbare-wijk", "--programme", "elders"], "hoort niet bij"),
        (["--team", "leefbare-wijk", "--out", "/geen/map/x.html"], "bestaat niet"),
    ],
)
def test_bad_requests_get_a_clear_answer_and_change_nothing(
    demo_db: Path, args: list[str], words: str
) -> None:
    before = _fingerprint(demo_db)
    code, out, err = digest("--db", str(demo_db), *args)
    assert code == 2 and out == b""
    assert words in " ".join(err.split()), err
    assert "Traceback" not in err
    assert _fingerprint(demo_db) == before


def test_an_open_round_has_no_digest_yet(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from adapters.console import ConsoleAdapter
    from bot.clock import ManualClock
    from bot.settings import Settings
    from tests.conftest import make_team
    from tests.harness import make_bot

    db = tmp_path / "open.db"
    console = ConsoleAdapter()
    lc = make_bot(db, Settings(env="test"), ManualClock(datetime(2027, 1, 11, 8, tzinfo=UTC)),
                  {"console": console})  # fmt: skip
    make_team(lc, console)
    rnd = lc.rounds.start_round("wijk", "start", None, lc.core.clock.now())
    lc.store.close()
    code, _, err = digest("--db", str(db), "--team", "wijk", "--round", str(rnd.id), "--lang",
                          "en")  # fmt: skip
    assert code == 2 and "has not closed yet" in " ".join(err.split())


def test_a_missing_database_is_refused(tmp_path: Path) -> None:
    code, _, err = digest("--db", str(tmp_path / "weg.db"), "--team", "x")
    assert code == 2 and "bestaat niet" in err
    assert not (tmp_path / "weg.db").exists()


def test_the_readme_and_help_give_the_command_as_it_is() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    synopsis = (
        "reflectiebot digest --db PATH --team TEAM [--round ID \\| --compare \\| --programme ID]"
        " --format md\\|html\\|json\\|csv [--lang nl\\|en] [--out FILE]"
    )
    assert synopsis in readme
    result = runner.invoke(app, ["digest", "--help"])
    assert result.exit_code == 0
    for flag in ("--db", "--team", "--round", "--compare", "--programme", "--format", "--lang",
                 "--out"):  # fmt: skip
        assert flag in result.output

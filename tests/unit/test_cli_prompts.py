"""Tests for `reflectiebot prompts list/show`."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from bot.app.prompts_cmd import prompts_app
from prompts.library import PHASES, load_library

runner = CliRunner()


def test_list_json_has_every_question_with_source() -> None:
    result = runner.invoke(prompts_app, ["list", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert len(data) == len(load_library().questions) >= 60
    for item in data:
        assert {"id", "phases", "theme", "kind", "text", "why", "source"} <= set(item)
        assert set(item["text"]) == {"nl", "en"}
        assert item["source"]["file"].endswith(".txt") and item["source"]["lines"]
    for phase in PHASES:
        assert sum(phase in item["phases"] for item in data) >= 12


def test_list_filters_by_phase_and_theme() -> None:
    result = runner.invoke(
        prompts_app, ["list", "--phase", "wrapup", "--theme", "borging", "--format", "json"]
    )
    ids = [item["id"] for item in json.loads(result.stdout)]
    assert "borging.vervolg" in ids
    assert all(i.startswith("borging.") for i in ids)


def test_list_table_in_english() -> None:
    result = runner.invoke(prompts_app, ["list", "--theme", "rol", "--locale", "en"])
    assert result.exit_code == 0
    assert "rol.verdeling" in result.stdout and "Question" in result.stdout


def test_show_prints_both_languages_and_source() -> None:
    result = runner.invoke(prompts_app, ["show", "aan-tafel.hete-aardappels"])
    assert result.exit_code == 0
    assert "NL: Schuiven we" in result.stdout and "EN: Do we push" in result.stdout
    assert "002_384312f81034b33d.txt L165-170" in result.stdout
    assert "Valkuil" in result.stdout


def test_unknown_values_exit_2_with_message_on_stderr() -> None:
    for args, word in (
        (["list", "--phase", "halverwege"], "halverwege"),
        (["list", "--theme", "x-thema"], "x-thema"),
        (["list", "--format", "xml"], "xml"),
        (["show", "taak.bestaat-niet"], "taak.bestaat-niet"),
    ):
        result = runner.invoke(prompts_app, args)
        assert result.exit_code == 2, args
        assert word in result.stderr and result.stdout == ""

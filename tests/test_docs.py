"""The docs stay true to the code: README commands, env.example and --help."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from bot.app.cli import app
from bot.settings import Settings

ROOT = Path(__file__).resolve().parent.parent


def _env_names() -> set[str]:
    names = set()
    for name, info in Settings.model_fields.items():
        alias = info.validation_alias
        choices = getattr(alias, "choices", None)
        names.add(str(choices[0]) if choices else f"REFLECTIEBOT_{name.upper()}")
    return names


def test_env_example_lists_every_setting_and_nothing_else() -> None:
    text = (ROOT / "deploy" / "env.example").read_text(encoding="utf-8")
    listed = set(re.findall(r"^([A-Z][A-Z0-9_]+)=", text, flags=re.MULTILINE))
    assert listed == _env_names()


def test_readme_gives_the_two_commands_and_ci_runs_the_test_one() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make demo" in readme and "make test" in readme
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^demo:", makefile, re.MULTILINE)
    assert re.search(r"^test:", makefile, re.MULTILINE)


def test_every_command_in_the_readme_table_exists() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = set(re.findall(r"^\| `reflectiebot ([a-z-]+)", readme, flags=re.MULTILINE))
    assert commands
    runner = CliRunner()
    for command in commands:
        result = runner.invoke(app, [command, "--help"])
        assert result.exit_code == 0, f"reflectiebot {command} --help: {result.output}"

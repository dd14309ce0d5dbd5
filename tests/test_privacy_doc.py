"""docs/privacy.md stays true: every test it names exists, every setting it names is read."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from bot.settings import variable_names

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "privacy.md"
TEST_REF = re.compile(r"`(tests/[\w/]+\.py)::(\w+)`")
SETTING = re.compile(r"\b((?:REFLECTIEBOT|SLACK)_[A-Z0-9_]+)\b")
# Outbound network clients; only the platform adapters may hold them.
OUTBOUND = re.compile(
    r"\b(ClientSession|urlopen|http\.client|httpx|import requests|create_connection|smtplib)\b"
)


def _text() -> str:
    return DOC.read_text(encoding="utf-8")


def _tests_in(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.name.startswith("test_")
    }


def test_every_test_the_privacy_statement_names_exists() -> None:
    refs = TEST_REF.findall(_text())
    assert len(refs) >= 30, "the promises are backed by tests"
    missing = [
        f"{file}::{name}"
        for file, name in refs
        if not (ROOT / file).exists() or name not in _tests_in(ROOT / file)
    ]
    assert missing == []


def test_every_setting_the_privacy_statement_names_is_read_by_the_bot() -> None:
    named = set(SETTING.findall(_text()))
    assert "REFLECTIEBOT_RETENTION_DAYS" in named and "REFLECTIEBOT_LOG_FORMAT" in named
    assert named - set(variable_names()) == set()


def test_the_statement_has_its_sections_in_dutch_and_an_english_summary() -> None:
    text = _text()
    sections = re.findall(r"^## (.+)$", text, flags=re.MULTILINE)
    for wanted in (
        "Bewaartermijnen",
        "Wie ziet wat, per anonimiteitsstand",
        "Wat de server verlaat",
        "Rechten van de betrokkene",
        "Auditlog",
        "English summary",
    ):
        assert wanted in sections
    retention = text.split("## Bewaartermijnen", 1)[1].split("\n## ", 1)[0]
    assert "REFLECTIEBOT_RETENTION_DAYS" in retention
    assert "Slack" in text and "Microsoft" in text and "verwerkersovereenkomst" in text.lower()


def test_only_the_platform_adapters_open_outbound_connections() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for package in ("bot", "prompts", "scheduler")
        for path in (ROOT / package).rglob("*.py")
        for match in OUTBOUND.finditer(path.read_text(encoding="utf-8"))
        # The composition roots only run the server and the health checks on loopback.
        if not str(path.relative_to(ROOT)).startswith("bot/app/")
    ]
    assert offenders == []
    adapters = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "adapters").rglob("*.py"))
    assert "slack_sdk" in adapters or "slack_bolt" in adapters, "the check looks at real code"

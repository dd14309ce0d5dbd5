"""The architecture rule: the core imports no platform code; adapters touch no database."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLATFORM = ("slack_bolt", "slack_sdk", "microsoft_agents", "botbuilder", "aiohttp")
DATABASE = (
    "sqlite_utils",
    "sqlite3",
    "bot.store",
    "bot.answer_store",
    "bot.directory",
    "bot.people",
    "bot.deliveries",
    "bot.db",
    "bot.migrations",
)
# The composition root may wire adapters to the core; nothing else in the core may.
COMPOSITION_ROOT = {"cli.py", "server.py"}


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def _hits(folder: str, banned: tuple[str, ...], skip: set[str] = frozenset()) -> list[str]:
    hits = []
    for path in sorted((ROOT / folder).rglob("*.py")):
        if path.name in skip:
            continue
        for name in _imports(path):
            if (
                name.split(".")[0] in banned
                or name in banned
                or name.startswith(tuple(b + "." for b in banned))
            ):
                hits.append(f"{path.relative_to(ROOT)} imports {name}")
    return hits


def test_core_imports_no_platform_sdk() -> None:
    for folder in ("bot", "prompts", "scheduler"):
        skip = COMPOSITION_ROOT if folder == "bot" else set()
        assert _hits(folder, PLATFORM, skip) == []


def test_core_imports_adapters_only_in_the_composition_root() -> None:
    allowed = COMPOSITION_ROOT | {"demo.py", "chat.py"}  # demo and chat wire the console adapter
    assert _hits("bot", ("adapters",), allowed) == []
    assert _hits("prompts", ("adapters",)) == [] and _hits("scheduler", ("adapters",)) == []


def test_adapters_never_touch_the_database() -> None:
    assert _hits("adapters", DATABASE) == []


def test_only_the_store_modules_hold_sql() -> None:
    sql_modules = {
        "store.py",
        "answer_store.py",
        "directory.py",
        "people.py",
        "deliveries.py",
        "migrations.py",
        "db.py",
    }
    offenders = []
    for folder in ("bot", "prompts", "scheduler", "adapters"):
        for path in (ROOT / folder).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            if path.name not in sql_modules and any(
                kw in text for kw in ("SELECT ", "INSERT INTO", "UPDATE round", "DELETE FROM")
            ):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_the_rule_would_catch_a_violation(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("import slack_bolt\nfrom aiohttp import web\n", encoding="utf-8")
    assert _imports(bad) == ["slack_bolt", "aiohttp"]

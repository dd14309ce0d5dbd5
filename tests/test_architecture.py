"""The architecture: import-linter's contracts hold, would catch a breach, and no module cycles."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "adapters", "prompts", "scheduler")
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
# The only modules that may hold SQL: the storage package.
STORAGE = ROOT / "bot" / "storage"


def _lint(cwd: Path) -> subprocess.CompletedProcess[str]:
    # A subprocess with cwd first on the path, so a copy of the tree is analysed, not the
    # installed one; the cache is off so a copy is never mistaken for the original.
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=cwd,
        env={"PYTHONPATH": str(cwd), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_import_contracts_hold() -> None:
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "BROKEN" not in result.stdout


def test_the_contracts_catch_each_kind_of_breach(tmp_path: Path) -> None:
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package)
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    breaches = {
        # a lower layer reaching up, a module cycle, and each forbidden import
        "bot/storage/outbox.py": "import bot.rounds.fanout\n",
        "adapters/console.py": "import sqlite3\n",
        "scheduler/calendar.py": "import prompts.catalog\n",
        "prompts/catalog.py": "import bot.core\n",
        "bot/models.py": "import aiohttp\n",
    }
    for file, line in breaches.items():
        path = tmp_path / file
        path.write_text(path.read_text(encoding="utf-8") + line, encoding="utf-8")
    result = _lint(tmp_path)
    assert result.returncode != 0
    assert "Contracts: 0 kept, 6 broken." in result.stdout, result.stdout[-3000:]


def test_no_module_imports_another_in_a_cycle_type_only_imports_included() -> None:
    graph = grimp.build_graph(*PACKAGES, exclude_type_checking_imports=False)
    cycles = []
    for module in sorted(graph.modules):
        for imported in graph.find_modules_directly_imported_by(module):
            if graph.find_shortest_chain(importer=imported, imported=module):
                cycles.append(f"{module} <-> {imported}")
    assert cycles == []


def test_only_the_storage_package_holds_sql() -> None:
    offenders = []
    for folder in PACKAGES:
        for path in (ROOT / folder).rglob("*.py"):
            if STORAGE in path.parents:
                continue
            text = path.read_text(encoding="utf-8")
            if any(kw in text for kw in ("SELECT ", "INSERT INTO", "UPDATE round", "DELETE FROM")):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []

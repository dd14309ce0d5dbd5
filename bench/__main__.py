"""Run every benchmark module in this package and print one table of all their rows."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import importlib
import inspect
import json
import pkgutil
import subprocess
import sys
import tempfile
from pathlib import Path

from bench._report import Goal, Row, results, table


def _modules() -> list[str]:
    here = Path(__file__).parent
    names = [info.name for info in pkgutil.iter_modules([str(here)])]
    return sorted(name for name in names if not name.startswith("_"))


def run_one(name: str) -> list[Row]:
    """Call the named module's ``main()`` in this process and return the rows it gives."""
    module = importlib.import_module(f"bench.{name}")
    result = (
        module.main([]) if "argv" in inspect.signature(module.main).parameters else module.main()
    )
    if inspect.isawaitable(result):
        result = asyncio.run(result)  # type: ignore[arg-type]
    return list(result or [])


def run(names: list[str]) -> list[Row]:
    """Run each named module in a process of its own and collect the rows they return.

    One module's heap, threads and warm caches never slow or speed up the next one.
    """
    rows: list[Row] = []
    for name in names:
        print(f"== bench.{name} ==", flush=True)
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "rows.json"
            cmd = [sys.executable, "-m", "bench", "--module", name, "--rows", str(out)]
            subprocess.run(cmd, check=True)
            for raw in json.loads(out.read_text(encoding="utf-8")):
                goal = raw.pop("goal")
                rows.append(Row(**raw, goal=Goal(**goal) if goal else None))
    return rows


def main() -> None:
    """Entry point of ``python -m bench`` (``make bench``)."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--only", action="append", choices=_modules(), help="run only these")
    parser.add_argument("--out", type=Path, help="also write the report (e.g. bench/RESULTS.md)")
    # Internal: how run() has one module measured in a fresh process.
    parser.add_argument("--module", choices=_modules(), help=argparse.SUPPRESS)
    parser.add_argument("--rows", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.module and args.rows:
        found = [dataclasses.asdict(row) for row in run_one(args.module)]
        args.rows.write_text(json.dumps(found), encoding="utf-8")
        return
    rows = run(args.only or _modules())
    print()
    print(table(rows))
    if args.out:
        args.out.write_text(results(rows), encoding="utf-8")
        print(f"\nwritten to {args.out}")


if __name__ == "__main__":
    main()

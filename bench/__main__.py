"""Run every benchmark module in this package and print one table of all their rows."""

from __future__ import annotations

import argparse
import asyncio
import importlib
import inspect
import pkgutil
from pathlib import Path

from bench._report import Row, results, table


def _modules() -> list[str]:
    here = Path(__file__).parent
    names = [info.name for info in pkgutil.iter_modules([str(here)])]
    return sorted(name for name in names if not name.startswith("_"))


def run(names: list[str]) -> list[Row]:
    """Call each named module's ``main()`` and collect the rows it returns."""
    rows: list[Row] = []
    for name in names:
        module = importlib.import_module(f"bench.{name}")
        print(f"== bench.{name} ==", flush=True)
        result = (
            module.main([])
            if "argv" in inspect.signature(module.main).parameters
            else (module.main())
        )
        if inspect.isawaitable(result):
            result = asyncio.run(result)  # type: ignore[arg-type]
        rows.extend(result or [])
    return rows


def main() -> None:
    """Entry point of ``python -m bench`` (``make bench``)."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--only", action="append", choices=_modules(), help="run only these")
    parser.add_argument("--out", type=Path, help="also write the report (e.g. bench/RESULTS.md)")
    args = parser.parse_args()
    rows = run(args.only or _modules())
    print()
    print(table(rows))
    if args.out:
        args.out.write_text(results(rows), encoding="utf-8")
        print(f"\nwritten to {args.out}")


if __name__ == "__main__":
    main()

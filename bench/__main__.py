"""Run every benchmark module in this package, one after the other."""

from __future__ import annotations

import asyncio
import importlib
import inspect
import pkgutil
from pathlib import Path


def main() -> None:
    """Import each ``bench/<name>.py`` and call its ``main()``."""
    for info in sorted(pkgutil.iter_modules([str(Path(__file__).parent)]), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"bench.{info.name}")
        print(f"== bench.{info.name} ==")
        result = module.main()
        if inspect.isawaitable(result):
            asyncio.run(result)


if __name__ == "__main__":
    main()

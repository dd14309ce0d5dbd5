"""Another process that holds a SQLite database's write lock until the test lets go."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

LOCKER = (
    "import sqlite3, sys\n"
    "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
    "c.execute('BEGIN IMMEDIATE')\n"
    "print('locked', flush=True)\n"
    "sys.stdin.readline()\n"
    "c.execute('COMMIT')\n"
)


class Locker:
    """Another process that holds the database's write lock until released."""

    def __init__(self, db: Path):
        self.db = db
        self.proc: asyncio.subprocess.Process | None = None

    async def __aenter__(self) -> Locker:
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            LOCKER,
            str(self.db),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        assert self.proc.stdout is not None
        line = await asyncio.wait_for(self.proc.stdout.readline(), 10)
        assert line.strip() == b"locked"
        return self

    @property
    def holding(self) -> bool:
        return self.proc is not None and self.proc.returncode is None

    async def release(self) -> None:
        assert self.proc is not None and self.proc.stdin is not None
        if self.proc.returncode is None:
            self.proc.stdin.write(b"\n")
            await self.proc.stdin.drain()
            await asyncio.wait_for(self.proc.wait(), 10)

    async def __aexit__(self, *exc: object) -> None:
        await self.release()

"""One server per database file: an exclusive lock that the operating system drops on exit."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from types import TracebackType


class AlreadyRunningError(Exception):
    """Another ``reflectiebot serve`` holds this database file."""


class InstanceLock:
    """An exclusive ``flock`` on ``<database>.lock``, held while the server runs.

    Holding it means no other process can be sending on this database, so at start every
    delivery left in flight belongs to a process that died and may be resolved at once. The
    kernel releases the lock when the process ends, even after SIGKILL.

    Args:
        database: The database file.
    """

    def __init__(self, database: Path):
        self.path = database.with_name(database.name + ".lock")
        self._fd: int | None = None

    def acquire(self) -> InstanceLock:
        """Take the lock or raise :class:`AlreadyRunningError`."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise AlreadyRunningError(str(self.path)) from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        self._fd = fd
        return self

    def release(self) -> None:
        """Give the lock back."""
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> InstanceLock:
        return self.acquire()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()

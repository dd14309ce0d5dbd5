"""`reflectiebot serve` as a real process on a loopback port, with its output collected."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import sys
from pathlib import Path
from types import TracebackType

from aiohttp import ClientSession

from tests.fakes.slack_requests import SignedRequest

SERVE = Path(sys.executable).with_name("reflectiebot")


def free_port() -> int:
    """Return a loopback port that was free a moment ago."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ServeProcess:
    """Start ``reflectiebot serve`` with ``env`` and wait until it listens.

    Every line it writes is kept (``lines``), so a test can wait for a line and, at the end,
    read all of them.

    Args:
        env: Environment variables on top of a minimal one (PATH, HOME).
        timeout: Seconds any single wait may take before the test fails.
    """

    def __init__(self, env: dict[str, str], timeout: float = 20.0):
        self.port = free_port()
        self.env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": "/tmp", **env}
        self.env["REFLECTIEBOT_PORT"] = str(self.port)
        self.env["REFLECTIEBOT_HOST"] = "127.0.0.1"
        self.timeout = timeout
        self.lines: list[str] = []
        self._new_line = asyncio.Condition()
        self._proc: asyncio.subprocess.Process | None = None
        self._readers: list[asyncio.Task[None]] = []
        self.returncode: int | None = None

    @property
    def url(self) -> str:
        """The server's base URL."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        """The process id."""
        assert self._proc is not None
        return self._proc.pid

    @property
    def output(self) -> str:
        """Everything the process wrote to stdout and stderr so far."""
        return "\n".join(self.lines)

    async def __aenter__(self) -> ServeProcess:
        self._proc = await asyncio.create_subprocess_exec(
            str(SERVE),
            "serve",
            env=self.env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        assert self._proc.stdout and self._proc.stderr
        self._readers = [
            asyncio.create_task(self._read(self._proc.stdout)),
            asyncio.create_task(self._read(self._proc.stderr)),
        ]
        await self.wait_for_line("luistert op")
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._proc and self._proc.returncode is None:
            self._proc.kill()
            await self._proc.wait()
        for reader in self._readers:
            with contextlib.suppress(asyncio.CancelledError):
                await reader

    async def _read(self, stream: asyncio.StreamReader) -> None:
        async for raw in stream:
            async with self._new_line:
                self.lines.append(raw.decode("utf-8", "replace").rstrip("\n"))
                self._new_line.notify_all()

    async def wait_for_line(self, fragment: str) -> str:
        """Wait until the process writes a line containing ``fragment``; return that line."""

        def found() -> str | None:
            return next((line for line in self.lines if fragment in line), None)

        async def wait() -> str:
            async with self._new_line:
                await self._new_line.wait_for(lambda: found() is not None or self._exited())
            line = found()
            if line is None:
                raise AssertionError(f"exited before writing {fragment!r}:\n{self.output}")
            return line

        return await asyncio.wait_for(wait(), self.timeout)

    def _exited(self) -> bool:
        return self._proc is not None and self._proc.returncode is not None

    async def post(self, request: SignedRequest, path: str = "/slack/events") -> tuple[int, str]:
        """POST a signed request; return the status and body."""
        async with ClientSession() as http:
            response = await asyncio.wait_for(
                http.post(self.url + path, data=request.body.encode(), headers=request.headers),
                self.timeout,
            )
            return response.status, await response.text()

    def terminate(self) -> None:
        """Send SIGTERM, as a service manager or container runtime does to stop the bot."""
        assert self._proc is not None
        self._proc.send_signal(signal.SIGTERM)

    async def wait(self) -> int:
        """Wait for the process to exit and its output to be read; return the exit code."""
        assert self._proc is not None
        self.returncode = await asyncio.wait_for(self._proc.wait(), self.timeout)
        for reader in self._readers:
            await asyncio.wait_for(reader, self.timeout)
        return self.returncode

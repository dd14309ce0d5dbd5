"""Follow-up work the core spawns while a reply is made starts only once the reply is out."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.background import Background, follow_ups_after
from bot.storage.store import open_store
from bot.storage.workers import Lane, Workers


async def _turns(n: int = 20) -> None:
    # Let the loop run everything that is ready, as it would while a response is written.
    for _ in range(n):
        await asyncio.sleep(0)


async def test_work_spawned_on_a_database_thread_waits_for_the_reply(tmp_path: Path) -> None:
    workers = Workers(open_store(tmp_path / "x.db"))
    background = Background()
    background.attach(asyncio.get_running_loop())
    ran: list[str] = []

    async def post() -> None:
        ran.append("post")

    def command() -> str:  # as a command does: commit, then ask for the posts
        background.spawn(post())
        return "reply"

    try:
        with follow_ups_after():
            reply = await workers.run(command, lane=Lane.INTERACTIVE, deadline=1.5)
            await _turns()
            assert ran == [], "nothing follows before the reply is written"
            ran.append(reply)
        await background.drain()
        assert ran == ["reply", "post"]
    finally:
        workers.close()


async def test_work_spawned_once_the_reply_is_out_starts_at_once() -> None:
    background = Background()
    ran: list[str] = []
    done = asyncio.Event()

    async def post() -> None:
        ran.append("post")

    async def slow_command() -> None:
        # Answered "working on it" in time; it finishes, and asks for its posts, afterwards.
        await done.wait()
        background.spawn(post())

    with follow_ups_after():
        command = asyncio.ensure_future(slow_command())  # in the request's context
    done.set()
    await command
    await _turns()
    assert ran == ["post"], "not lost in a hold that has ended"


async def test_drain_waits_for_work_held_while_the_reply_is_written() -> None:
    # A client can read the reply before the handler that wrote it has started the posts:
    # a drain in that gap (shutdown, a test) must still wait for them, not lose them.
    background = Background()
    ran: list[str] = []
    written = asyncio.Event()

    async def post() -> None:
        ran.append("post")

    async def handler() -> None:
        with follow_ups_after():
            background.spawn(post())
            written.set()
            await _turns(3)  # still writing the response

    request = asyncio.ensure_future(handler())
    await written.wait()
    await background.drain()
    assert ran == ["post"]
    await request

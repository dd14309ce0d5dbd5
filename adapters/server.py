"""The one aiohttp application: every adapter's routes plus ``GET /healthz``."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Sequence

from aiohttp import web

from adapters.base import Adapter

Hook = Callable[[], Awaitable[None]]
ADAPTERS: web.AppKey[Sequence[Adapter]] = web.AppKey("adapters", Sequence)
STARTED: web.AppKey[float] = web.AppKey("started", float)


async def healthz(request: web.Request) -> web.Response:
    """Answer liveness probes with the platforms served and the uptime."""
    adapters = request.app[ADAPTERS]
    return web.json_response(
        {
            "status": "ok",
            "platforms": [a.platform for a in adapters],
            "uptime_s": round(time.monotonic() - request.app[STARTED], 1),
        }
    )


def build_server(
    adapters: Sequence[Adapter], on_startup: Hook | None = None, on_cleanup: Hook | None = None
) -> web.Application:
    """Return the application serving every adapter and ``GET /healthz``.

    Args:
        adapters: The configured platforms; each mounts its own routes.
        on_startup: Runs once the event loop serves requests (starts the scheduler).
        on_cleanup: Runs at shutdown, before the adapters stop.
    """
    app = web.Application()
    app[ADAPTERS] = list(adapters)
    app[STARTED] = time.monotonic()
    app.router.add_get("/healthz", healthz)
    for adapter in adapters:
        adapter.mount(app)

    async def startup(_: web.Application) -> None:
        for adapter in adapters:
            await adapter.start()
        if on_startup:
            await on_startup()

    async def cleanup(_: web.Application) -> None:
        if on_cleanup:
            await on_cleanup()
        for adapter in adapters:
            await adapter.stop()

    app.on_startup.append(startup)
    app.on_cleanup.append(cleanup)
    return app

"""The one aiohttp application: every adapter's routes, ``GET /healthz`` and ``GET /metrics``."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from aiohttp import web

from adapters.base import Adapter
from bot.ports import InteractionPort

log = logging.getLogger(__name__)
Hook = Callable[[], Awaitable[None]]
# Each check answers {"ok": bool, ...details}; the composition root decides what to check.
Checks = Callable[[], Awaitable[dict[str, dict[str, Any]]]]
Metrics = Callable[[], Awaitable[str]]
# Observes the seconds an adapter route took to answer (the platform's acknowledgement).
Observe = Callable[[str, float], None]
ADAPTERS: web.AppKey[Sequence[Adapter]] = web.AppKey("adapters", Sequence)
STARTED: web.AppKey[float] = web.AppKey("started", float)
CHECKS: web.AppKey[Checks | None] = web.AppKey("checks", object)  # type: ignore[arg-type]
METRICS: web.AppKey[Metrics | None] = web.AppKey("metrics", object)  # type: ignore[arg-type]
PROMETHEUS_TYPE = "text/plain; version=0.0.4; charset=utf-8"


async def healthz(request: web.Request) -> web.Response:
    """Answer probes: 200 when every part is up, 503 naming the part that is not."""
    adapters = request.app[ADAPTERS]
    parts: dict[str, dict[str, Any]] = {}
    checks = request.app[CHECKS]
    if checks is not None:
        try:
            parts = await checks()
        except Exception as exc:
            log.error("health check failed: %s", type(exc).__name__)
            parts = {"checks": {"ok": False, "error": type(exc).__name__}}
    ok = all(part.get("ok") for part in parts.values())
    return web.json_response(
        {
            "status": "ok" if ok else "down",
            "platforms": [a.platform for a in adapters],
            "uptime_s": round(time.monotonic() - request.app[STARTED], 1),
            **parts,
        },
        status=200 if ok else 503,
    )


async def metrics(request: web.Request) -> web.Response:
    """Serve the Prometheus text format."""
    produce = request.app[METRICS]
    if produce is None:
        raise web.HTTPNotFound()
    return web.Response(body=(await produce()).encode(), headers={"Content-Type": PROMETHEUS_TYPE})


def _timing(adapters: Sequence[Adapter], observe: Observe) -> Any:
    @web.middleware
    async def timed(request: web.Request, handler: Any) -> web.StreamResponse:
        if request.method != "POST":
            return await handler(request)
        started = time.perf_counter()
        try:
            return await handler(request)
        finally:
            observe(request.path, time.perf_counter() - started)

    return timed


def build_server(
    adapters: Sequence[Adapter],
    inbound: InteractionPort,
    on_startup: Hook | None = None,
    on_cleanup: Hook | None = None,
    *,
    on_stopping: Hook | None = None,
    checks: Checks | None = None,
    produce_metrics: Metrics | None = None,
    observe: Observe | None = None,
) -> web.Application:
    """Return the application serving every adapter, ``GET /healthz`` and ``GET /metrics``.

    Args:
        adapters: The configured platforms; each mounts its own routes.
        inbound: The core's door, which the adapters' routes hand every event to.
        on_startup: Runs once the event loop serves requests (starts the scheduler).
        on_cleanup: Runs at shutdown after the adapters have finished the work they started
            after acknowledging, so the database it closes is no longer needed.
        on_stopping: Runs at shutdown while the adapters still send (last counter updates).
        checks: The parts ``/healthz`` reports (database, scheduler, adapters).
        produce_metrics: Renders ``/metrics``; without it there is no such route.
        observe: Receives how long each platform request took to be answered.
    """
    app = web.Application(middlewares=[_timing(adapters, observe)] if observe else [])
    app[ADAPTERS] = list(adapters)
    app[STARTED] = time.monotonic()
    app[CHECKS] = checks
    app[METRICS] = produce_metrics
    app.router.add_get("/healthz", healthz)
    if produce_metrics is not None:
        app.router.add_get("/metrics", metrics)
    for adapter in adapters:
        adapter.mount(app, inbound)

    async def startup(_: web.Application) -> None:
        for adapter in adapters:
            await adapter.start()
        if on_startup:
            await on_startup()

    async def cleanup(_: web.Application) -> None:
        log.info("shutting down: finishing the work already started, then closing")
        for adapter in adapters:
            await adapter.stop()
        if on_cleanup:
            await on_cleanup()
        log.info("stopped")

    async def stopping(_: web.Application) -> None:
        if on_stopping:
            await on_stopping()

    app.on_startup.append(startup)
    app.on_shutdown.append(stopping)
    app.on_cleanup.append(cleanup)
    return app

"""What ``/healthz`` checks and ``/metrics`` counts, wired by ``reflectiebot serve``.

The counts come from the database at scrape time (read on a worker thread, never on the
event loop): rounds by status, answers stored, posts per platform and outcome, retries and
the outbox depth. They are totals of what the database holds, so they drop when retention
deletes old rounds. Latencies are observed in the process: how long each platform request
took to be acknowledged, and each scheduler tick.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from prometheus_client import CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

from adapters.base import Adapter
from bot.core import Core
from bot.ports import DbBusyError
from bot.storage.stats import Figures
from bot.storage.workers import Lane
from scheduler.jobs import Runner

# Slack's acknowledgement limit is 3 s; the buckets resolve what lies well inside it.
ACK_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 5.0)
TICK_BUCKETS = (0.001, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 15.0, 60.0)
CHECK_DEADLINE = 1.0


class _DatabaseFigures(Collector):
    """Yields the figures read just before each scrape."""

    def __init__(self) -> None:
        self.figures = Figures()

    def collect(self) -> Iterator[Any]:
        f = self.figures
        rounds = CounterMetricFamily(
            "reflectiebot_rounds", "Rounds in the database, by status", labels=["status"]
        )
        for status, n in sorted(f.rounds.items()):
            rounds.add_metric([status], n)
        yield rounds
        yield CounterMetricFamily(
            "reflectiebot_answers_stored", "Answers in the database", value=f.answers
        )
        posts = CounterMetricFamily(
            "reflectiebot_posts",
            "Deliveries to the platforms, by platform and outcome",
            labels=["platform", "status"],
        )
        for (platform, status), n in sorted(f.deliveries.items()):
            posts.add_metric([platform, status], n)
        yield posts
        retried = CounterMetricFamily(
            "reflectiebot_posts_retried", "Retried attempts, by platform", labels=["platform"]
        )
        for platform, n in sorted(f.retries.items()):
            retried.add_metric([platform], n)
        yield retried
        yield GaugeMetricFamily(
            "reflectiebot_outbox_depth", "Deliveries waiting or in flight", value=f.outbox_depth
        )


class Health:
    """The server's probes and metrics.

    Args:
        core: The wired context (its database runs on worker threads).
        runner: The scheduler.
        adapters: The platform adapters.
    """

    def __init__(self, core: Core, runner: Runner, adapters: Sequence[Adapter]):
        self.core = core
        self.runner = runner
        self.adapters = list(adapters)
        self.registry = CollectorRegistry()
        self.acks = Histogram(
            "reflectiebot_ack_seconds",
            "Time until a platform request was answered",
            ["path"],
            buckets=ACK_BUCKETS,
            registry=self.registry,
        )
        self.ticks = Histogram(
            "reflectiebot_tick_seconds",
            "Duration of the scheduler's reconcile tick",
            buckets=TICK_BUCKETS,
            registry=self.registry,
        )
        self._figures = _DatabaseFigures()
        self.registry.register(self._figures)

    def observe_ack(self, path: str, seconds: float) -> None:
        """Record one platform request's answer time."""
        self.acks.labels(path=path).observe(seconds)

    def observe_tick(self, seconds: float) -> None:
        """Record one reconcile tick's duration."""
        self.ticks.observe(seconds)

    async def checks(self) -> dict[str, dict[str, Any]]:
        """Return each part's state; ``/healthz`` answers 503 when one is not ok."""
        try:
            reachable = await self.core.run(
                lambda: self.core.store.stats.reachable(),
                lane=Lane.INTERACTIVE,
                deadline=CHECK_DEADLINE,
            )
            database: dict[str, Any] = {"ok": reachable}
        except DbBusyError:
            database = {"ok": True, "busy": True}  # locked by a writer, but it answers
        except Exception as exc:
            database = {"ok": False, "error": type(exc).__name__}
        parts: dict[str, dict[str, Any]] = {
            "database": database,
            "scheduler": self.runner.describe(),
        }
        for adapter in self.adapters:
            parts[adapter.platform] = adapter.health()
        return parts

    async def metrics(self) -> str:
        """Return the Prometheus text format, with the database figures read just now."""
        self._figures.figures = await self.core.run(lambda: self.core.store.stats.figures())
        return generate_latest(self.registry).decode()

"""Shared fixtures: an isolated environment, an in-memory database and a manual clock."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from adapters.console import ConsoleAdapter
from bot.clock import ManualClock
from bot.core import Core
from bot.messages import Actor, ConversationRef
from bot.models import Anonymity, RoleName
from bot.settings import Settings
from bot.storage.store import open_store
from prompts.library import load_library
from tests.harness import Bot

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch) -> None:
    # Tests must not pick up a developer's real tokens or database path.
    for name in list(os.environ):
        if name.startswith(("REFLECTIEBOT_", "SLACK_", "CONNECTIONS__")):
            monkeypatch.delenv(name, raising=False)


@pytest.fixture
def seeds_dir() -> Path:
    """The source documents; CI has ../shared beside the clone. Missing fails, never skips."""
    path = ROOT.parent / "shared" / "seeds"
    assert path.is_dir(), f"seed documents not found at {path}"
    return path


@pytest.fixture
def clock() -> ManualClock:
    """Monday 11 January 2027, 08:00 UTC (09:00 in Amsterdam)."""
    return ManualClock(datetime(2027, 1, 11, 8, 0, tzinfo=UTC))


@pytest.fixture
def settings() -> Settings:
    """Default settings in test mode."""
    return Settings(env="test")


@pytest.fixture
def console() -> ConsoleAdapter:
    """A console chat port that records everything it is asked to send."""
    return ConsoleAdapter()


@pytest.fixture
def lc(settings: Settings, clock: ManualClock, console: ConsoleAdapter) -> Iterator[Bot]:
    """The core on a fresh in-memory database, wired to the console port."""
    store = open_store(None)
    yield Bot(Core(store, load_library(), settings, clock, ports={"console": console}))
    store.close()


def people(n: int) -> list[Actor]:
    """Return ``n`` console people named p1, p2, ..."""
    return [
        Actor(platform="console", user_id=f"p{i}", display_name=f"Persoon {i}")
        for i in range(1, n + 1)
    ]


def make_team(
    lc: Bot,
    console: ConsoleAdapter,
    team_id: str = "wijk",
    size: int = 6,
    anonymity: str = "anonymous",
) -> list[Actor]:
    """Create a console team with ``size`` members, a manager and a coach; return the members."""
    members = people(size)
    console.rosters[team_id] = members
    lc.store.directory.ensure_programme("prog", "Programma")
    conv = lc.store.directory.upsert_conversation(
        ConversationRef(platform="console", external_id=team_id, name=team_id)
    )
    lc.store.directory.create_team(
        team_id,
        f"Team {team_id}",
        "prog",
        conv,
        "console",
        lc.core.clock.now(),
        anonymity=Anonymity(anonymity).value,
    )
    for user, role in (("mgr", RoleName.MANAGER), ("coach", RoleName.COACH)):
        member = lc.store.people.upsert_member(
            Actor(platform="console", user_id=user, display_name=user)
        )
        lc.store.people.grant(member.id, "programme", "prog", role)
    return members

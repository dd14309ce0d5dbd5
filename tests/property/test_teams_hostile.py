"""Property-based: no activity shape sent to /api/messages gets a 5xx, a traceback or a change.

Hypothesis plays a broken client, a proxy or an attacker in anonymous dev/test mode (so every
request gets past authentication to the parsers): bodies that are not activities, activities
with missing or wrongly typed fields, card actions with foreign tokens and odd values, and
commands from a stranger. Each must end in 200, 202 or 400 with no ERROR log line, and leave
the database exactly as it was.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fakes.specs import find_specs_dir
from tests.fakes.teams_activities import fill
from tests.fakes.teams_world import CHANNEL, MANAGER, OUTSIDER, Teams, teams_world

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)
VERBS = st.sampled_from(["reflectie.answer", "reflectie.open_form", "reflectie.confirm", "", "x"])
FIELDS = [
    "type",
    "from",
    "conversation",
    "recipient",
    "serviceUrl",
    "value",
    "name",
    "entities",
    "text",
    "channelData",
    "membersAdded",
    "id",
    "locale",
    "replyToId",
]
QUICK = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


class Errors(logging.Handler):
    """Collects every ERROR (or worse) record, from any logger."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


class World:
    """A Teams tenant with an open round in the channel, on an event loop of its own."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._cm = teams_world(find_specs_dir())
        self.teams: Teams = self.loop.run_until_complete(self._cm.__aenter__())
        self.run(self.teams.command("start"))
        rnd = self.teams.open_round()
        self.round_id, self.message_id = rnd.id, rnd.message_id or ""
        self.card = self.teams.connector.post(CHANNEL, self.message_id).card or {}

    def run(self, work: Any) -> Any:
        return self.loop.run_until_complete(work)

    def snapshot(self) -> dict[str, list[tuple[Any, ...]]]:
        db = self.teams.lc.store.db
        return {
            name: sorted(tuple(r) for r in db.execute(f"SELECT * FROM [{name}]").fetchall())
            for name in db.table_names()
            if name not in ("inbound_event", "_sqlite_migrations")
        }

    def close(self) -> None:
        self.loop.run_until_complete(self._cm.__aexit__(None, None, None))
        self.loop.close()


@pytest.fixture(scope="module")
def world() -> Iterator[tuple[World, Errors]]:
    errors = Errors()
    logging.getLogger().addHandler(errors)
    made = World()
    yield made, errors
    made.close()
    logging.getLogger().removeHandler(errors)


def _quietly(w: World, errors: Errors, body: Any, *, raw: bytes | None = None) -> int:
    before = w.snapshot()
    errors.records.clear()

    async def post() -> int:
        if raw is not None:
            response = await w.teams.http.post(
                "/api/messages", data=raw, headers={"Content-Type": "application/json"}
            )
        else:
            response = await w.teams.http.post("/api/messages", json=body)
        await response.read()
        await w.teams.adapter.drain()
        return response.status

    status = w.run(post())
    assert status in (200, 202, 400), status
    assert [r.getMessage() for r in errors.records] == []
    assert w.snapshot() == before
    return status


@QUICK
@given(
    raw=st.binary(max_size=300)
    | st.text(max_size=300).map(str.encode)
    | JSON.map(lambda v: json.dumps(v).encode())
)
def test_a_body_that_is_not_an_activity_gets_400_not_500(
    world: tuple[World, Errors], raw: bytes
) -> None:
    w, errors = world
    _quietly(w, errors, None, raw=raw)


@QUICK
@given(field=st.sampled_from(FIELDS), value=JSON, verb=VERBS)
def test_an_activity_with_an_odd_field_is_refused_or_ignored_cleanly(
    world: tuple[World, Errors], field: str, value: Any, verb: str
) -> None:
    w, errors = world
    act = w.teams.act
    outsider = w.teams.person(OUTSIDER)
    for activity in (
        act.message("status", outsider, CHANNEL),
        act.execute(verb, {"round": w.round_id}, outsider, CHANNEL, w.message_id),
    ):
        activity[field] = value
        _quietly(w, errors, activity)


@QUICK
@given(field=st.sampled_from(FIELDS), value=JSON)
def test_an_odd_installation_event_is_answered_without_a_5xx_or_an_error(
    world: tuple[World, Errors], field: str, value: Any
) -> None:
    # An installation is allowed to be remembered (who added the bot); it must never break.
    w, errors = world
    activity = w.teams.act.installed(CHANNEL, w.teams.person(OUTSIDER))
    activity[field] = value
    errors.records.clear()

    async def post() -> int:
        response = await w.teams.http.post("/api/messages", json=activity)
        await response.read()
        await w.teams.adapter.drain()
        return response.status

    assert w.run(post()) in (202, 400)
    assert [r.getMessage() for r in errors.records] == []


@QUICK
@given(
    token=st.text(max_size=90),
    answers=st.dictionaries(st.text(max_size=20), JSON, max_size=5),
    prefilled=JSON,
)
def test_a_card_action_with_a_foreign_token_or_odd_values_stores_nothing(
    world: tuple[World, Errors], token: str, answers: dict[str, Any], prefilled: Any
) -> None:
    w, errors = world
    data: dict[str, Any] = {
        **{f"q:{k}": v for k, v in answers.items()},
        "form_token": token,
        "prefilled": prefilled,
        "round": w.round_id,
    }
    member = w.teams.person(MANAGER)
    activity = w.teams.act.execute("reflectie.answer", data, member, CHANNEL, w.message_id)
    assert _quietly(w, errors, activity) == 200


@QUICK
@given(values=st.lists(JSON, min_size=3, max_size=3))
def test_the_real_token_with_odd_values_from_an_outsider_stores_nothing(
    world: tuple[World, Errors], values: list[Any]
) -> None:
    w, errors = world
    data = fill(w.card)
    for key, value in zip([k for k in data if k.startswith("q:")], values, strict=False):
        data[key] = value
    activity = w.teams.act.execute(
        "reflectie.answer", data, w.teams.person(OUTSIDER), CHANNEL, w.message_id
    )
    assert _quietly(w, errors, activity) == 200


@QUICK
@given(text=st.text(max_size=200), mentions=st.lists(JSON, max_size=3))
def test_any_command_by_a_stranger_is_answered_and_changes_nothing(
    world: tuple[World, Errors], text: str, mentions: list[Any]
) -> None:
    w, errors = world
    activity = w.teams.act.message(text, w.teams.person(OUTSIDER), CHANNEL)
    activity["entities"] = activity["entities"] + mentions
    _quietly(w, errors, activity)

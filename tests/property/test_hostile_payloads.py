"""Property-based: no command text or Slack payload shape gets a 5xx, a traceback or a change.

Hypothesis generates what people type and what a broken client, a proxy or an attacker who
knows the signing secret could send: missing fields, wrong types, huge strings, unknown or
foreign round ids, other scripts' digits. Every request is properly signed, so it reaches the
parsers; each must end in 200 (a clear reply) or 400, with no ERROR log line, and a refused one
must leave the database exactly as it was.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.commands.syntax import ParseError
from bot.commands.table import parse
from tests.fakes.slack_requests import SignedRequest
from tests.fakes.slack_world import Slack, answers_for, slack_world
from tests.fakes.specs import find_specs_dir

# Words of the command language, with digits of other scripts and odd dates mixed in.
WORDS = [
    "start",
    "plan",
    "stop",
    "status",
    "digest",
    "rol",
    "instellingen",
    "hulp",
    "programma",
    "opfris",
    "afronding",
    "thema",
    "oefening",
    "volgende",
    "afspraken",
    "wijziging",
    "hercontract",
    "gedragscode",
    "taal",
    "anonimiteit",
    "dagen",
    "coach",
    "manager",
    "weg",
    "@U1",
    "<@U2|x>",
    "2027-01-11",
    "11-01-2027",
    "2027-02-30",
    "٣",
    "²",
    "١١-٠١-٢٠٢٧",
    "00-00-0000",
    "9" * 30,
    "nl",
    "fr",
    "naam",
    "-",
    ",",
    "\u200b",
    "ｓｔａｒｔ",
]
STRANGER = "UXSTRANGER"
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)
IDS = st.one_of(
    st.sampled_from(["", " ", "U1", "١", "²", "UX" * 200, "U\u0000", "12", "-1", "1.0"]),
    st.text(max_size=20),
)
EXAMPLES = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


class Errors(logging.Handler):
    """Collects every ERROR (or worse) record, from any logger."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


class World:
    """A Slack workspace with an open round in C1, on an event loop of its own."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._cm = slack_world(find_specs_dir())
        self.slack: Slack = self.loop.run_until_complete(self._cm.__aenter__())
        self.run(self.slack.command("start"))
        self.round_id = self.slack.open_round().id
        self.run(
            self.slack.send(self.slack.req.button(self.round_id, user_id="U1", channel_id="C1"))
        )
        self.view = self.slack.last_view()

    def run(self, work: Any) -> Any:
        return self.loop.run_until_complete(work)

    def post(self, request: SignedRequest) -> int:
        return int(self.run(self.slack.send(request))[0])

    def close(self) -> None:
        self.loop.run_until_complete(self._cm.__aexit__(None, None, None))
        self.loop.close()


@pytest.fixture
def world() -> Iterator[tuple[World, Errors]]:
    errors = Errors()
    logging.getLogger().addHandler(errors)
    made = World()
    yield made, errors
    made.close()
    logging.getLogger().removeHandler(errors)


def _refused_quietly(world: World, errors: Errors, request: SignedRequest) -> None:
    before = world.slack.snapshot()
    status = world.post(request)
    assert status in (200, 400, 404), status  # 404: bolt has no listener for it
    assert errors.records == [], [r.getMessage() for r in errors.records]
    assert world.slack.snapshot() == before


@settings(deadline=None)  # the first example loads the question library
@given(text=st.text(max_size=200) | st.lists(st.sampled_from(WORDS), max_size=8).map(" ".join))
def test_the_parser_answers_every_text_with_a_command_or_an_explanation(text: str) -> None:
    try:
        parse(text)
    except ParseError as err:
        assert err.key.startswith("commands.")


@EXAMPLES
@given(text=st.lists(st.sampled_from(WORDS), max_size=7).map(" ".join) | st.text(max_size=300))
def test_any_command_by_a_stranger_is_answered_and_changes_nothing(
    world: tuple[World, Errors], text: str
) -> None:
    w, errors = world
    request = w.slack.req.command(text, user_id=STRANGER, channel_id="C1", channel_name="wijkteam")
    _refused_quietly(w, errors, request)


@EXAMPLES
@given(
    fields=st.dictionaries(
        st.sampled_from(["user_id", "channel_id", "text", "trigger_id", "command", "user_name"]),
        IDS,
        max_size=6,
    )
)
def test_a_slash_command_with_missing_or_odd_fields_is_refused_cleanly(
    world: tuple[World, Errors], fields: dict[str, str]
) -> None:
    w, errors = world
    body = urlencode({"command": "/reflectie", **fields})
    _refused_quietly(w, errors, w.slack.req.sign(body, "application/x-www-form-urlencoded"))


@EXAMPLES
@given(
    user=IDS,
    metadata=IDS | st.just("@token"),
    state=st.dictionaries(st.text(max_size=12), JSON, max_size=4),
    broken=st.sampled_from(["state", "view", "user", "none"]),
)
def test_a_broken_or_foreign_submission_is_refused_and_stores_nothing(
    world: tuple[World, Errors], user: str, metadata: str, state: dict[str, Any], broken: str
) -> None:
    w, errors = world
    answers = answers_for(w.view)
    request = w.slack.req.view_submission(w.view, answers, user_id="U1" if user == "U1" else user)
    payload = json.loads(_form_value(request.body))
    token = w.view["private_metadata"]
    payload["view"]["private_metadata"] = token if metadata == "@token" else metadata
    if broken == "state":
        payload["view"]["state"] = {"values": state}
    elif broken == "view":
        payload["view"] = state
    elif broken == "user":
        payload["user"] = state
    if metadata == "@token" and user == "U1" and broken == "none":
        return  # a genuine submission: not a refusal (covered by the flow tests)
    _refused_quietly(w, errors, w.slack.req.interactive(payload))


@EXAMPLES
@given(
    value=IDS | st.integers().map(str),
    actions=st.one_of(st.none(), JSON, st.lists(JSON, max_size=3)),
    user=IDS,
)
def test_a_broken_button_press_is_refused_cleanly(
    world: tuple[World, Errors], value: str, actions: Any, user: str
) -> None:
    w, errors = world
    request = w.slack.req.button(value, user_id=user or "U", channel_id="C1")
    payload = json.loads(_form_value(request.body))
    if actions is not None:
        payload["actions"] = actions
    payload["user"]["id"] = user
    before = w.slack.snapshot()
    status = w.post(w.slack.req.interactive(payload))
    assert status in (200, 400, 404)
    assert errors.records == []
    if user != "U1":
        assert w.slack.snapshot() == before


@EXAMPLES
@given(
    raw=st.sampled_from(
        [
            "payload=null",
            "payload=%5B1%5D",
            "payload={",
            "payload=",
            "payload=%22x%22",
            "a=b",
            "",
            "payload=%7B%7D",
        ]
    )
    | st.text(max_size=60)
)
def test_a_signed_body_that_is_not_a_slack_payload_gets_400_not_500(
    world: tuple[World, Errors], raw: str
) -> None:
    w, errors = world
    _refused_quietly(w, errors, w.slack.req.sign(raw, "application/x-www-form-urlencoded"))


@EXAMPLES
@given(event=st.dictionaries(st.sampled_from(["type", "user", "channel", "tab", "inviter"]), JSON))
def test_an_event_of_any_shape_is_refused_or_ignored_cleanly(
    world: tuple[World, Errors], event: dict[str, Any]
) -> None:
    w, errors = world
    if event.get("type") == "app_home_opened" and isinstance(event.get("user"), str):
        event["user"] = STRANGER + "!"  # a well-formed home view may store its person
    _refused_quietly(w, errors, w.slack.req.event(event))


def _form_value(body: str) -> str:
    from urllib.parse import parse_qs

    return parse_qs(body)["payload"][0]

"""Teams activities to neutral events: mentions, threads, installs, card data; limits' retries."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest
from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from adapters.teams import translate as tr
from adapters.teams.limits import Limits, Window, delivery_error
from bot.ports import DeliveryError
from tests.fakes.teams_activities import TeamsActivities
from tests.fakes.teams_connector import Person

ANNA = Person("aaaaaaaa-0000-4000-8000-000000000001", "Anna de Vries")
BERT = Person("aaaaaaaa-0000-4000-8000-000000000002", "Bert")
CHANNEL = "19:c@thread.tacv2"
ACT = TeamsActivities("https://smba.trafficmanager.net/emea/")


def test_the_bots_mention_is_stripped_and_a_persons_becomes_their_entra_id() -> None:
    activity = ACT.message("rol coach @Bert", ANNA, CHANNEL, mentions=[BERT])
    assert activity["text"].startswith("<at>reflectiebot</at>")
    bert = tr.person(BERT.aad, BERT.name, None, BERT.teams_id, activity)
    event = tr.command_to_inbound(activity, {BERT.teams_id: bert})
    assert event.text == f"rol coach @{BERT.aad}"
    assert event.mentions[BERT.aad].reference["id"] == BERT.teams_id
    assert event.actor.user_id == ANNA.aad and event.actor.reference["id"] == ANNA.teams_id
    assert event.conversation.external_id == CHANNEL, "the channel, not the thread"
    assert event.conversation.reference["serviceUrl"] == ACT.service_url


def test_an_unresolved_mention_stays_a_name_the_core_does_not_know() -> None:
    activity = ACT.message("rol coach @Bert", ANNA, CHANNEL, mentions=[BERT])
    assert tr.command_to_inbound(activity, {}).text == "rol coach Bert"


def test_a_personal_chat_message_is_a_command_without_a_mention() -> None:
    activity = ACT.message("hulp", ANNA, "a:1", conv_type="personal")
    event = tr.command_to_inbound(activity, {})
    assert event.text == "hulp" and event.conversation.kind == "personal"
    assert tr.thread_of(activity) is None


def test_a_reply_in_a_channel_goes_to_the_thread_of_the_command() -> None:
    activity = ACT.message("status", ANNA, CHANNEL)
    assert tr.thread_of(activity) == activity["id"]


def test_only_the_bots_own_arrival_counts_as_an_install() -> None:
    assert tr.bot_added(ACT.installed(CHANNEL, ANNA))
    other = ACT.installed(CHANNEL, ANNA)
    other["membersAdded"] = [{"id": BERT.teams_id}]
    assert not tr.bot_added(other)
    assert tr.bot_added(ACT.installation("a:1", ANNA))


def test_a_person_without_an_entra_id_is_refused() -> None:
    activity = ACT.message("start", ANNA, CHANNEL)
    activity["from"].pop("aadObjectId")
    with pytest.raises(tr.MalformedError):
        tr.command_to_inbound(activity, {})


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"form_token": "geen-token"},
        {"form_token": "1." + "a" * 90},
        {"form_token": "1.abc", "q:a": ["lijst"]},
        {"form_token": "1.abc", "q:a": {"x": 1}},
    ],
)
def test_card_data_that_cannot_be_answers_is_refused(data: dict[str, Any]) -> None:
    activity = ACT.execute("reflectie.answer", data, ANNA, CHANNEL, "1")
    with pytest.raises(tr.MalformedError):
        tr.answers_to_inbound(activity, data)


def test_prefilled_inputs_that_come_back_empty_are_cleared_others_kept() -> None:
    data = {"form_token": "4.abc", "q:a": "3", "q:b": "", "q:c": " ", "prefilled": ["b", "d"]}
    event = tr.answers_to_inbound(ACT.execute("reflectie.answer", data, ANNA, CHANNEL, "1"), data)
    assert event.round_id == 4 and event.answers == {"a": "3"}
    assert event.cleared == ["b", "d"]


def _error(status: int, retry_after: str | None = None) -> aiohttp.ClientResponseError:
    headers = CIMultiDictProxy(CIMultiDict({"Retry-After": retry_after} if retry_after else {}))
    info = aiohttp.RequestInfo(URL("http://x/"), "POST", headers, URL("http://x/"))
    return aiohttp.ClientResponseError(info, (), status=status, headers=headers)


def test_connector_answers_become_the_cores_delivery_errors() -> None:
    assert delivery_error(_error(429, "7")).retry_after == 7.0
    assert delivery_error(_error(429)).retryable
    for status in (403, 404):
        gone = delivery_error(_error(status))
        assert gone.gone and not gone.retryable
    assert not delivery_error(_error(400)).retryable
    assert delivery_error(_error(412)).retryable and delivery_error(_error(504)).retryable


async def test_retries_are_bounded_and_wait_what_the_connector_asks() -> None:
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    limits = Limits(per_conversation=0, per_tenant=0, attempts=3, sleep=sleep)
    calls = 0

    async def throttled() -> str:
        nonlocal calls
        calls += 1
        raise _error(429, "2")

    with pytest.raises(DeliveryError) as raised:
        await limits.call("c", "t", throttled)
    assert calls == 3 and waits == [2.0, 2.0] and raised.value.retryable

    async def removed() -> str:
        raise _error(403)

    waits.clear()
    with pytest.raises(DeliveryError) as gone:
        await limits.call("c", "t", removed)
    assert gone.value.gone and waits == [], "a removed bot is not retried"

    async def long_wait() -> str:
        raise _error(429, "120")

    with pytest.raises(DeliveryError):
        await limits.call("c", "t", long_wait)
    assert waits == [], "a long Retry-After is left to the outbox"


async def test_the_tenant_window_never_lets_more_than_its_limit_out_in_any_period() -> None:
    clock = [0.0]
    sent: list[float] = []

    async def sleep(seconds: float) -> None:
        clock[0] += seconds

    window = Window(30, 1.05, sleep=sleep, monotonic=lambda: clock[0])
    for _ in range(200):
        await window.wait("tenant")
        sent.append(clock[0])
    for i in range(len(sent) - 30):
        assert sent[i + 30] - sent[i] >= 1.05, "31 requests never share one window"
    assert 200 / sent[-1] >= 27, "and the limit is used, not wasted"
    window.hold("tenant", 5)
    before = clock[0]
    await window.wait("tenant")
    assert clock[0] - before >= 5, "a 429's Retry-After holds the whole tenant"

"""SlackOutbound with the real slack_sdk client against the fake Web API on a loopback port."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from adapters.http import SHARED
from adapters.slack.outbound import SlackOutbound, make_client
from bot.messages import Actor, ConversationRef, Rendered
from bot.ports import DeliveryError
from prompts.render import render
from tests.fakes.slack_api import FakeSlackWebAPI
from tests.fakes.specs import specs_dir_fixture  # noqa: F401

CHANNEL = ConversationRef(platform="slack", external_id="C1", name="team")


@pytest.fixture
async def api(specs_dir: Path) -> AsyncIterator[FakeSlackWebAPI]:
    async with FakeSlackWebAPI(specs_dir) as fake:
        fake.add_channel("C1", [])
        yield fake
        await SHARED.close()
    assert fake.violations == []


def outbound(api: FakeSlackWebAPI, pace: float = 0.0) -> SlackOutbound:
    return SlackOutbound(make_client("xoxb-test", api.base_url), pace=pace)


def text(value: str) -> Rendered:
    return render("slack", "message", "nl", text=value)


async def test_post_update_thread_and_notify(api: FakeSlackWebAPI) -> None:
    out = outbound(api)
    ts = await out.post(CHANNEL, text("hallo <iedereen>"))
    reply = await out.post(CHANNEL, text("in de draad"), thread=ts)
    await out.update(CHANNEL, ts, text("bijgewerkt"))
    api.add_user("U1", "Anna")
    dm = await out.notify(Actor(platform="slack", user_id="U1"), text("psst"))
    await out.notify(Actor(platform="slack", user_id="U1"), text("nog eens"))
    posts = api.posts_to("C1")
    assert [m.text for m in posts] == ["bijgewerkt", "in de draad"]
    assert posts[0].blocks[0]["text"]["text"] == "bijgewerkt"
    assert api.messages[("C1", reply)].thread_ts == ts
    assert [m.text for m in api.posts_to("DU1")] == ["psst", "nog eens"] and dm
    assert len(api.of("conversations.open")) == 1, "the DM channel is cached"


async def test_long_message_is_posted_in_parts_in_order(api: FakeSlackWebAPI) -> None:
    body = "\n".join(f"regel {i} " + "x" * 90 for i in range(600))
    ts = await outbound(api).post(CHANNEL, text(body))
    parts = api.posts_to("C1")
    assert len(parts) > 5 and parts[0].ts == ts
    joined = "".join(b["text"]["text"] for m in parts for b in m.blocks)
    assert joined == body


@pytest.mark.parametrize(
    "error", ["channel_not_found", "is_archived", "not_in_channel", "account_inactive"]
)
async def test_permanent_errors_are_not_retryable(api: FakeSlackWebAPI, error: str) -> None:
    api.break_channel("C1", error)
    with pytest.raises(DeliveryError) as raised:
        await outbound(api).post(CHANNEL, text("x"))
    assert (raised.value.reason, raised.value.retryable) == (error, False)
    assert len(api.of("chat.postMessage")) == 0


async def test_a_server_error_is_handed_to_the_outbox_untried(api: FakeSlackWebAPI) -> None:
    # The SDK does not retry by itself: a post retried there could arrive twice without the
    # database knowing. The outbox retries it on its own timer instead.
    api.fail_next = [("chat.postMessage", 503)]
    with pytest.raises(DeliveryError) as raised:
        await outbound(api).post(CHANNEL, text("komt aan"))
    assert raised.value.retryable
    assert [c.status for c in api.calls if c.method == "chat.postMessage"] == [503]
    assert await outbound(api).post(CHANNEL, text("komt aan"))


async def test_429_is_retryable_with_retry_after(specs_dir: Path) -> None:
    async with FakeSlackWebAPI(specs_dir, per_channel_interval=60) as api:
        # Without the SDK's retry handler the 429 reaches us instead of being waited out.
        client = AsyncWebClient(token="xoxb-test", base_url=api.base_url, retry_handlers=[])
        out = SlackOutbound(client, pace=0)
        await out.post(CHANNEL, text("een"))
        with pytest.raises(DeliveryError) as raised:
            await out.post(CHANNEL, text("twee"))
        assert (raised.value.reason, raised.value.retryable) == ("ratelimited", True)
        assert raised.value.retry_after == 1.0
        assert api.rate_limited == 1 and len(api.posts_to("C1")) == 1


async def test_paced_posts_never_hit_the_limit(specs_dir: Path) -> None:
    async with FakeSlackWebAPI(specs_dir, per_channel_interval=0.05) as api:
        out = SlackOutbound(make_client("xoxb-test", api.base_url), pace=0.06)
        for i in range(4):
            await out.post(CHANNEL, text(f"bericht {i}"))
        assert api.rate_limited == 0 and len(api.posts_to("C1")) == 4


async def test_roster_pages_and_leaves_out_bots_and_deleted(api: FakeSlackWebAPI) -> None:
    people = [f"U{i:03d}" for i in range(450)]
    for user in people:
        api.add_user(user, f"Persoon {user}", locale="en-GB")
    api.add_user("UOTHERBOT", "helper", is_bot=True)
    api.add_user("UGONE", "gone", deleted=True)
    api.add_channel("C9", [*people, "UOTHERBOT", "UGONE", "USLACKBOT"])
    out = outbound(api)
    members = await out.list_members(ConversationRef(platform="slack", external_id="C9"))
    assert [m.user_id for m in members] == people
    assert members[0].display_name == "Persoon U000" and members[0].locale == "en-GB"
    assert len(api.of("conversations.members")) == 3
    lookups = len(api.of("users.info"))
    await out.list_members(ConversationRef(platform="slack", external_id="C9"))
    assert len(api.of("users.info")) == lookups, "users are cached"
    with pytest.raises(DeliveryError) as raised:
        await out.list_members(ConversationRef(platform="slack", external_id="CNONE"))
    assert raised.value.reason == "channel_not_found"


async def test_every_call_reuses_one_keep_alive_connection(api: FakeSlackWebAPI) -> None:
    out = outbound(api)
    for n in range(20):
        await out.post(CHANNEL, text(f"bericht {n}"))
    assert len(api.of("chat.postMessage")) == 20
    assert len(api.connections) == 1, "no new connection (TLS handshake) per call"


async def test_a_burst_of_one_method_is_paced_to_its_tier_not_refused(specs_dir: Path) -> None:
    # Slack's minute run 100 times faster: Tier 3 (chat.update) is 50 calls per 0.6 s.
    minute = 0.6
    async with FakeSlackWebAPI(specs_dir, tiers=True, minute=minute) as api:
        api.add_channel("C1", [])
        out = SlackOutbound(make_client("xoxb-test", api.base_url), pace=0.001, minute=minute)
        ts = await out.post(CHANNEL, text("telling"))
        await asyncio.gather(*(out.update(CHANNEL, ts, text(f"{n} van 80")) for n in range(80)))
        assert api.rate_limited == 0, "paced before the call, never refused"
        assert api.messages[("C1", ts)].updates == 80


async def test_an_unpaced_burst_beyond_the_tier_is_refused_with_retry_after(
    specs_dir: Path,
) -> None:
    async with FakeSlackWebAPI(specs_dir, tiers=True, minute=60) as api:
        api.add_channel("C1", [])
        out = outbound(api)  # pace 0: no pacing at all
        ts = await out.post(CHANNEL, text("telling"))
        results = await asyncio.gather(
            *(out.update(CHANNEL, ts, text(f"{n}")) for n in range(60)), return_exceptions=True
        )
        refused = [r for r in results if isinstance(r, DeliveryError)]
        assert len(refused) == 60 - 51 and api.rate_limited_by == {"chat.update": 9}
        assert all(r.reason == "ratelimited" and r.retry_after for r in refused)

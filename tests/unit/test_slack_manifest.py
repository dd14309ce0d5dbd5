"""The Slack app manifest validates offline and asks only for the scopes the code uses."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft7Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from tests.fakes.specs import specs_dir_fixture  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = ROOT / "deploy" / "slack" / "manifest.yaml"
# Which scope each Web API method we call needs (docs.slack.dev method pages).
METHOD_SCOPES = {
    "chat_postMessage": "chat:write",
    "chat_update": "chat:write",
    "conversations_open": "im:write",
    "conversations_members": "channels:read",
    "users_info": "users:read",
    "views_open": None,
    "views_publish": None,
    "auth_test": None,
    "conversations_history": "channels:history",
}
# Used only when the operator grants it (docs/slack.md, "After a crash"): reading a channel's
# history is a lot to ask of a team, so the default manifest leaves it out.
OPTIONAL = {"conversations_history"}


def _validator(specs_dir: Path) -> Draft7Validator:
    def load(name: str) -> Any:
        return json.loads((specs_dir / "slack" / "manifest-schema" / name).read_text("utf-8"))

    def no_network(uri: str) -> Resource[Any]:
        raise LookupError(f"unexpected remote $ref {uri}")

    refs = load("offline-refs.json")["refs"]
    registry: Registry[Any] = Registry(retrieve=no_network).with_resources(  # type: ignore[call-arg]
        (url, Resource.from_contents(load(name), default_specification=DRAFT7))
        for url, name in refs.items()
    )
    return Draft7Validator(load("manifest.schema.json"), registry=registry)


def manifest() -> dict[str, Any]:
    return yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))


def test_manifest_is_valid(specs_dir: Path) -> None:
    errors = [e.message for e in _validator(specs_dir).iter_errors(manifest())]
    assert errors == []


def test_the_schema_rejects_a_broken_manifest(specs_dir: Path) -> None:
    broken = manifest()
    broken["features"]["slash_commands"][0]["command"] = "reflectie"
    assert list(_validator(specs_dir).iter_errors(broken))


def test_every_url_is_the_one_events_endpoint() -> None:
    m = manifest()
    urls = [
        m["settings"]["event_subscriptions"]["request_url"],
        m["settings"]["interactivity"]["request_url"],
        *(c["url"] for c in m["features"]["slash_commands"]),
    ]
    assert set(urls) == {"https://<host>/slack/events"}
    assert [c["command"] for c in m["features"]["slash_commands"]] == ["/reflectie"]
    assert set(m["settings"]["event_subscriptions"]["bot_events"]) == {
        "app_home_opened",
        "member_joined_channel",
        "member_left_channel",
    }
    assert m["features"]["app_home"]["home_tab_enabled"] is True


def test_scopes_match_what_the_code_calls() -> None:
    source = "".join(
        p.read_text(encoding="utf-8") for p in (ROOT / "adapters" / "slack").glob("*.py")
    )
    called = set(re.findall(r"_call\(\"([a-z]+\.[a-zA-Z]+)\"", source)) | set(
        re.findall(r"client\.([a-z]+_[a-zA-Z]+)\(", source)
    )
    called = {c.replace(".", "_") for c in called}
    assert called <= set(METHOD_SCOPES), called - set(METHOD_SCOPES)
    needed = {METHOD_SCOPES[c] for c in called - OPTIONAL} - {None}
    # Private channels need groups:read for the same calls and events as public ones.
    needed |= {"commands", "groups:read"}
    assert set(manifest()["oauth_config"]["scopes"]["bot"]) == needed

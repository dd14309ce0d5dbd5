"""Signed Slack requests (commands, button presses, modal submissions, events) for tests."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from itertools import count
from typing import Any
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

_ids = count(1)


@dataclass
class SignedRequest:
    """A request body with the headers Slack would send."""

    body: str
    headers: dict[str, str]


class SlackRequests:
    """Builds requests signed the way ``SignatureVerifier`` checks them.

    Args:
        signing_secret: The app's signing secret.
        respond_base: Base URL for ``response_url`` (the fake Web API's ``/respond/``).
    """

    def __init__(self, signing_secret: str, respond_base: str = "http://127.0.0.1:9/respond/"):
        self.secret = signing_secret
        self.respond_base = respond_base

    def sign(
        self,
        body: str,
        content_type: str,
        *,
        timestamp: int | None = None,
        secret: str | None = None,
        retry_num: int | None = None,
    ) -> SignedRequest:
        """Sign ``body`` at ``timestamp`` (now by default) with ``secret`` (the real one)."""
        ts = str(int(time.time()) if timestamp is None else timestamp)
        signature = SignatureVerifier(secret or self.secret).generate_signature(
            timestamp=ts, body=body
        )
        headers = {
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": signature,
            "Content-Type": content_type,
        }
        if retry_num is not None:
            headers["X-Slack-Retry-Num"] = str(retry_num)
            headers["X-Slack-Retry-Reason"] = "http_timeout"
        return SignedRequest(body, headers)

    def forged(self, request: SignedRequest) -> SignedRequest:
        """Return ``request`` signed with a wrong secret."""
        return self.sign(request.body, request.headers["Content-Type"], secret="not-the-secret")

    def replayed(self, request: SignedRequest, age: int = 600) -> SignedRequest:
        """Return ``request`` correctly signed but ``age`` seconds old (Slack allows 300)."""
        return self.sign(
            request.body, request.headers["Content-Type"], timestamp=int(time.time()) - age
        )

    def command(
        self,
        text: str,
        *,
        user_id: str,
        channel_id: str,
        channel_name: str = "team",
        user_name: str = "someone",
        trigger_id: str | None = None,
    ) -> SignedRequest:
        """A ``/reflectie`` slash command."""
        n = next(_ids)
        form = {
            "token": "legacy",
            "team_id": "T1",
            "team_domain": "fake",
            "channel_id": channel_id,
            "channel_name": channel_name,
            "user_id": user_id,
            "user_name": user_name,
            "command": "/reflectie",
            "text": text,
            "api_app_id": "A1",
            "response_url": f"{self.respond_base}cmd{n}",
            "trigger_id": trigger_id or f"{n}.trigger",
        }
        return self.sign(urlencode(form), "application/x-www-form-urlencoded")

    def interactive(self, payload: dict[str, Any]) -> SignedRequest:
        return self.sign(
            urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded"
        )

    def button(
        self,
        round_id: int | str,
        *,
        user_id: str,
        channel_id: str,
        message_ts: str = "1.000001",
        action_id: str = "reflectie.open_form",
        block_id: str = "round",
    ) -> SignedRequest:
        """A press of a button: the round's answer button, or another ``action_id``."""
        n = next(_ids)
        return self.interactive(
            {
                "type": "block_actions",
                "team": {"id": "T1", "domain": "fake"},
                "user": {"id": user_id, "username": user_id.lower(), "team_id": "T1"},
                "api_app_id": "A1",
                "token": "legacy",
                "trigger_id": f"{n}.trigger",
                "channel": {"id": channel_id, "name": "team"},
                "container": {
                    "type": "message",
                    "message_ts": message_ts,
                    "channel_id": channel_id,
                },
                "response_url": f"{self.respond_base}act{n}",
                "actions": [
                    {
                        "type": "button",
                        "action_id": action_id,
                        "block_id": block_id,
                        "value": str(round_id),
                        "action_ts": f"{time.time():.6f}",
                    }
                ],
            }
        )

    def view_submission(
        self, view: dict[str, Any], answers: dict[str, str], *, user_id: str
    ) -> SignedRequest:
        """Submit ``view`` (as sent to views.open) with ``answers`` by question id."""
        values: dict[str, dict[str, Any]] = {}
        for block in view.get("blocks", []):
            if block.get("type") != "input":
                continue
            element = block["element"]
            qid = block["block_id"].removeprefix("q:")
            state: dict[str, Any] = {"type": element["type"]}
            value = answers.get(qid)
            if element["type"] == "plain_text_input":
                state["value"] = value
            else:
                options = [o for o in element.get("options", []) if o["value"] == value]
                state["selected_option"] = options[0] if options else None
            values[block["block_id"]] = {element["action_id"]: state}
        n = next(_ids)
        return self.interactive(
            {
                "type": "view_submission",
                "team": {"id": "T1", "domain": "fake"},
                "user": {"id": user_id, "username": user_id.lower(), "team_id": "T1"},
                "api_app_id": "A1",
                "token": "legacy",
                "trigger_id": f"{n}.trigger",
                "view": {
                    **view,
                    "id": f"V{n}",
                    "team_id": "T1",
                    "state": {"values": values},
                    "hash": f"{n}.hash",
                },
            }
        )

    def event(
        self, event: dict[str, Any], *, event_id: str | None = None, retry_num: int | None = None
    ) -> SignedRequest:
        """An Events API delivery (``retry_num`` marks a redelivery)."""
        body = {
            "token": "legacy",
            "team_id": "T1",
            "api_app_id": "A1",
            "event": event,
            "type": "event_callback",
            "event_id": event_id or f"Ev{next(_ids):08d}",
            "event_time": int(time.time()),
            "authorizations": [{"team_id": "T1", "user_id": "UBOT", "is_bot": True}],
        }
        return self.sign(json.dumps(body), "application/json", retry_num=retry_num)

"""Slack's published Web API rate limits: a tier per method, counted per app per workspace.

Source: https://docs.slack.dev/apis/web-api/rate-limits ("applied on a per API method per
app per workspace basis"): Tier 1 1+ per minute, Tier 2 20+, Tier 3 50+, Tier 4 100+, and
the special tier of ``chat.postMessage``, about one message per second per channel with a
workspace-wide limit Slack does not put a number on. Each method's tier is on its reference
page (docs.slack.dev/reference/methods/<method>, "Rate limits"). The "+" means Slack may
allow more; pacing to the number itself never collects a 429.
"""

from __future__ import annotations

TIER_PER_MINUTE = {1: 1, 2: 20, 3: 50, 4: 100}
METHOD_TIER = {
    "chat.update": 3,
    "conversations.open": 3,
    "conversations.history": 3,
    "conversations.members": 4,
    "users.info": 4,
    "views.open": 4,
    "views.publish": 4,
    "views.update": 4,
}
"""Tiers of the methods the bot calls; ``chat.postMessage`` and ``auth.test`` are special."""
POST_INTERVAL = 1.0
"""Seconds between two messages to one channel (chat.postMessage's special limit)."""


def per_minute() -> dict[str, int]:
    """Return the calls per minute each tiered method allows in one workspace."""
    return {method: TIER_PER_MINUTE[tier] for method, tier in METHOD_TIER.items()}

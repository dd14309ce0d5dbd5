"""Rendered messages and views as Slack payloads, split to fit Slack's size limits."""

from __future__ import annotations

import json
from typing import Any

from bot.messages import Rendered
from prompts.render import slack_escape

# Documented: 50 blocks per message, 3000 characters per section text. Messages whose blocks
# approach ~13k characters fail with msg_blocks_too_long (slackapi/bolt-js#2509), so a message
# is split well below that.
MAX_MESSAGE_BLOCKS = 50
MAX_SECTION_TEXT = 3000
MAX_MESSAGE_JSON = 11_000


def view_payload(msg: Rendered) -> dict[str, Any]:
    """Return the view of a rendered modal or Home tab (views take no ``text`` field)."""
    payload = dict(msg.payload or {})
    payload.pop("text", None)
    payload["blocks"] = split_sections(list(payload.get("blocks") or []))
    return payload


def _cut(text: str, limit: int) -> int:
    # Prefer a line break, then a space; never split an HTML entity such as &amp;.
    cut = max(text.rfind("\n", 0, limit), text.rfind(" ", 0, limit))
    cut = cut + 1 if cut > limit // 2 else limit
    amp = text.rfind("&", max(cut - 6, 0), cut)
    if amp >= 0 and ";" not in text[amp:cut]:
        cut = amp
    return cut


def split_sections(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Split any section whose text exceeds Slack's 3000 characters into several sections."""
    out: list[dict[str, Any]] = []
    for block in blocks:
        text = (block.get("text") or {}).get("text") if block.get("type") == "section" else None
        if not isinstance(text, str) or len(text) <= MAX_SECTION_TEXT:
            out.append(block)
            continue
        rest = text
        first = True
        while rest:
            cut = len(rest) if len(rest) <= MAX_SECTION_TEXT else _cut(rest, MAX_SECTION_TEXT)
            part = {**block, "text": {**block["text"], "text": rest[:cut]}}
            if not first:
                part.pop("block_id", None)
                part.pop("accessory", None)
            out.append(part)
            rest, first = rest[cut:], False
    return out


def _fallback(text: str, blocks: list[dict[str, Any]]) -> str:
    # ``text`` is what notifications show; Slack reads it as mrkdwn, so it is escaped too.
    # A long text (the whole body of a plain message) is replaced per part by that part's own
    # sections, so no part exceeds the 40,000 characters Slack keeps.
    if len(text) <= MAX_SECTION_TEXT:
        return slack_escape(text)
    return "\n".join(
        b["text"]["text"] for b in blocks if b.get("type") == "section" and "text" in b
    )


def message_chunks(msg: Rendered) -> list[dict[str, Any]]:
    """Return the ``text``/``blocks`` arguments of one or more messages showing ``msg``.

    Nothing is cut: a payload over Slack's per-message limits becomes several messages,
    which the outbound side posts in order.
    """
    payload = msg.payload or {}
    blocks = split_sections(list(payload.get("blocks") or []))
    if not blocks:
        return [{"text": slack_escape(msg.text)}]
    if len(blocks) <= MAX_MESSAGE_BLOCKS and (
        len(json.dumps(blocks, ensure_ascii=False)) <= MAX_MESSAGE_JSON
    ):
        # Nearly every message fits: one measure of the whole, not one per block.
        return [{"text": _fallback(msg.text, blocks), "blocks": blocks}]
    chunks: list[list[dict[str, Any]]] = [[]]
    size = 0
    for block in blocks:
        weight = len(json.dumps(block, ensure_ascii=False))
        full = len(chunks[-1]) >= MAX_MESSAGE_BLOCKS or size + weight > MAX_MESSAGE_JSON
        if chunks[-1] and full:
            chunks.append([])
            size = 0
        chunks[-1].append(block)
        size += weight
    return [{"text": _fallback(msg.text, chunk), "blocks": chunk} for chunk in chunks]

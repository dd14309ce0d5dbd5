"""Checks Slack messages and views against the documented Block Kit limits in the specs."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

# Slack answers msg_blocks_too_long near 13k characters of blocks (slackapi/bolt-js#2509).
MESSAGE_BLOCKS_JSON = 13_000


@lru_cache(maxsize=4)
def load_limits(specs_dir: Path) -> dict[str, dict[str, Any]]:
    """Return the limits of ``slack/block-kit-limits.json`` by id."""
    data = json.loads((specs_dir / "slack" / "block-kit-limits.json").read_text(encoding="utf-8"))
    return {item["id"]: item for item in data["limits"]}


class BlockKitChecker:
    """Collects every limit a message or view breaks; an empty list means it is valid."""

    def __init__(self, specs_dir: Path):
        self.limits = load_limits(specs_dir)

    def _max(self, problems: list[str], limit_id: str, value: Any, where: str) -> None:
        limit = self.limits[limit_id]
        size = len(value) if isinstance(value, str | list) else value
        if size > limit["max"] or ("min" in limit and size < limit["min"]):
            problems.append(
                f"{where}: {limit_id} is {size}, limit {limit.get('min', 0)}..{limit['max']}"
            )

    def _text(self, problems: list[str], limit_id: str, obj: Any, where: str) -> None:
        if obj is None:
            return
        if not isinstance(obj, dict) or obj.get("type") not in ("plain_text", "mrkdwn"):
            problems.append(f"{where}: not a text object: {obj!r:.80}")
            return
        self._max(problems, limit_id, str(obj.get("text", "")), where)

    def _option(self, problems: list[str], option: dict[str, Any], where: str) -> None:
        self._text(problems, "option.text.text", option.get("text"), where)
        self._max(problems, "option.value", str(option.get("value", "")), where)
        self._text(problems, "option.description.text", option.get("description"), where)

    def _element(self, problems: list[str], el: dict[str, Any], where: str) -> None:
        kind = el.get("type")
        if "action_id" in el:
            self._max(problems, "element.action_id", el["action_id"], where)
        self._text(problems, "input_element.placeholder.text", el.get("placeholder"), where)
        if kind == "button":
            self._text(problems, "button.text.text", el.get("text"), where)
            self._max(problems, "button.value", str(el.get("value", "")), where)
        elif kind == "plain_text_input":
            if "max_length" in el:
                self._max(problems, "plain_text_input.max_length", el["max_length"], where)
                if len(el.get("initial_value", "")) > el["max_length"]:
                    problems.append(f"{where}: initial_value longer than max_length")
        elif kind in ("radio_buttons", "static_select", "checkboxes"):
            options = el.get("options") or []
            limit_id = {
                "radio_buttons": "radio_buttons.options",
                "checkboxes": "checkboxes.options",
                "static_select": "static_select.options",
            }[kind]
            self._max(problems, limit_id, options, where)
            for option in options:
                self._option(problems, option, where)
            initial = el.get("initial_option")
            if initial is not None and initial not in options:
                problems.append(f"{where}: initial_option is not one of the options")

    def _block(self, problems: list[str], block: dict[str, Any], where: str) -> None:
        kind = block.get("type")
        if "block_id" in block:
            self._max(problems, "block.block_id", block["block_id"], where)
        if kind == "section":
            if "text" not in block and "fields" not in block:
                problems.append(f"{where}: section without text or fields")
            self._text(problems, "section.text.text", block.get("text"), where)
            fields = block.get("fields") or []
            self._max(problems, "section.fields", fields, where)
            for field in fields:
                self._text(problems, "section.fields[].text", field, where)
            if block.get("accessory"):
                self._element(problems, block["accessory"], where)
        elif kind == "header":
            self._text(problems, "header.text.text", block.get("text"), where)
        elif kind == "actions":
            self._max(problems, "actions.elements", block.get("elements") or [], where)
            for el in block.get("elements") or []:
                self._element(problems, el, where)
        elif kind == "context":
            self._max(problems, "context.elements", block.get("elements") or [], where)
        elif kind == "input":
            self._text(problems, "input.label.text", block.get("label"), where)
            self._text(problems, "input.hint.text", block.get("hint"), where)
            self._element(problems, block.get("element") or {}, where)
        elif kind not in ("divider",):
            problems.append(f"{where}: unexpected block type {kind!r}")

    def message(self, payload: dict[str, Any]) -> list[str]:
        """Return the problems of a chat.postMessage/chat.update body (``text``, ``blocks``)."""
        problems: list[str] = []
        blocks = payload.get("blocks") or []
        if isinstance(blocks, str):
            blocks = json.loads(blocks)
        if not payload.get("text") and not blocks:
            problems.append("message: neither text nor blocks")
        self._max(problems, "message.text", str(payload.get("text") or ""), "message")
        self._max(problems, "message.blocks", blocks, "message")
        if len(json.dumps(blocks, ensure_ascii=False)) > MESSAGE_BLOCKS_JSON:
            problems.append("message: msg_blocks_too_long")
        for i, block in enumerate(blocks):
            if block.get("type") == "input":
                problems.append(f"message.blocks[{i}]: input blocks belong in views")
            self._block(problems, block, f"message.blocks[{i}]")
        return problems

    def view(self, view: dict[str, Any]) -> list[str]:
        """Return the problems of a modal or Home tab view."""
        problems: list[str] = []
        kind = view.get("type")
        if kind not in ("modal", "home"):
            return [f"view: type must be modal or home, not {kind!r}"]
        blocks = view.get("blocks") or []
        self._max(problems, f"{kind}.blocks", blocks, "view")
        if kind == "modal":
            self._text(problems, "modal.title.text", view.get("title"), "view.title")
            self._text(problems, "modal.close.text", view.get("close"), "view.close")
            self._text(problems, "modal.submit.text", view.get("submit"), "view.submit")
            if any(b.get("type") == "input" for b in blocks) and not view.get("submit"):
                problems.append("view: a modal with inputs needs submit")
        self._max(problems, "view.private_metadata", str(view.get("private_metadata", "")), "view")
        self._max(problems, "view.callback_id", str(view.get("callback_id", "")), "view")
        seen: set[str] = set()
        for i, block in enumerate(blocks):
            block_id = block.get("block_id")
            if block_id in seen:
                problems.append(f"view.blocks[{i}]: duplicate block_id {block_id}")
            if block_id:
                seen.add(block_id)
            self._block(problems, block, f"view.blocks[{i}]")
        return problems

"""Jinja2 rendering of every user-facing message, per surface and locale."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from bot.messages import Rendered
from prompts.catalog import norm_locale, t

TEMPLATES_DIR = Path(__file__).parent / "templates"
JSON_SURFACES = ("slack", "teams")
EXTENSIONS = {
    "slack": ".json.j2",
    "teams": ".json.j2",
    "text": ".txt.j2",
    "markdown": ".md.j2",
    "html": ".html.j2",
}


def slack_escape(value: object) -> str:
    """Escape the three characters Slack treats as control characters in mrkdwn."""
    return str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _json_string(value: object) -> str:
    # Inside JSON templates a value becomes a JSON string literal without the quotes.
    return json.dumps(str(value), ensure_ascii=False)[1:-1]


@lru_cache(maxsize=1)
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES_DIR)),
        undefined=StrictUndefined,
        # Only HTML is escaped by Jinja2; JSON surfaces use the `js` filter, Slack text `se`.
        autoescape=select_autoescape(enabled_extensions=("html.j2",), default=False),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        # Templates ship with the release and change only with it: no stat() per render.
        auto_reload=False,
    )
    env.filters["se"] = slack_escape
    env.filters["js"] = _json_string
    return env


def render(surface: str, name: str, locale: str | None, **context: Any) -> Rendered:
    """Render template ``name`` for ``surface`` in ``locale``.

    JSON surfaces (slack, teams) render a JSON object whose ``text`` is the notification
    fallback; text surfaces render plain text.

    Args:
        surface: ``text``, ``markdown``, ``html``, ``slack`` or ``teams``.
        name: Template name without extension, e.g. ``round_open``.
        locale: Reader's locale.
        **context: View models and values the template uses.

    Raises:
        jinja2.UndefinedError: When the template uses a value the caller did not give.
        ValueError: When a JSON template does not produce valid JSON.
    """
    lang = norm_locale(locale)
    template = _environment().get_template(f"{surface}/{name}{EXTENSIONS[surface]}")

    def translate(key: str, **variables: Any) -> str:
        return t(key, lang, **variables)

    output = template.render(t=translate, locale=lang, **context)
    if surface in JSON_SURFACES:
        try:
            payload = json.loads(output)
        except json.JSONDecodeError as exc:
            raise ValueError(f"template {surface}/{name} gave invalid JSON: {exc}") from exc
        return Rendered(surface=surface, text=str(payload.get("text", "")), payload=payload)
    return Rendered(surface=surface, text=output.strip())


def message(surface: str, locale: str | None, key: str, **variables: Any) -> Rendered:
    """Render one catalog message as a simple message on ``surface``."""
    text = t(key, locale, **variables)
    return render(surface, "message", locale, text=text)

"""Message catalog: ``t(key, locale, **vars)`` over messages/{nl,en}/*.yaml."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from jinja2 import Environment, StrictUndefined, Template

MESSAGES_DIR = Path(__file__).parent / "messages"
LOCALES = ("nl", "en")
DEFAULT_LOCALE = "nl"

_env = Environment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False)
# Messages are placeholders and filters, never Jinja2's globals (range, cycler, ...): without
# them every render skips merging them into its context, which was half of a render's cost.
_env.globals.clear()


class CatalogError(KeyError):
    """A message key is missing in a locale."""


def _flatten(prefix: str, node: Any, out: dict[str, str]) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            _flatten(f"{prefix}.{key}" if prefix else str(key), value, out)
    else:
        out[prefix] = str(node)


@lru_cache(maxsize=len(LOCALES))
def messages(locale: str) -> dict[str, str]:
    """Return every message of ``locale`` as a flat ``dotted.key -> text`` map.

    Each file ``messages/<locale>/<name>.yaml`` contributes its keys under ``<name>.``.
    """
    out: dict[str, str] = {}
    for path in sorted((MESSAGES_DIR / locale).glob("*.yaml")):
        _flatten(path.stem, yaml.safe_load(path.read_text(encoding="utf-8")) or {}, out)
    return out


@lru_cache(maxsize=4096)
def _template(locale: str, key: str) -> Template | str:
    table = messages(locale)
    if key not in table:
        raise CatalogError(f"message {key!r} missing for locale {locale!r}")
    text = table[key]
    if "{" not in text:
        # Without a placeholder, tag or comment Jinja2 would give the text back, less one
        # trailing newline; skipping the render halves the cost of a typical reply.
        return text[:-1] if text.endswith("\n") else text
    return _env.from_string(text)


def norm_locale(locale: str | None) -> str:
    """Return a supported locale for ``locale`` (``en-GB`` becomes ``en``; unknown becomes nl)."""
    base = (locale or DEFAULT_LOCALE).split("-")[0].split("_")[0].lower()
    return base if base in LOCALES else DEFAULT_LOCALE


def t(key: str, locale: str | None = None, **variables: Any) -> str:
    """Render message ``key`` in ``locale``.

    Args:
        key: Dotted key, ``<file>.<path>``, e.g. ``round.open_title``.
        locale: ``nl`` or ``en``; other values fall back to Dutch.
        **variables: Values for the message's Jinja2 placeholders.

    Raises:
        CatalogError: When the key is missing; a missing variable raises UndefinedError.
    """
    template = _template(norm_locale(locale), key)
    return template if isinstance(template, str) else template.render(**variables)


def has(key: str, locale: str | None = None) -> bool:
    """Return whether ``key`` exists in ``locale``."""
    return key in messages(norm_locale(locale))


@lru_cache(maxsize=64)
def command_word(platform: str, locale: str | None = None) -> str:
    """Return how a person types the bot's command on ``platform`` (``/reflectie`` on Slack)."""
    key = f"commands.cmd.{platform}"
    return t(key if has(key, locale) else "commands.cmd.slack", locale)

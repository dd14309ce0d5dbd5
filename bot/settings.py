"""Settings from the environment (prefix REFLECTIEBOT_), with every problem reported at once."""

from __future__ import annotations

import difflib
import os
from datetime import date, time
from pathlib import Path
from typing import Any, Literal, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_core import PydanticCustomError
from pydantic_settings import BaseSettings, SettingsConfigDict

from prompts.catalog import norm_locale, t

LOCALES = ("nl", "en")
PREFIX = "REFLECTIEBOT_"
# pydantic's own error types, each said in the reader's language (``settings.<key>``).
_PYDANTIC_ERRORS = {
    "int_parsing": "not_a_number",
    "int_type": "not_a_number",
    "int_from_float": "not_a_number",
    "greater_than_equal": "too_small",
    "greater_than": "too_small",
    "less_than_equal": "too_big",
    "less_than": "too_big",
    "literal_error": "choose",
    "time_parsing": "bad_time",
    "time_type": "bad_time",
    "bool_parsing": "bad_bool",
    "bool_type": "bad_bool",
}


def _parts(value: str) -> list[str]:
    return [p.strip() for p in value.split(",") if p.strip()]


def _listed(values: list[str]) -> str:
    return ", ".join(f"'{v}'" for v in values)


def _is_iso_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _is_admin(text: str) -> bool:
    platform, _, user = text.partition(":")
    return platform in ("slack", "teams", "console") and bool(user)


class SettingsError(Exception):
    """The environment holds invalid settings; ``problems`` lists each in plain words."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def _alias(name: str) -> AliasChoices:
    return AliasChoices(name)


class Settings(BaseSettings):
    """All configuration; see deploy/env.example for every variable."""

    model_config = SettingsConfigDict(
        env_prefix="REFLECTIEBOT_", extra="ignore", case_sensitive=False
    )

    env: Literal["production", "dev", "test"] = "production"
    db: Path = Path("reflectiebot.db")
    admins: str = ""
    host: str = "0.0.0.0"
    port: int = Field(default=3000, ge=1, le=65535)
    timezone: str = "Europe/Amsterdam"
    locale: Literal["nl", "en"] = "nl"
    open_time: time = time(9, 30)
    close_time: time = time(17, 0)
    round_working_days: int = Field(default=5, ge=1, le=20)
    grace_minutes: int = Field(default=360, ge=0, le=7 * 24 * 60)
    extra_closed_days: str = ""
    suppression_threshold: int = Field(default=3, ge=1, le=50)
    retention_days: int = Field(default=365, ge=1)
    roster_refresh_hours: int = Field(default=24, ge=1, le=24 * 30)
    teams_anonymous: bool = False
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["text", "json"] = "text"

    slack_bot_token: SecretStr | None = Field(
        default=None, validation_alias=_alias("SLACK_BOT_TOKEN")
    )
    slack_signing_secret: SecretStr | None = Field(
        default=None, validation_alias=_alias("SLACK_SIGNING_SECRET")
    )
    slack_app_token: SecretStr | None = Field(
        default=None, validation_alias=_alias("SLACK_APP_TOKEN")
    )
    slack_api_base_url: str | None = Field(
        default=None, validation_alias=_alias("SLACK_API_BASE_URL")
    )
    teams_client_id: str | None = Field(
        default=None, validation_alias=_alias("CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTID")
    )
    teams_client_secret: SecretStr | None = Field(
        default=None,
        validation_alias=_alias("CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTSECRET"),
    )
    teams_tenant_id: str | None = Field(
        default=None, validation_alias=_alias("CONNECTIONS__SERVICE_CONNECTION__SETTINGS__TENANTID")
    )

    @field_validator("locale", mode="before")
    @classmethod
    def _locale(cls, value: object) -> object:
        # REFLECTIEBOT_LOCALE=EN means English; anything else is named in the people's words.
        if isinstance(value, str):
            if value.strip().lower() not in LOCALES:
                raise PydanticCustomError("settings.bad_locale", "bad locale", {"value": value})
            return value.strip().lower()
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise PydanticCustomError(
                "settings.unknown_zone", "unknown zone", {"zone": value}
            ) from None
        return value

    @field_validator("extra_closed_days")
    @classmethod
    def _dates(cls, value: str) -> str:
        bad = [part for part in _parts(value) if not _is_iso_date(part)]
        if bad:
            raise PydanticCustomError("settings.bad_date", "bad date", {"value": _listed(bad)})
        return value

    @field_validator("admins")
    @classmethod
    def _admins(cls, value: str) -> str:
        # Every wrong entry at once: "bram,slack:" has two problems, not one.
        bad = [part for part in _parts(value) if not _is_admin(part)]
        if bad:
            raise PydanticCustomError("settings.bad_admin", "bad admin", {"value": _listed(bad)})
        return value

    def closed_days(self) -> set[date]:
        """Return the configured extra closed days."""
        return {
            date.fromisoformat(p.strip()) for p in self.extra_closed_days.split(",") if p.strip()
        }

    def admin_ids(self) -> set[tuple[str, str]]:
        """Return the bootstrap managers as ``(platform, user_id)`` pairs."""
        pairs = (p.strip().partition(":") for p in self.admins.split(",") if p.strip())
        return {(platform, user) for platform, _, user in pairs}

    @property
    def slack_enabled(self) -> bool:
        """Whether the Slack adapter has what it needs (a fake Web API needs no real token)."""
        return self.slack_signing_secret is not None and (
            self.slack_bot_token is not None or self._fake_slack
        )

    @property
    def _fake_slack(self) -> bool:
        return self.env in ("dev", "test") and bool(self.slack_api_base_url)

    def slack_token(self) -> str:
        """Return the bot token; against a dev/test fake Web API a placeholder will do."""
        if self.slack_bot_token is not None:
            return self.slack_bot_token.get_secret_value()
        return "xoxb-fake-web-api" if self._fake_slack else ""

    @property
    def teams_enabled(self) -> bool:
        """Whether the Teams adapter has credentials or runs anonymously (dev/test)."""
        return self.teams_client_id is not None or self.teams_anonymous

    def cross_field_problems(self, language: str | None = None) -> list[str]:
        """Return problems that involve more than one variable, in ``language`` (or ours)."""
        problems: list[str] = []
        lang = language or self.locale
        if (self.slack_bot_token is None) != (self.slack_signing_secret is None) and not (
            self._fake_slack and self.slack_signing_secret is not None
        ):
            problems.append(t("settings.slack_pair", lang))
        teams = [self.teams_client_id, self.teams_client_secret, self.teams_tenant_id]
        if any(v is not None for v in teams) and not all(v is not None for v in teams):
            problems.append(t("settings.teams_triple", lang))
        if self.env == "production":
            if self.slack_api_base_url:
                problems.append(t("settings.dev_only", lang, var="SLACK_API_BASE_URL"))
            if self.teams_anonymous:
                problems.append(t("settings.dev_only", lang, var="REFLECTIEBOT_TEAMS_ANONYMOUS"))
        if self.close_time <= self.open_time:
            problems.append(t("settings.close_before_open", lang))
        return problems


def _var_name(field: str) -> str:
    info = Settings.model_fields.get(field)
    alias = info.validation_alias if info else None
    if isinstance(alias, AliasChoices):
        return str(alias.choices[0])
    return f"{PREFIX}{field.upper()}"


def variable_names() -> list[str]:
    """Return the name of every environment variable the settings read."""
    return [_var_name(field) for field in Settings.model_fields]


def requested_locale() -> str:
    """Return the language asked for in the environment, even when other settings are wrong."""
    # Error messages about the settings must come out before the settings are valid.
    return norm_locale(os.environ.get("REFLECTIEBOT_LOCALE"))


def unknown_variables(environ: dict[str, str] | None = None) -> list[tuple[str, str | None]]:
    """Return ``(name, closest known name or None)`` for each unknown REFLECTIEBOT_ variable.

    A misspelt variable (``REFLECTIEBOT_TIMEZON``) would otherwise be ignored silently.
    """
    known = variable_names()
    names = sorted(os.environ if environ is None else environ)
    found = []
    for name in names:
        upper = name.upper()
        if upper.startswith(PREFIX) and upper not in known:
            close = difflib.get_close_matches(upper, known, n=1, cutoff=0.6)
            found.append((name, close[0] if close else None))
    return found


def _problem_text(err: Any, locale: str) -> str:
    kind = str(err["type"])
    field = str(err["loc"][0]) if err["loc"] else ""
    ctx = dict(err.get("ctx") or {})
    if kind.startswith("settings."):
        return t(kind, locale, **ctx)
    key = _PYDANTIC_ERRORS.get(kind, "bad_value")
    limit = next((ctx[k] for k in ("ge", "gt", "le", "lt") if k in ctx), "")
    info = Settings.model_fields.get(field)
    choices = get_args(info.annotation) if info and key == "choose" else ()
    return t(
        f"settings.{key}",
        locale,
        value=err.get("input", ""),
        limit=limit,
        choices=", ".join(str(c) for c in choices),
    )


def load_settings(*, language: str | None = None, **overrides: object) -> Settings:
    """Read settings from the environment.

    Args:
        language: The language of the problems (default: REFLECTIEBOT_LOCALE's).
        **overrides: Values that replace the environment's (``db=...``).

    Raises:
        SettingsError: With every problem found, each naming its variable, in the language
            of ``REFLECTIEBOT_LOCALE`` (or the ``locale`` override): wrong values, unknown
            ``REFLECTIEBOT_`` variables and combinations that do not fit.
    """
    locale = norm_locale(language or str(overrides.get("locale") or requested_locale()))
    problems = [
        t("settings.unknown_var", locale, var=name, close=close)
        for name, close in unknown_variables()
    ]
    try:
        settings = Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        for err in exc.errors():
            field = str(err["loc"][0]) if err["loc"] else "?"
            message = _problem_text(err, locale)
            problems.append(t("settings.problem", locale, var=_var_name(field), problem=message))
        raise SettingsError(problems) from None
    problems += settings.cross_field_problems(locale)
    if problems:
        raise SettingsError(problems)
    return settings

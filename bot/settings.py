"""Settings from the environment (prefix REFLECTIEBOT_), with every problem reported at once."""

from __future__ import annotations

import os
from datetime import date, time
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_core import PydanticCustomError
from pydantic_settings import BaseSettings, SettingsConfigDict

from prompts.catalog import norm_locale, t


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
    teams_anonymous: bool = False
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

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
        for part in filter(None, (p.strip() for p in value.split(","))):
            try:
                date.fromisoformat(part)
            except ValueError:
                raise PydanticCustomError(
                    "settings.bad_date", "bad date", {"value": part}
                ) from None
        return value

    @field_validator("admins")
    @classmethod
    def _admins(cls, value: str) -> str:
        for part in filter(None, (p.strip() for p in value.split(","))):
            platform, _, user = part.partition(":")
            if platform not in ("slack", "teams", "console") or not user:
                raise PydanticCustomError("settings.bad_admin", "bad admin", {"value": part})
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

    def cross_field_problems(self) -> list[str]:
        """Return problems that involve more than one variable."""
        problems: list[str] = []
        if (self.slack_bot_token is None) != (self.slack_signing_secret is None) and not (
            self._fake_slack and self.slack_signing_secret is not None
        ):
            problems.append(t("settings.slack_pair", self.locale))
        teams = [self.teams_client_id, self.teams_client_secret, self.teams_tenant_id]
        if any(v is not None for v in teams) and not all(v is not None for v in teams):
            problems.append(t("settings.teams_triple", self.locale))
        if self.env == "production":
            if self.slack_api_base_url:
                problems.append(t("settings.dev_only", self.locale, var="SLACK_API_BASE_URL"))
            if self.teams_anonymous:
                problems.append(
                    t("settings.dev_only", self.locale, var="REFLECTIEBOT_TEAMS_ANONYMOUS")
                )
        if self.close_time <= self.open_time:
            problems.append(t("settings.close_before_open", self.locale))
        return problems


def _var_name(field: str) -> str:
    info = Settings.model_fields.get(field)
    alias = info.validation_alias if info else None
    if isinstance(alias, AliasChoices):
        return str(alias.choices[0])
    return f"REFLECTIEBOT_{field.upper()}"


def requested_locale() -> str:
    """Return the language asked for in the environment, even when other settings are wrong."""
    # Error messages about the settings must come out before the settings are valid.
    return norm_locale(os.environ.get("REFLECTIEBOT_LOCALE"))


def load_settings(**overrides: object) -> Settings:
    """Read settings from the environment.

    Raises:
        SettingsError: With every problem found, each naming its variable.
    """
    locale = str(overrides.get("locale") or requested_locale())
    try:
        settings = Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            field = str(err["loc"][0]) if err["loc"] else "?"
            if str(err["type"]).startswith("settings."):
                message = t(str(err["type"]), locale, **err.get("ctx", {}))
            else:
                message = str(err["msg"])
            problems.append(t("settings.problem", locale, var=_var_name(field), problem=message))
        raise SettingsError(problems) from None
    problems = settings.cross_field_problems()
    if problems:
        raise SettingsError(problems)
    return settings

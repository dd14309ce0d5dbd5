"""Settings: defaults, and every problem reported at once in plain words."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from bot.app.cli import app
from bot.settings import SettingsError, load_settings


def test_defaults() -> None:
    s = load_settings()
    assert (s.timezone, s.locale, s.round_working_days, s.grace_minutes) == (
        "Europe/Amsterdam",
        "nl",
        5,
        360,
    )
    assert not s.slack_enabled


def test_all_field_errors_reported_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REFLECTIEBOT_TIMEZONE", "Mars/Olympus")
    monkeypatch.setenv("REFLECTIEBOT_PORT", "abc")
    monkeypatch.setenv("REFLECTIEBOT_EXTRA_CLOSED_DAYS", "2026-12-24,kerst")
    with pytest.raises(SettingsError) as info:
        load_settings()
    text = "\n".join(info.value.problems)
    assert "REFLECTIEBOT_TIMEZONE" in text and "Mars/Olympus" in text
    assert "REFLECTIEBOT_PORT" in text and "REFLECTIEBOT_EXTRA_CLOSED_DAYS" in text


def test_cross_field_problems(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    monkeypatch.setenv("SLACK_API_BASE_URL", "http://127.0.0.1:9/api/")
    with pytest.raises(SettingsError) as info:
        load_settings()
    problems = info.value.problems
    assert any("SLACK_SIGNING_SECRET" in p for p in problems)
    assert any("SLACK_API_BASE_URL" in p and "dev of test" in p for p in problems)


def test_check_command_prints_problems_and_exits_2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REFLECTIEBOT_ROUND_WORKING_DAYS", "0")
    result = CliRunner().invoke(app, ["check"])
    assert result.exit_code == 2 and "REFLECTIEBOT_ROUND_WORKING_DAYS" in result.output
    monkeypatch.delenv("REFLECTIEBOT_ROUND_WORKING_DAYS")
    assert CliRunner().invoke(app, ["check"]).exit_code == 0


def test_problems_are_reported_in_the_requested_language(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REFLECTIEBOT_LOCALE", "en")
    monkeypatch.setenv("REFLECTIEBOT_TIMEZONE", "Mars/Olympus")
    result = CliRunner().invoke(app, ["check"])
    assert result.exit_code == 2
    assert "The settings are not right" in result.output and "unknown time zone" in result.output


def test_a_fake_web_api_in_test_mode_needs_no_bot_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "s")
    monkeypatch.setenv("SLACK_API_BASE_URL", "http://127.0.0.1:9/api/")
    monkeypatch.setenv("REFLECTIEBOT_ENV", "test")
    settings = load_settings()
    assert settings.slack_enabled and settings.slack_token()
    monkeypatch.setenv("REFLECTIEBOT_ENV", "production")
    with pytest.raises(SettingsError) as info:
        load_settings()
    assert any("SLACK_BOT_TOKEN" in p for p in info.value.problems)

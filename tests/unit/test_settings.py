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


def test_the_language_may_be_written_in_any_case(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REFLECTIEBOT_LOCALE", "EN")
    assert load_settings().locale == "en"
    assert CliRunner().invoke(app, ["check"]).exit_code == 0


def test_check_reports_every_problem_in_one_language_with_the_closest_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("REFLECTIEBOT_ADMINS", "bram,slack:")
    monkeypatch.setenv("REFLECTIEBOT_TIMEZON", "Europe/Amsterdam")
    monkeypatch.setenv("REFLECTIEBOT_PORT", "abc")
    monkeypatch.setenv("REFLECTIEBOT_ENV", "prod")
    result = CliRunner().invoke(app, ["check"])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert lines[0] == "De instellingen kloppen niet:"
    text = "\n".join(lines)
    assert "'bram', 'slack:'" in text  # both wrong entries, not only the first
    assert "REFLECTIEBOT_TIMEZON ken ik niet; bedoel je REFLECTIEBOT_TIMEZONE?" in text
    assert "REFLECTIEBOT_PORT: 'abc' is geen geheel getal" in text
    assert "REFLECTIEBOT_ENV: 'prod' kan niet; kies uit production, dev, test" in text
    # pydantic's own English never reaches the reader.
    assert "Input should" not in text and "valid integer" not in text


def test_a_language_the_bot_does_not_speak_is_named_in_words(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("REFLECTIEBOT_LOCALE", "fr")
    result = CliRunner().invoke(app, ["check"])
    assert result.exit_code == 2
    assert "REFLECTIEBOT_LOCALE: 'fr' is geen taal die de bot spreekt" in result.stderr
    assert "Input should" not in result.stderr


def test_check_speaks_the_asked_language(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REFLECTIEBOT_ROUND_WORKING_DAYS", "0")
    result = CliRunner().invoke(app, ["check", "--lang", "en"])
    assert result.exit_code == 2
    assert "The settings are not right:" in result.stderr and "must be at least 1" in result.stderr

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.settings import SettingsError, load_settings, parse_duration


def test_defaults_name_the_network_and_london(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COPBOT_TIMEZONE", raising=False)
    settings = load_settings(_env_file=None)
    assert settings.timezone == "Europe/London"
    assert ("analysis", "Analysis") in settings.community_seeds()


def test_comma_separated_organisers_and_communities(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COPBOT_ORGANISERS", "slack:T123:U456, teams:tid:oid ,console::alice")
    monkeypatch.setenv("COPBOT_COMMUNITIES", "phm:Population health,bi:Business intelligence")
    settings = load_settings(_env_file=None)
    assert settings.organisers == ["slack:T123:U456", "teams:tid:oid", "console::alice"]
    assert settings.community_seeds() == [("phm", "Population health"),
                                          ("bi", "Business intelligence")]


@pytest.mark.parametrize(("name", "value", "message"), [
    ("COPBOT_TIMEZONE", "Midlands/Leicester", "COPBOT_TIMEZONE"),
    ("COPBOT_ORGANISERS", "alice", "platform:workspace:user"),
    ("COPBOT_DATABASE_URL", "mysql://x", "COPBOT_DATABASE_URL"),
    ("COPBOT_SCHEDULER", "maybe", "COPBOT_SCHEDULER"),
    ("COPBOT_ANSWER_PRECISION", "1.5", "COPBOT_ANSWER_PRECISION"),
    ("COPBOT_ANSWER_PRECISION", "0", "COPBOT_ANSWER_PRECISION"),
])
def test_bad_values_fail_with_the_variable_named(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, message: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=message):
        load_settings(_env_file=None)


def test_durations() -> None:
    assert parse_duration("90m") == timedelta(minutes=90)
    assert parse_duration("1h30m") == timedelta(minutes=90)
    assert parse_duration("7d") == timedelta(days=7)
    with pytest.raises(ValueError):
        parse_duration("soon")

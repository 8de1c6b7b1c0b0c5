"""The Teams adapter's own settings: read from COPBOT_TEAMS_*, the app password kept secret."""

from __future__ import annotations

import logging

import pytest

from adapters.teams.credentials import auth_configuration
from adapters.teams.settings import TeamsSettings
from bot.settings import SettingsError, load

APP_ID = "00000000-0000-4000-8000-00000000b07a"


def test_read_from_the_same_variables_as_before(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COPBOT_TEAMS_APP_ID", APP_ID)
    monkeypatch.setenv("COPBOT_TEAMS_APP_PASSWORD", "pw-very-secret")
    monkeypatch.setenv("COPBOT_TEAMS_ALLOWED_TENANTS", "t1, t2")
    settings = load(TeamsSettings, _env_file=None)
    assert settings.app_id == APP_ID and settings.allowed_tenants == ["t1", "t2"]
    assert settings.app_password.get_secret_value() == "pw-very-secret"


def test_the_password_never_shows_in_repr_or_logs(caplog: pytest.LogCaptureFixture) -> None:
    settings = load(TeamsSettings, _env_file=None, app_id=APP_ID, app_password="pw-very-secret")
    logging.getLogger("test").warning("settings: %s %r", settings, settings)
    assert "pw-very-secret" not in caplog.text + repr(settings) + str(settings.model_dump())
    # handed to the SDK as the plain value, and only there
    assert auth_configuration(settings).CLIENT_SECRET == "pw-very-secret"


def test_a_bad_value_names_its_variable() -> None:
    with pytest.raises(SettingsError, match="COPBOT_TEAMS_APP_TYPE=Both"):
        load(TeamsSettings, _env_file=None, app_type="Both")

"""``copbot check`` and the checks every long-running command makes before it starts."""

from __future__ import annotations

import asyncio
import os
import re
import sys
from pathlib import Path

import pytest

from adapters.slack.settings import SlackSettings
from adapters.teams.settings import TeamsSettings
from bot.settings import Settings
from tests.adapters.slack.fake_slack import FakeSlack
from tests.adapters.teams.fake_connector import FakeBotFramework
from tests.bot.test_cli import run

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("command", [["serve", "--host", "127.0.0.1"], ["worker"],
                                     ["chat"], ["scheduler", "tick"]])
def test_a_bad_digest_time_stops_every_long_running_command(
        workdir: Path, command: list[str]) -> None:
    result = run(command, workdir, "help\n", env={"COPBOT_DIGEST_TIME": "9am", "COPBOT_PORT": "0"})
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "COPBOT_DIGEST_TIME=9am: use a 24-hour time of day such as 09:00")
    assert result.stdout == ""


def test_a_missing_synonyms_file_stops_serve_before_it_listens(workdir: Path) -> None:
    result = run(["serve", "--host", "127.0.0.1"], workdir,
                 env={"COPBOT_SYNONYMS_FILE": "synonyms.yml", "COPBOT_PORT": "0"})
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("COPBOT_SYNONYMS_FILE=synonyms.yml: no such file")
    assert "copbot serving" not in result.stdout


def test_a_broken_synonyms_file_is_named_by_check(workdir: Path) -> None:
    (workdir / "synonyms.yml").write_text("- [only one]\n")
    result = run(["check", "--offline"], workdir, env={"COPBOT_SYNONYMS_FILE": "synonyms.yml"})
    assert result.returncode == 1
    assert "FAIL  COPBOT_SYNONYMS_FILE: " in result.stdout and "group 1" in result.stdout


async def _check(workdir: Path, env: dict[str, str]) -> tuple[int, str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("COPBOT_")}
    full_env.update(env)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "check", cwd=workdir, env=full_env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    stdout, stderr = await asyncio.wait_for(process.communicate(), 120)
    assert b"Traceback" not in stderr, stderr.decode()
    assert process.returncode is not None
    return process.returncode, stdout.decode()


async def test_check_reaches_the_database_slack_and_teams(workdir: Path) -> None:
    async with FakeSlack() as slack, FakeBotFramework() as teams:
        env = {"COPBOT_SLACK_BOT_TOKEN": "xoxb-test", "COPBOT_SLACK_SIGNING_SECRET": "s",
               "COPBOT_SLACK_API_URL": slack.api_url}
        env.update({f"COPBOT_TEAMS_{k.upper()}": v for k, v in teams.settings().items()})
        code, out = await _check(workdir, env)
        assert code == 0, out
        lines = out.splitlines()
        assert lines[0] == "OK    settings: every COPBOT_* setting is valid"
        assert any(re.match(r"OK    database: reached the (sqlite|postgresql) database", line)
                   for line in lines)
        assert "OK    slack: auth.test: signed in as @copbot in Test (T0001)" in lines
        assert any(line.startswith("OK    teams: got a Bot Connector token") for line in lines)
        assert [c.method for c in slack.calls] == ["auth.test"]
        assert len(teams.token_requests) == 1

        env["COPBOT_TEAMS_APP_PASSWORD"] = "wrong"
        env["COPBOT_SLACK_BOT_TOKEN"] = "xoxb-revoked"
        slack.fail("auth.test", "invalid_auth")
        code, out = await _check(workdir, env)
        assert code == 1
        assert "FAIL  slack: auth.test failed (invalid_auth)" in out
        assert "FAIL  teams: could not get a token" in out


def test_check_names_an_unreachable_database(tmp_path: Path) -> None:
    result = run(["check"], tmp_path, env={
        "COPBOT_DATABASE_URL": "postgresql+asyncpg://nobody@127.0.0.1:9/none"})
    assert result.returncode == 1
    assert "FAIL  database: cannot reach postgresql database" in result.stdout
    assert "SKIP  slack: not configured" in result.stdout


def test_every_setting_is_documented_and_every_documented_setting_exists() -> None:
    text = (ROOT / "docs" / "settings.md").read_text()
    documented = set(re.findall(r"^\| `(COPBOT_[A-Z_]+)`", text, re.MULTILINE))
    fields = {f"{model.model_config.get('env_prefix')}{name.upper()}"
              for model in (Settings, SlackSettings, TeamsSettings)
              for name in model.model_fields}
    assert len(fields) == 44 and "COPBOT_SLACK_BOT_TOKEN" in fields
    assert documented == fields

"""The command line with Slack configured: ``copbot serve`` refuses unverifiable settings
with a message, not a traceback; a dry-run tick posts nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from storage.db import Database
from tests.adapters.slack.fake_slack import FakeSlack
from tests.bot.scheduler.support import add_event, channel, deliveries, london, subscribe
from tests.bot.scheduler.test_cli import copbot


def test_serve_refuses_a_bot_token_without_a_signing_secret(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COPBOT_")}
    env.update(COPBOT_DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'copbot.db'}",
               COPBOT_SLACK_BOT_TOKEN="xoxb-test", COPBOT_PORT="0")
    result = subprocess.run([sys.executable, "-m", "bot", "serve", "--host", "127.0.0.1"],
                            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60,
                            check=False)
    assert result.returncode == 2
    assert "COPBOT_SLACK_SIGNING_SECRET" in result.stderr
    assert "Traceback" not in result.stderr
    assert "copbot serving" not in result.stdout


async def test_a_dry_run_tick_posts_nothing_to_slack(
        tmp_path: Path, database_url: str, database: Database, fake_slack: FakeSlack) -> None:
    await subscribe(database, channel("C1", workspace="T0001"), "reminders")
    await add_event(database, london(2026, 12, 3, 11, 0), created_at=london(2026, 12, 3, 9, 0))
    (tmp_path / ".env").write_text(f"COPBOT_DATABASE_URL={database_url}\n"
                                   "COPBOT_SLACK_BOT_TOKEN=xoxb-test-token\n"
                                   "COPBOT_SLACK_SIGNING_SECRET=test-secret\n"
                                   f"COPBOT_SLACK_API_URL={fake_slack.api_url}\n")
    code, out, err = await copbot("scheduler", "tick", "--now", "2026-12-03T10:00", cwd=tmp_path)
    assert code == 0, err
    assert "would send channel_reminder" in out and "slack:T0001:#C1" in out
    await fake_slack.settle()
    assert fake_slack.calls_to("chat.postMessage") == []
    assert await deliveries(database) == []

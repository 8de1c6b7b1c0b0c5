"""``copbot serve`` refuses unverifiable Slack settings with a message, not a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


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

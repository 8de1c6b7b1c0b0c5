"""The CLI contract, exercised as a user would: the installed ``copbot`` command."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

COPBOT = [sys.executable, "-m", "bot"]


def run(args: list[str], cwd: Path, stdin: str = "", env: dict[str, str] | None = None,
        ) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("COPBOT_")}
    full_env.update(env or {})
    return subprocess.run(COPBOT + args, cwd=cwd, input=stdin, capture_output=True, text=True,
                          timeout=120, env=full_env, check=False)


@pytest.fixture
def workdir(tmp_path: Path, database_url: str) -> Path:
    (tmp_path / ".env").write_text(f"COPBOT_DATABASE_URL={database_url}\n")
    return tmp_path


def replies(stdout: str) -> list[str]:
    parts = stdout.split("\n---\n")
    assert parts[-1] == "", "every reply ends with a --- line"
    return parts[:-1]


def test_help_lists_every_command(workdir: Path) -> None:
    result = run(["chat"], workdir, "help\n")
    assert result.returncode == 0, result.stderr
    [help_text] = replies(result.stdout)
    assert "help [command|organisers] — " in help_text
    assert "communities — " in help_text


def test_scripted_chat_answers_each_line(workdir: Path) -> None:
    result = run(["chat", "--user", "alice"], workdir, "frobnicate\norganisers\ncommunities\n")
    unknown, refused, listing = replies(result.stdout)
    assert "don't know the command" in unknown
    assert "Only organisers" in refused
    assert "Analysis" in listing


def test_organisers_cli_round_trip(workdir: Path) -> None:
    assert run(["organisers", "add", "console::bob"], workdir).returncode == 0
    listed = run(["organisers", "list"], workdir)
    assert "console::bob" in listed.stdout
    as_bob = run(["chat", "--user", "bob"], workdir, "organisers\n")
    assert "console::bob" in as_bob.stdout
    assert run(["organisers", "remove", "console::bob"], workdir).returncode == 0
    as_bob = run(["chat", "--user", "bob"], workdir, "organisers\n")
    assert "Only organisers" in as_bob.stdout
    bad = run(["organisers", "add", "bob"], workdir)
    assert bad.returncode == 2 and "platform:workspace:user" in bad.stderr


def test_bad_settings_are_reported_clearly(tmp_path: Path) -> None:
    result = run(["db", "upgrade"], tmp_path, env={"COPBOT_TIMEZONE": "Nowhere/Special"})
    assert result.returncode == 2
    assert "COPBOT_TIMEZONE" in result.stderr and "Traceback" not in result.stderr


def test_top_level_help_documents_every_command(tmp_path: Path) -> None:
    result = run(["--help"], tmp_path)
    for command in ("chat", "serve", "db", "organisers", "import"):
        assert command in result.stdout


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_serve_answers_healthz_and_stops_on_sigterm(workdir: Path) -> None:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("COPBOT_")}
    proc = subprocess.Popen([*COPBOT, "serve", "--host", "127.0.0.1", "--port", str(port)],
                            cwd=workdir, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    assert r.status == 200
                    break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise
                time.sleep(0.2)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.close()
        proc.stderr.close()

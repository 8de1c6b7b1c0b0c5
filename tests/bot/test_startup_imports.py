"""Fast start: commands load only what they use (what is loaded, not how long it takes;
the timings are in bench/startup.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def _loaded(args: list[str], cwd: Path, stdin: str = "") -> set[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COPBOT_")}
    result = subprocess.run([sys.executable, "-X", "importtime", "-m", "bot", *args], cwd=cwd,
                            input=stdin, capture_output=True, text=True, timeout=120,
                            env=env, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    return {line.rsplit("|", 1)[1].strip() for line in result.stderr.splitlines()
            if line.startswith("import time:") and "|" in line}


HEAVY = ("numpy", "slack_sdk", "slack_bolt", "microsoft_agents", "storage.search.engine",
         "icalendar")
# Loaded only by the commands (or settings) that use them: the scheduler's wake-up, metrics,
# YAML files, the migration lock, JSON logs, PostgreSQL on a SQLite database, and the other
# commands' CLI modules.
ON_USE = ("apscheduler", "prometheus_client", "yaml", "filelock", "pythonjsonlogger",
          "sqlalchemy.dialects.postgresql", "bot.cli.seminars", "bot.cli.scheduler",
          "bot.cli.teams", "bot.metrics")


def test_help_loads_neither_the_database_layer_nor_any_sdk(workdir: Path) -> None:
    loaded = _loaded(["--help"], workdir)
    for name in (*HEAVY, "sqlalchemy", "pydantic", "alembic"):
        assert name not in loaded, name


def test_chat_loads_no_platform_sdk_search_engine_or_migrations_until_needed(
        workdir: Path) -> None:
    subprocess.run([sys.executable, "-m", "bot", "db", "upgrade"], cwd=workdir, check=True,
                   capture_output=True, timeout=120)
    loaded = _loaded(["chat", "--user", "ana"], workdir, "help\n")
    assert "bot.app.runtime" in loaded  # the probe sees what chat loads
    on_sqlite = "aiosqlite" in loaded
    for name in (*HEAVY, *ON_USE, "alembic"):
        if on_sqlite or not name.startswith("sqlalchemy.dialects.postgresql"):
            assert name not in loaded, name
    asked = _loaded(["chat", "--user", "ana"], workdir, "how do I get HES data?\n")
    assert "storage.search.engine" in asked


def test_a_command_loads_only_its_own_cli_module_and_every_command_has_a_home() -> None:
    from bot.cli import COMMAND_HOMES, COMMANDS, build_parser

    parser = build_parser()
    [commands] = [a for a in parser._actions if a.dest == "command"]
    assert set(COMMAND_HOMES) == set(commands.choices)  # type: ignore[arg-type]
    assert set(COMMAND_HOMES.values()) == set(COMMANDS)
    for name, load in COMMAND_HOMES.items():
        only = build_parser(["--log-level", "INFO", name])
        [chosen] = [a for a in only._actions if a.dest == "command"]
        assert name in chosen.choices, (name, load)  # type: ignore[operator]
    [listed] = [a for a in build_parser(["-h", "chat"])._actions if a.dest == "command"]
    assert set(listed.choices) == set(COMMAND_HOMES)  # type: ignore[arg-type]

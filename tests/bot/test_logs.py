"""Logs as JSON lines (``COPBOT_LOG_FORMAT=json``), carrying the error reference a person
was shown when a handler failed."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.app.runtime import Runtime
from bot.commands import Args, Command
from bot.context import Context
from bot.logs import log_handler
from bot.settings import Settings
from bot.types import Incoming, Reply
from storage.db import Database
from tests.bot.scheduler.test_cli import copbot


@pytest.fixture
def json_lines() -> Iterator[io.StringIO]:
    """What the JSON handler writes, attached to the root logger as the CLI attaches it."""
    stream = io.StringIO()
    handler = log_handler("json", stream)
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield stream
    finally:
        root.removeHandler(handler)


async def test_a_failing_handler_logs_a_json_line_with_the_error_reference(
        settings: Settings, database: Database, json_lines: io.StringIO) -> None:
    async def broken(ctx: Context, args: Args) -> Reply:
        raise RuntimeError("a bug in a handler")

    runtime = Runtime(settings, database=database)
    await runtime.start(migrate=False)
    runtime.commands.add(Command(name="broken", summary="fails", handler=broken))
    try:
        outcome = await runtime.dispatch(Incoming(platform="console", workspace="",
                                                  channel="c", user_id="alice", text="broken"))
    finally:
        await runtime.notices.stop()
    assert outcome.reply is not None
    shown = re.search(r"error reference (\w+)", outcome.reply.text)
    assert shown is not None

    records = [json.loads(line) for line in json_lines.getvalue().splitlines()]
    [failure] = [r for r in records if r.get("error_ref")]
    assert failure["error_ref"] == shown.group(1) == outcome.error_ref
    assert failure["level"] == "ERROR" and failure["logger"] == "bot.router"
    assert failure["message"].startswith(f"handler failed (ref {shown.group(1)})")
    assert "RuntimeError: a bug in a handler" in failure["exc_info"]
    assert "time" in failure


async def test_the_cli_writes_json_lines_when_asked(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(
        f"COPBOT_DATABASE_URL=sqlite+aiosqlite:///{tmp_path / 'copbot.db'}\n"
        "COPBOT_LOG_FORMAT=json\n")
    code, _, err = await copbot("--log-level", "INFO", "scheduler", "tick", cwd=tmp_path)
    assert code == 0, err
    lines = [json.loads(line) for line in err.splitlines()]
    assert lines and all({"time", "level", "logger", "message"} <= set(r) for r in lines)
    assert any(r["logger"] == "bot.scheduler.housekeeping" for r in lines)

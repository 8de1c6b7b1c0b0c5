"""Files in and out: import rows with hostile numbers and links are refused whole (nothing
written), and every cell of an export or report is safe to open in a spreadsheet."""

from __future__ import annotations

import argparse
import csv
import dataclasses
import io
from pathlib import Path

import pytest

from bot.cli.events import attendees_csv
from bot.cli.imports import run_import
from bot.cli.report import run_report
from bot.importing import ImportFailed
from bot.services.events import EventService
from bot.settings import Settings
from bot.spreadsheet import FORMULA_STARTS, neutralise
from storage.db import Database
from tests.bot.test_cli import run, workdir
from tests.security.conftest import no_traceback, row_counts
from tests.testbot import TestBot

__all__ = ["workdir"]  # the fixture, shared with tests/bot/test_cli.py

HEADER = "external_id,title,start,duration,capacity,link\n"
GOOD = 'ok-1,Fine,2026-12-10 14:00,90m,30,https://meet.example/ok\n'

# (what is wrong, the bad row, what the refusal says)
IMPORT_ATTACKS = [
    ("a joining link with a line break", 'bad,Evil,2026-12-11 14:00,60m,5,'
     '"https://meet.example/x\nDESCRIPTION:pwned"\n', "row 3: link: must not contain spaces"),
    ("a link with user info", "bad,Evil,2026-12-11 14:00,60m,5,"
     "https://meet.nhs.uk@evil.example/x\n", "row 3: link: must not have a user name"),
    ("a link that is not the web", "bad,Evil,2026-12-11 14:00,60m,5,javascript:alert(1)\n",
     "row 3: link: must be a web address"),
    ("a capacity beyond the limit", "bad,Evil,2026-12-11 14:00,60m,999999999999,\n",
     "row 3: capacity: must be a whole number from 1 to 100000"),
    ("a superscript capacity", "bad,Evil,2026-12-11 14:00,60m,²,\n",
     "row 3: capacity: must be a whole number"),
    ("a duration beyond the limit", "bad,Evil,2026-12-11 14:00,99999999999999999999m,5,\n",
     "row 3: duration:"),
    ("a duration of eight days", "bad,Evil,2026-12-11 14:00,8d,5,\n",
     "row 3: duration: an event can last at most 7 days"),
]


@pytest.mark.parametrize(("name", "row", "expected"), IMPORT_ATTACKS,
                         ids=[row[0] for row in IMPORT_ATTACKS])
async def test_an_import_with_a_bad_row_writes_nothing(
        database: Database, settings: Settings, tmp_path: Path,
        caplog: pytest.LogCaptureFixture, name: str, row: str, expected: str) -> None:
    await run_import(database, settings, "communities", _communities(tmp_path))
    before = await row_counts(database)
    path = tmp_path / "events.csv"
    path.write_text(HEADER + GOOD + row, encoding="utf-8")
    with pytest.raises(ImportFailed) as refused:
        await run_import(database, settings, "events", path)
    assert any(expected in problem for problem in refused.value.problems), \
        refused.value.problems
    assert await row_counts(database) == before
    no_traceback(caplog)


async def test_a_yaml_joining_link_with_a_line_break_is_refused(
        database: Database, settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "events.yaml"
    path.write_text('- {title: Evil, start: "2026-12-11 14:00", duration: 60m, capacity: 5,\n'
                    '   link: "https://meet.example/x\\r\\nX-EVIL: 1"}\n', encoding="utf-8")
    before = await row_counts(database)
    with pytest.raises(ImportFailed, match="link: must not contain spaces, line breaks"):
        await run_import(database, settings, "events", path)
    assert await row_counts(database) == before


def _communities(tmp_path: Path) -> Path:
    path = tmp_path / "communities.csv"
    path.write_text("slug,name\nanalysis,Analysis\n", encoding="utf-8")
    return path


# ------------------------------------------------------------------ exports
NAMES = [
    '=HYPERLINK("http://evil.example","x")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("name", NAMES, ids=[repr(n)[:30] for n in NAMES])
async def test_an_exported_name_cannot_run_as_a_formula(
        bot: TestBot, database: Database, settings: Settings,
        caplog: pytest.LogCaptureFixture, name: str) -> None:
    await bot.say('event add title=Seminar start="2026-12-10 14:00" duration=1h capacity=5',
                  as_="olive")
    await bot.send(dataclasses.replace(bot.incoming("signup 1", as_="mallory"),
                                       display_name=name))
    before = await row_counts(database)
    async with database.session() as session:
        attendees = await EventService(session, settings).attendees(1)
    [row] = list(csv.DictReader(io.StringIO(attendees_csv(attendees, settings), newline="")))
    assert all(not cell.startswith(FORMULA_STARTS) for cell in row.values())
    assert row["name"].startswith("'") and row["name"][1:].strip() == name.strip()
    assert await row_counts(database) == before
    no_traceback(caplog)


@pytest.mark.parametrize(("cell", "safe"), [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@A1", "'@A1"), ("\tx", "'\tx"),
    ("\rx", "'\rx"), ("Alice", "Alice"), ("", ""), (None, ""), (7, "7"), ("a=b", "a=b")])
def test_neutralise(cell: object, safe: str) -> None:
    assert neutralise(cell) == safe


async def test_a_question_in_the_report_cannot_run_as_a_formula(
        bot: TestBot, settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    await bot.say('=HYPERLINK("http://evil.example","how do I get HES data?")')
    assert await run_report(argparse.Namespace(since=None, unanswered=False, state=None),
                            settings) == 0
    line = capsys.readouterr().out.splitlines()[0]
    cells = line.split("\t")
    assert cells[-1].startswith("'=HYPERLINK(")
    assert all(not cell.startswith(FORMULA_STARTS) for cell in cells)


@pytest.mark.parametrize(("word", "code", "said"), [
    ("²", 2, "is not an event number"),
    ("#١٢", 2, "is not an event number"),
    ("99999999999999999999", 1, "There is no event #99999999999999999999"),
    ("0", 1, "There is no event #0"),
])
async def test_export_refuses_an_event_number_that_cannot_be(
        database: Database, workdir: Path, word: str, code: int, said: str) -> None:
    before = await row_counts(database)
    result = run(["export", "attendees", word], workdir)
    assert (result.returncode, result.stdout) == (code, "")
    assert said in result.stderr and "Traceback" not in result.stderr
    assert await row_counts(database) == before

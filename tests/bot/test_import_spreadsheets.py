"""Imports forgive a spreadsheet: its delimiter, its row numbers, UK dates, owner and
reviewed columns, and seminars cancelled since the last import."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.cli.imports import run_import
from bot.importing import ImportFailed
from bot.services.events import EventService
from bot.settings import Settings
from storage.db import Database
from storage.models.events import Event
from storage.models.knowledge import FaqEntry, Resource


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, search_engine="lexical",
                    _env_file=None)  # type: ignore[call-arg]


async def _all(database: Database, model: type) -> list:  # type: ignore[type-arg]
    async with database.session() as session:
        return list((await session.execute(select(model))).scalars())


async def test_a_semicolon_faq_with_owner_and_reviewed_columns(
        database: Database, settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "faq.csv"
    path.write_text("external_id;question;answer;owner;reviewed\n"
                    "hes-1;How do I get HES data?;Apply through DARS, then wait.;"
                    "console::priya;01/09/2026\n")
    summary = await run_import(database, settings, "faq", path)
    assert summary == "Imported FAQ entries: 1 created, 0 updated, 0 unchanged."
    [entry] = await _all(database, FaqEntry)
    assert entry.answer == "Apply through DARS, then wait."
    assert entry.owner == "console::priya" and entry.last_reviewed == date(2026, 9, 1)
    again = await run_import(database, settings, "faq", path)
    assert again == "Imported FAQ entries: 0 created, 0 updated, 1 unchanged."


async def test_a_tab_separated_file_and_problems_numbered_as_the_spreadsheet_shows(
        database: Database, settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "library.csv"
    path.write_text("external_id\ttitle\turl\ttype\n"
                    "a\tA guide\thttps://example.org/a\tguide\n"
                    "b\tB guide\twww.example.org/b\tguide\n")
    with pytest.raises(ImportFailed) as failed:
        await run_import(database, settings, "resources", path)
    [problem] = failed.value.problems
    assert problem.startswith("row 3: url:")
    path.write_text(path.read_text().replace("www.", "https://"))
    summary = await run_import(database, settings, "resources", path)
    assert summary == "Imported resources: 2 created, 0 updated, 0 unchanged."
    assert len(await _all(database, Resource)) == 2


async def test_community_reimports_say_unchanged(database: Database, settings: Settings,
                                                 tmp_path: Path) -> None:
    path = tmp_path / "communities.csv"
    path.write_text("slug,name\nphm,Population health\nbi,Business intelligence\n")
    assert (await run_import(database, settings, "communities", path)).startswith(
        "Imported communities: 2 created, 0 updated, 0 unchanged.")
    path.write_text("slug,name\nphm,Population health management\nbi,Business intelligence\n")
    assert await run_import(database, settings, "communities", path) == (
        "Imported communities: 0 created, 1 updated, 1 unchanged.")


async def test_reimporting_events_leaves_cancelled_ones_alone_and_says_so(
        database: Database, settings: Settings, tmp_path: Path) -> None:
    day = (datetime.now(ZoneInfo("Europe/London")) + timedelta(days=14)).date()
    path = tmp_path / "events.csv"
    path.write_text("external_id,title,start,duration,capacity\n"
                    f"spc-1,SPC charts,{day:%d/%m/%Y} 14:00,90m,40\n"
                    f"r-1,R for analysts,{day:%d/%m/%Y} 10:00,2h,25\n")
    await run_import(database, settings, "events", path)
    events = {e.external_id: e for e in await _all(database, Event)}
    async with database.session() as session:
        await EventService(session, settings).cancel_event(events["spc-1"].id,
                                                           now=datetime.now(ZoneInfo("UTC")))
    path.write_text(path.read_text().replace(",40\n", ",45\n").replace(",25\n", ",30\n"))
    summary = await run_import(database, settings, "events", path)
    spc = events["spc-1"].id
    assert summary == ("Imported events: 0 created, 1 updated, 0 unchanged. Left alone, "
                       f"because cancelled: #{spc} (spc-1).")
    after = {e.external_id: e for e in await _all(database, Event)}
    assert after["spc-1"].status == "cancelled" and after["spc-1"].capacity == 40
    assert after["r-1"].capacity == 30

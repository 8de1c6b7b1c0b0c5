"""Importing FAQ entries and resources: whole-file validation, updates, new communities."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.cli.imports import run_import
from bot.importing import ImportFailed
from bot.settings import Settings
from storage.db import Database
from storage.models import Community
from storage.models.knowledge import FaqEntry, Resource

FAQ_CSV = (
    "external_id,question,answer,url,community,tags,alternates\n"
    "hes-1,How do I get HES data?,Apply through DARS.,https://digital.nhs.uk/dars,Analysis,"
    '"hes, IG",Who approves HES extracts? | Can I have HES?\n'
    "spc-1,What is SPC?,Statistical process control.,,Improvement Science,spc,\n"
)


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, search_engine="lexical",
                    _env_file=None)  # type: ignore[call-arg]


async def _count(database: Database, model: type) -> int:
    async with database.session() as session:
        return int((await session.execute(select(func.count()).select_from(model))
                    ).scalar_one())


async def _entries(database: Database) -> dict[str, FaqEntry]:
    async with database.session() as session:
        result = await session.execute(select(FaqEntry))
        return {e.external_id or "": e for e in result.scalars()}


async def test_faq_import_creates_entries_and_missing_communities(
        database: Database, settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "faq.csv"
    path.write_text(FAQ_CSV)
    summary = await run_import(database, settings, "faq", path)
    assert summary == ("Imported FAQ entries: 2 created, 0 updated, 0 unchanged. New communities "
                       "created: "
                       "Analysis, Improvement Science.")
    entries = await _entries(database)
    hes = entries["hes-1"]
    assert hes.tags == ["hes", "ig"]
    assert hes.alternates == ["Who approves HES extracts?", "Can I have HES?"]
    assert hes.url == "https://digital.nhs.uk/dars" and hes.status == "published"
    async with database.session() as session:
        slugs = {c.slug for c in (await session.execute(select(Community))).scalars()}
    assert {"analysis", "improvement-science"} <= slugs


async def test_reimport_updates_by_external_id(database: Database, settings: Settings,
                                               tmp_path: Path) -> None:
    path = tmp_path / "faq.csv"
    path.write_text(FAQ_CSV)
    await run_import(database, settings, "faq", path)
    path.write_text(FAQ_CSV.replace("Apply through DARS.", "Ask the DSCRO."))
    summary = await run_import(database, settings, "faq", path)
    assert summary == "Imported FAQ entries: 0 created, 1 updated, 1 unchanged."
    assert (await _entries(database))["hes-1"].answer == "Ask the DSCRO."
    assert await _count(database, FaqEntry) == 2


async def test_a_bad_file_lists_every_problem_and_writes_nothing(
        database: Database, settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "faq.csv"
    path.write_text(
        "external_id,question,answer,url,community\n"
        "ok-1,Fine question?,Fine answer.,https://example.org,Brand New Community\n"
        "bad-2,No answer here?,,,\n"
        "bad-3,Odd link?,Answer.,www.example.org,\n"
        "ok-1,Duplicate?,Answer.,,\n")
    with pytest.raises(ImportFailed) as failed:
        await run_import(database, settings, "faq", path)
    problems = failed.value.problems
    # Numbered as a spreadsheet shows them: the header is row 1.
    assert "row 3: missing answer" in problems
    assert any(p.startswith("row 4: url:") for p in problems)
    assert any(p.startswith("row 2: external_id 'ok-1' appears more than once") for p in problems)
    assert any(p.startswith("row 5: external_id 'ok-1'") for p in problems)
    assert await _count(database, FaqEntry) == 0
    async with database.session() as session:
        assert await session.scalar(select(Community).where(
            Community.slug == "brand-new-community")) is None


async def test_unknown_columns_are_refused(database: Database, settings: Settings,
                                           tmp_path: Path) -> None:
    path = tmp_path / "faq.csv"
    path.write_text("external_id,question,answer,tag\nx,Q?,A.,spc\n")
    with pytest.raises(ImportFailed) as failed:
        await run_import(database, settings, "faq", path)
    assert failed.value.problems[0].startswith("unknown column tag (expected external_id,")


async def test_resources_import_from_yaml(database: Database, settings: Settings,
                                          tmp_path: Path) -> None:
    path = tmp_path / "library.yaml"
    path.write_text("""resources:
  - external_id: mdc
    title: Making data count
    url: https://www.england.nhs.uk/mdc/
    type: guide
    community: evaluation
    tags: [spc, boards]
    published: 2024-05-01
  - external_id: ons-pop
    title: ONS population estimates
    url: https://www.ons.gov.uk/
    type: dataset
""")
    summary = await run_import(database, settings, "resources", path)
    assert summary == ("Imported resources: 2 created, 0 updated, 0 unchanged. New community "
                       "created: "
                       "evaluation.")
    async with database.session() as session:
        mdc = await session.scalar(select(Resource).where(Resource.external_id == "mdc"))
    assert mdc is not None and mdc.tags == ["spc", "boards"] and str(mdc.published) == "2024-05-01"


async def test_resources_import_validates_type_and_date(database: Database, settings: Settings,
                                                        tmp_path: Path) -> None:
    path = tmp_path / "library.csv"
    path.write_text("external_id,title,url,type,published\n"
                    "a,A guide,https://example.org/a,podcast,2024-13-01\n"
                    "b,,https://example.org/b,,\n")
    with pytest.raises(ImportFailed) as failed:
        await run_import(database, settings, "resources", path)
    problems = failed.value.problems
    assert "row 3: missing title" in problems
    assert any(p.startswith("row 2: type: 'podcast' is not one of guide,") for p in problems)
    assert any(p.startswith("row 2: published:") for p in problems)
    assert await _count(database, Resource) == 0

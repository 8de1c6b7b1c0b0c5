"""The seminar cycle on the installed command line: importing a Teams attendance report
(the UTF-16 sample beside these tests) and the exports organisers take to spreadsheets."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

from storage.db import Database
from storage.models import Person
from storage.models.events import CONFIRMED, EVENT_SCHEDULED, Event, Registration
from storage.models.seminars import Feedback, Topic, TopicVote
from tests.bot.test_attendance_report import SAMPLE
from tests.bot.test_cli import run, workdir

__all__ = ["workdir"]

STARTS = datetime(2026, 12, 10, 14, 0, tzinfo=UTC)


async def _seminar_and_people(database: Database) -> dict[str, int]:
    async with database.session() as session:
        event = Event(title="Intro to SPC charts", description="", speaker="", starts_at=STARTS,
                      ends_at=STARTS + timedelta(minutes=90), timezone="Europe/London",
                      location="", join_link="", capacity=30, confirmed_count=1,
                      status=EVENT_SCHEDULED, created_at=STARTS - timedelta(days=30),
                      updated_at=STARTS - timedelta(days=30))
        session.add(event)
        people = {
            "alice": Person(platform="slack", workspace="T1", user_id="U-alice",
                            display_name="Alice A.", email="alice@example.nhs.uk"),
            "bob": Person(platform="console", workspace="", user_id="bob", display_name="Bob"),
            "carol1": Person(platform="slack", workspace="T1", user_id="U-carol",
                             display_name="Carol Jones"),
            "carol2": Person(platform="teams", workspace="tenant", user_id="aad-carol",
                             display_name="Carol Jones"),
        }
        for person in people.values():
            person.created_at = person.last_seen_at = STARTS - timedelta(days=40)
        session.add_all(people.values())
        await session.flush()
        session.add(Registration(event_id=event.id, person_id=people["alice"].id,
                                 status=CONFIRMED, signed_up_at=STARTS - timedelta(days=20),
                                 updated_at=STARTS - timedelta(days=20)))
        return {"event": event.id, **{k: p.id for k, p in people.items()}}


async def test_importing_a_teams_report_matches_by_email_then_name_and_guesses_nothing(
        workdir: Path, database: Database) -> None:
    ids = await _seminar_and_people(database)
    result = run(["import", "attendance", str(ids["event"]), str(SAMPLE)], workdir)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == (f"#{ids['event']} Intro to SPC charts: 6 participants in the report; 2 "
                        "recorded as attending, 0 already recorded, 4 not matched.")
    assert lines[2:] == [
        "  line 11: Olive Organiser <olive@example.nhs.uk> — nobody with this email or name",
        "  line 14: Carol Jones <carol.jones@example.nhs.uk> — 2 people have this name and "
        "none this email",
        "  line 15: Dan (Guest) — nobody with this email or name",
        "  line 16: Sam Smith <sam.smith@partner.example> — nobody with this email or name",
    ]
    again = run(["import", "attendance", f"#{ids['event']}", str(SAMPLE)], workdir)
    assert "0 recorded as attending, 2 already recorded" in again.stdout

    exported = run(["export", "attendees", str(ids["event"])], workdir)
    rows = list(csv.DictReader(io.StringIO(exported.stdout)))
    assert [(r["name"], r["status"], r["attended"]) for r in rows] == [
        ("Alice A.", "confirmed", "report"), ("Bob", "", "report")]

    learning = run(["export", "learning", "--year", "2026"], workdir)
    rows = list(csv.DictReader(io.StringIO(learning.stdout)))
    assert [(r["name"], r["email"], r["date"], r["hours"], r["recorded_by"]) for r in rows] == [
        ("Alice A.", "alice@example.nhs.uk", "2026-12-10", "1.5", "report"),
        ("Bob", "", "2026-12-10", "1.5", "report")]
    assert run(["export", "learning", "--year", "2025"], workdir).stdout.count("\n") == 1


async def test_report_import_refuses_what_it_cannot_use(workdir: Path,
                                                        database: Database) -> None:
    ids = await _seminar_and_people(database)
    not_a_report = workdir / "notes.csv"
    not_a_report.write_text("just,some,columns\n1,2,3\n")
    cases = [
        (["import", "attendance", str(ids["event"]), str(not_a_report)], "no participants table"),
        (["import", "attendance", "99", str(SAMPLE)], "There is no event #99"),
        (["import", "attendance", str(SAMPLE)], "usage: copbot import attendance"),
        (["import", "attendance", str(ids["event"]), str(workdir / "missing.csv")],
         "cannot read"),
    ]
    for args, message in cases:
        result = run(args, workdir)
        assert result.returncode != 0 and message in result.stderr, result.stderr
        assert "Traceback" not in result.stderr


async def test_feedback_and_topics_exports(workdir: Path, database: Database) -> None:
    ids = await _seminar_and_people(database)
    async with database.session() as session:
        for who, rating, comment, signed in (("alice", 4, "Clear", True),
                                              ("bob", 2, "Too fast", False)):
            session.add(Feedback(event_id=ids["event"], person_id=ids[who], rating=rating,
                                 comment=comment, signed=signed, created_at=STARTS,
                                 updated_at=STARTS + timedelta(hours=2)))
        topic = Topic(title='=HYPERLINK("x") forecasting', status="open", created_at=STARTS,
                      updated_at=STARTS)
        session.add(topic)
        await session.flush()
        session.add(TopicVote(topic_id=topic.id, person_id=ids["bob"], voted_at=STARTS))
    feedback = run(["export", "feedback", str(ids["event"])], workdir)
    rows = list(csv.DictReader(io.StringIO(feedback.stdout)))
    assert [(r["rating"], r["comment"], r["name"]) for r in rows] == [
        ("4", "Clear", "Alice A."), ("2", "Too fast", "")]
    out = workdir / "topics.csv"
    topics = run(["export", "topics", "--out", str(out)], workdir)
    assert "Wrote 1 topics" in topics.stderr
    [row] = list(csv.DictReader(io.StringIO(out.read_text())))
    assert (row["topic"], row["votes"], row["status"]) == ("T1", "1", "open")
    bad = run(["export", "feedback", "twelve"], workdir)
    assert bad.returncode == 1 and "not an event number" in bad.stderr

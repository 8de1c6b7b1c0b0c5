"""The events feature through the installed command line, as people would use it:
``copbot chat`` sessions fed on stdin, ``copbot export attendees`` and ``copbot import events``."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar

from tests.bot.test_cli import replies, run, workdir

__all__ = ["workdir"]  # the fixture, shared with test_cli

LONDON = ZoneInfo("Europe/London")


def chat(workdir: Path, user: str, *lines: str, organiser: bool = False) -> list[str]:
    args = ["chat", "--user", user, "--name", user.title(), "--files", str(workdir / user)]
    if organiser:
        args.append("--organiser")
    result = run(args, workdir, "".join(f"{line}\n" for line in lines))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    return replies(result.stdout)


def a_fortnight_away() -> datetime:
    day = (datetime.now(LONDON) + timedelta(days=14)).date()
    return datetime(day.year, day.month, day.day, 14, 0, tzinfo=LONDON)


def test_console_session_capacity_waitlist_promotion_and_export(workdir: Path) -> None:
    start = a_fortnight_away()
    [created] = chat(workdir, "olive",
                     f'event add title="Intro to SPC charts" start="{start:%Y-%m-%d %H:%M}" '
                     "duration=90m capacity=2 community=analysis link=https://meet.example/spc",
                     organiser=True)
    assert "Created #1 Intro to SPC charts" in created

    [alice] = chat(workdir, "alice", "signup 1")
    [bob] = chat(workdir, "bob", "signup #1")
    [carol] = chat(workdir, "carol", "signup 1")
    assert "You're registered: #1" in alice and "You're registered: #1" in bob
    assert "waitlist at position 1" in carol

    [cancelled] = chat(workdir, "alice", "cancel 1")
    # Carol's promotion is delivered (printed, in the console) along with Alice's reply.
    notice, _, reply = cancelled.partition("You've given up your place")
    assert "[message to @carol]" in notice and "You're in: #1 Intro to SPC charts" in notice
    assert "#1 Intro to SPC charts" in reply

    [roster] = chat(workdir, "olive", "attendees 1", organiser=True)
    confirmed, waiting = roster.split("Waitlist")
    assert "Bob" in confirmed and "Carol" in confirmed and "Alice" not in roster
    assert "nobody waiting" in waiting

    exported = run(["export", "attendees", "1", "--format", "csv"], workdir)
    assert exported.returncode == 0, exported.stderr
    rows = list(csv.DictReader(io.StringIO(exported.stdout)))
    assert [(r["name"], r["status"], r["platform"], r["user_id"]) for r in rows] == [
        ("Bob", "confirmed", "console", "bob"), ("Carol", "confirmed", "console", "carol")]
    signed_up = datetime.fromisoformat(rows[0]["signed_up"])
    assert signed_up.utcoffset() == datetime.now(LONDON).utcoffset()

    [saved] = chat(workdir, "carol", "calendar 1")
    assert "Saved event-1.ics" in saved
    [vevent] = icalendar.Calendar.from_ical((workdir / "carol" / "event-1.ics").read_bytes()
                                            ).events
    assert vevent.start == start
    assert (vevent.start.hour, vevent.start.minute) == (14, 0)
    assert str(vevent.start.tzinfo) == "Europe/London"


def test_export_writes_a_file_and_explains_an_unknown_event(workdir: Path) -> None:
    start = a_fortnight_away()
    chat(workdir, "olive", f'event add title=Waitlists start="{start:%Y-%m-%d %H:%M}" '
                           "duration=1h capacity=1", organiser=True)
    chat(workdir, "alice", "signup 1")
    chat(workdir, "bob", "signup 1")
    out = workdir / "attendees.csv"
    result = run(["export", "attendees", "#1", "--out", str(out)], workdir)
    assert result.returncode == 0 and result.stdout == ""
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [(r["name"], r["status"], r["waitlist_position"]) for r in rows] == [
        ("Alice", "confirmed", ""), ("Bob", "waitlisted", "1")]
    missing = run(["export", "attendees", "99"], workdir)
    assert missing.returncode == 1 and "no event #99" in missing.stderr
    assert "Traceback" not in missing.stderr


IMPORT = """external_id,title,start,duration,capacity,community,link,speaker
spc-1,SPC charts in practice,{day} 14:00,90m,40,analysis,https://example.org/spc,Jane Doe
r-1,R for NHS analysts,{day} 10:00,2h,25,analysis,,
"""


def test_import_checks_the_whole_file_then_updates_by_external_id(workdir: Path) -> None:
    day = f"{a_fortnight_away():%Y-%m-%d}"
    bad = workdir / "bad.csv"
    bad.write_text(IMPORT.format(day=day) + "x-1,,yesterday,0,lots,astrology,ftp://x,\n")
    result = run(["import", "events", str(bad)], workdir)
    assert result.returncode == 1
    for problem in ("row 4: title: missing", "row 4: start:", "row 4: duration:",
                    "row 4: capacity:", "row 4: community:", "row 4: link:"):
        assert problem in result.stderr, result.stderr
    [listing] = chat(workdir, "alice", "events")
    assert "No events" in listing

    good = workdir / "events.csv"
    good.write_text(IMPORT.format(day=day))
    first = run(["import", "events", str(good)], workdir)
    assert first.returncode == 0 and "2 created" in first.stdout, first.stderr
    good.write_text(IMPORT.format(day=day).replace(",40,", ",45,"))
    second = run(["import", "events", str(good)], workdir)
    assert "0 created, 1 updated, 1 unchanged" in second.stdout, second.stdout
    [listing] = chat(workdir, "alice", "events")
    assert listing.count("• #") == 2 and "45 of 45 left" in listing


def test_yaml_import_with_date_and_time_columns(workdir: Path) -> None:
    day = f"{a_fortnight_away():%Y-%m-%d}"
    path = workdir / "events.yaml"
    path.write_text(f"""events:
  - title: Journal club
    date: {day}
    time: "12:00"
    duration: 1h
    capacity: 30
    community: evidence
    location: Room 4
""")
    result = run(["import", "events", str(path)], workdir)
    assert result.returncode == 0, result.stderr
    [card] = chat(workdir, "alice", "event 1")
    assert "12:00–13:00" in card and "Room 4" in card and "Evidence" in card


def test_an_import_that_moves_an_event_queues_the_notices_for_a_running_bot(
        workdir: Path) -> None:
    day = f"{a_fortnight_away():%Y-%m-%d}"
    table = workdir / "events.csv"
    table.write_text(IMPORT.format(day=day))
    assert run(["import", "events", str(table)], workdir).returncode == 0
    chat(workdir, "alice", "signup 1")
    table.write_text(IMPORT.format(day=day).replace(f"{day} 14:00", f"{day} 15:00"))
    moved = run(["import", "events", str(table)], workdir)
    assert "1 updated" in moved.stdout and "1 message to registrants" in moved.stdout
    assert "queued" in moved.stdout, moved.stdout
    # The next process that runs a sender (here a chat session) delivers it, once.
    [listing] = chat(workdir, "bob", "events")
    assert listing.count("[message to @alice]") == 1 and "SPC charts in practice" in listing
    [again] = chat(workdir, "bob", "events")
    assert "[message to @alice]" not in again

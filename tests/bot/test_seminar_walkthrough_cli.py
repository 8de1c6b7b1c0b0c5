"""One seminar from suggestion to learning record with the installed ``copbot`` command, as
docs/seminar-cycle.md walks through it: ``copbot chat`` sessions for members and the organiser,
``copbot scheduler tick`` for the feedback cards, and the exports."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from pathlib import Path

from tests.bot.test_cli import run, workdir
from tests.bot.test_events_cli import LONDON, chat

__all__ = ["workdir"]


def test_one_seminar_from_suggestion_to_learning_record(workdir: Path) -> None:
    [suggested] = chat(workdir, "alice", "suggest SPC charts for A&E waits community=analysis")
    assert "T1 “SPC charts for A&E waits” is on the list" in suggested
    [voted] = chat(workdir, "bob", "vote T1")
    assert "You voted for T1" in voted and "(2 votes)" in voted

    # Check-in is open from 15 minutes before the start: the seminar starts in 10 minutes.
    start = (datetime.now(LONDON) + timedelta(minutes=10)).replace(second=0, microsecond=0)
    created, planned = chat(
        workdir, "olive",
        f'event add title="SPC charts for A&E" start="{start:%Y-%m-%d %H:%M}" duration=30m '
        "capacity=40 community=analysis", "topic plan T1 1", organiser=True)
    assert "Created #1 SPC charts for A&E" in created
    assert "[message to @bob]" in planned and "[message to @alice]" in planned
    assert "T1 is planned as #1 SPC charts for A&E. 2 voters were told." in planned

    _, checked = chat(workdir, "alice", "signup 1", "checkin 1")
    assert "Checked in to #1 SPC charts for A&E" in checked
    [marked, recorded] = chat(workdir, "olive", "attended 1 Bob",
                              "event recording 1 https://video.example.nhs.uk/spc",
                              organiser=True)
    assert "Recorded: Bob attended #1" in marked
    assert "[message to @alice]" in recorded and "[message to @bob]" in recorded
    assert "2 people were told" in recorded  # Alice had a place, Bob came

    # A check of the end of the seminar: both feedback cards would go, and a check sends
    # nothing, so a second check sees them still due.  (Sending them once, across an
    # outage and replicas: tests/bot/scheduler/test_feedback_cards.py.)
    ended = (start + timedelta(minutes=31)).strftime("%Y-%m-%dT%H:%M")
    for _ in range(2):
        tick = run(["scheduler", "tick", "--now", ended], workdir)
        assert tick.returncode == 0, tick.stderr
        assert tick.stdout.count("would send feedback_request") == 2
        assert "Nothing was sent or recorded." in tick.stdout

    [learning] = chat(workdir, "alice", "my learning")
    assert "1 seminar, 0.5 hours in total." in learning

    attendees = run(["export", "attendees", "1"], workdir)
    rows = list(csv.DictReader(io.StringIO(attendees.stdout)))
    assert [(r["name"], r["status"], r["attended"]) for r in rows] == [
        ("Alice", "confirmed", "check-in"), ("Bob", "", "organiser")]
    learning_csv = run(["export", "learning", "--year", str(start.year)], workdir)
    assert [(r["name"], r["hours"]) for r in csv.DictReader(io.StringIO(learning_csv.stdout))
            ] == [("Alice", "0.5"), ("Bob", "0.5")]
    topics = run(["export", "topics"], workdir)
    [topic] = list(csv.DictReader(io.StringIO(topics.stdout)))
    assert (topic["status"], topic["votes"], topic["event_id"]) == ("planned", "2", "1")

"""An organiser's week through the real ``copbot chat`` with piped input, one person per
session on a shared database: a question that no channel takes reaches the organisers as a
card they can answer from, ``questions`` shows where it stands, ``organisers`` shows names,
and removing a registration or cancelling an event has its guard rails."""

from __future__ import annotations

from pathlib import Path

from tests.bot.test_cli import replies, run

ORGANISER = {"COPBOT_ORGANISERS": "console::olive"}


def chat(workdir: Path, user: str, name: str, lines: list[str]) -> list[str]:
    result = run(["chat", "--user", user, "--name", name], workdir, "\n".join(lines) + "\n",
                 env=ORGANISER)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return replies(result.stdout)


def test_an_escalation_with_no_channel_reaches_the_organisers_who_answer_it(
        workdir: Path) -> None:
    chat(workdir, "olive", "Olive Organiser", ["organisers"])  # the bot meets Olive
    _, escalated = chat(workdir, "ana", "Ana Lyst",
                        ["How many angels fit on a pin head?", "escalate Q1"])
    # Olive gets the question as a direct message with an Answer button.
    assert "[message to @olive]" in escalated
    card = escalated.split("[message to @olive]", 1)[1]
    assert "How many angels fit on a pin head?" in card and "Asked by: Ana Lyst" in card
    assert "answer Q1" in card
    assert "sent Q1 to the organisers" in escalated

    organisers, listed, still_open, answered = chat(
        workdir, "olive", "Olive Organiser",
        ["organisers", "questions escalated", "questions open",
         'answer Q1 answer="About twelve."'])
    assert "Olive Organiser (console::olive, from settings)" in organisers
    assert "Q1 · escalated" in listed and "answer Q1" in listed
    assert "Q1" not in still_open
    assert "[message to @ana]" in answered and "About twelve." in answered

    [now] = chat(workdir, "olive", "Olive Organiser", ["questions answered"])
    assert "Q1 · answered" in now
    report = run(["report", "questions", "--since", "01/01/2026", "--state", "answered"],
                 workdir)
    assert report.returncode == 0, report.stderr
    assert "\tanswered\t" in report.stdout.splitlines()[0]


def test_removing_a_registration_moves_the_waitlist_up_and_cancelling_asks_first(
        workdir: Path) -> None:
    (workdir / "events.csv").write_text(
        "external_id;title;start;duration;capacity\n"
        "spc-1;Intro to SPC;03/12/2030 14:00;90m;1\n")
    imported = run(["import", "events", "events.csv"], workdir)
    assert imported.stdout == "Imported events: 1 created, 0 updated, 0 unchanged.\n"
    chat(workdir, "ana", "Ana Lyst", ["signup 1"])
    chat(workdir, "bob", "Bob Bee", ["signup 1"])  # the waitlist

    removed, asked, cancelled = chat(workdir, "olive", "Olive Organiser", [
        "attendees remove 1 Ana Lyst", "event cancel 1", "event cancel 1 confirm"])
    assert "Your place was removed" in removed.split("[message to @ana]", 1)[1]
    assert "now confirmed" in removed.split("[message to @bob]", 1)[1]
    assert "Removed Ana Lyst's place" in removed and "Moved up from the waitlist" in removed
    assert "It cannot be undone" in asked and "event cancel 1 confirm" in asked
    assert "[message to" not in asked  # nobody is told before the confirmation
    assert "Cancelled #1 Intro to SPC" in cancelled and "[message to @bob]" in cancelled

    again = run(["import", "events", "events.csv"], workdir)
    assert again.stdout == ("Imported events: 0 created, 0 updated, 0 unchanged. "
                            "Left alone, because cancelled: #1 (spc-1).\n")

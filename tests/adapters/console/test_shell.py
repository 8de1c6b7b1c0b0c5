"""The console behaves like a shell: forms print the command to type back, and quit/exit
end the session.  Driven through the real ``copbot chat`` with piped input."""

from __future__ import annotations

from pathlib import Path

from tests.bot.test_cli import replies, run

SETUP = "\n".join([
    'event add title="Intro to SPC" start="2030-06-10 14:00" duration=90m capacity=30 '
    'speaker="Dr O\'Neil" description="Bring \\"real\\" data"',
    'faq add question="How do I get HES access?" answer="Ask the IG team." tags="hes, access"',
    "How many angels fit on a pin head?",
    "escalate Q1",
    "event edit 1",
    "faq edit F1",
    "answer Q1",
]) + "\n"


def _command_line(reply: str, prefix: str) -> str:
    [line] = [line.strip() for line in reply.splitlines() if line.startswith(f"  {prefix}")]
    return line


def test_forms_print_the_command_with_current_values_that_types_back(workdir: Path) -> None:
    first = run(["chat", "--user", "olive", "--organiser"], workdir, SETUP)
    assert first.returncode == 0, first.stderr
    *_, event_form, faq_form, answer_form = replies(first.stdout)
    event_line = _command_line(event_form, "event edit")
    assert event_line.startswith('event edit 1 title="Intro to SPC" date="2030-06-10" '
                                 'time="14:00" duration="1h30m" capacity="30"')
    assert 'speaker="Dr O\'Neil"' in event_line
    assert 'description="Bring \\"real\\" data"' in event_line
    faq_line = _command_line(faq_form, "faq edit")
    assert faq_line.startswith('faq edit F1 question="How do I get HES access?" '
                               'answer="Ask the IG team."')
    assert _command_line(answer_form, "answer") == 'answer Q1 answer="…"'

    again = run(["chat", "--user", "olive", "--organiser"], workdir, "\n".join([
        event_line.replace('capacity="30"', 'capacity="25"'),
        faq_line,
        'answer Q1 answer="About twelve."',
        "event 1",
        "faq edit F1",
    ]) + "\n")
    saved_event, saved_faq, answered, details, faq_again = replies(again.stdout)
    assert "Saved #1 Intro to SPC" in saved_event and "0 of 25 taken" in saved_event
    assert "Updated FAQ entry F1" in saved_faq
    assert "I've sent your answer" in answered
    assert "Dr O'Neil" in details and 'Bring "real" data' in details
    assert _command_line(faq_again, "faq edit") == faq_line


def test_quit_and_exit_end_a_piped_session(workdir: Path) -> None:
    for word in ("quit", "exit", "  EXIT "):
        result = run(["chat", "--user", "ana"], workdir, f"communities\n{word}\nhelp\n")
        assert result.returncode == 0, result.stderr
        [listing] = replies(result.stdout)
        assert "Analysis" in listing

"""The console behaves like a shell: forms print the command to type back, and quit, exit
and Ctrl-D (end of input) end the session.  Driven through the real ``copbot chat`` with
piped input, and on a pseudo-terminal for the interactive prompt."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
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


def test_end_of_input_without_quit_ends_a_piped_session_cleanly(workdir: Path) -> None:
    result = run(["chat", "--user", "ana"], workdir, "communities\nmy events")  # no newline
    assert result.returncode == 0, result.stderr
    listing, mine = replies(result.stdout)
    assert "Analysis" in listing and "events" in mine.lower()
    assert "Traceback" not in result.stderr and "Error" not in result.stderr


def _read_until(controller: int, wanted: bytes, seen: bytearray, timeout: float) -> bool:
    import select
    import time

    deadline = time.monotonic() + timeout
    while wanted not in seen:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([controller], [], [], left)[0]:
            return False
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # the child closed the terminal
            return wanted in seen
        if not chunk:
            return wanted in seen
        seen += chunk
    return True


def test_ctrl_d_at_the_prompt_ends_an_interactive_session(workdir: Path) -> None:
    controller, terminal = pty.openpty()
    env = {k: v for k, v in os.environ.items() if not k.startswith("COPBOT_")}
    seen = bytearray()
    with subprocess.Popen([sys.executable, "-m", "bot", "chat", "--user", "ana"], cwd=workdir,
                          env=env, stdin=terminal, stdout=terminal, stderr=terminal) as child:
        os.close(terminal)
        try:
            assert _read_until(controller, b"you> ", seen, 120), seen.decode(errors="replace")
            os.write(controller, b"communities\n")
            assert _read_until(controller, b"Analysis", seen, 60), seen.decode(errors="replace")
            assert _read_until(controller, b"you> ", seen, 60)
            os.write(controller, b"\x04")  # Ctrl-D on an empty line: end of input
            code = child.wait(timeout=60)
            _read_until(controller, b"\x00", seen, 1)  # whatever was printed on the way out
        finally:
            if child.poll() is None:
                child.kill()
            os.close(controller)
    text = seen.decode("utf-8", "replace")
    assert code == 0, text
    assert "Traceback" not in text
    assert text.count("you> ") == 2  # the session ended at the second prompt

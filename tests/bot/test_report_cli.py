"""``copbot report questions`` shows where each question stands and filters by it."""

from __future__ import annotations

from pathlib import Path

from tests.bot.test_cli import run

ORGANISER = {"COPBOT_ORGANISERS": "console::olive"}


def _states(stdout: str) -> dict[str, str]:
    return {line.split("\t")[0]: line.split("\t")[2] for line in stdout.splitlines()[:-1]}


def test_report_shows_each_questions_state_and_filters_by_it(workdir: Path) -> None:
    alice = run(["chat", "--user", "alice"], workdir,
                "What is our synthetic data policy?\nWho runs the R group?\nescalate Q1\n",
                env=ORGANISER)
    assert "[message to @olive]" in alice.stdout and "Can you help with Q1?" in alice.stdout
    run(["chat", "--user", "olive"], workdir, "answer Q1 With a DPIA.\n", env=ORGANISER)
    run(["chat", "--user", "alice"], workdir, "accept Q1\n", env=ORGANISER)
    report = run(["report", "questions"], workdir)
    assert report.returncode == 0, report.stderr
    assert _states(report.stdout) == {"Q1": "answered", "Q2": "open"}

    run(["chat", "--user", "olive"], workdir, "faq approve F1\n", env=ORGANISER)
    report = run(["report", "questions", "--since", "01/11/2026"], workdir)
    assert _states(report.stdout) == {"Q1": "published", "Q2": "open"}
    assert "(1 open, 0 escalated, 0 answered, 1 published)" in report.stdout.splitlines()[-1]
    unanswered = run(["report", "questions", "--unanswered"], workdir)
    assert _states(unanswered.stdout) == {"Q2": "open"}
    published = run(["report", "questions", "--state", "published"], workdir)
    assert _states(published.stdout) == {"Q1": "published"}
    bad = run(["report", "questions", "--state", "lost"], workdir)
    assert bad.returncode == 2 and "invalid choice" in bad.stderr

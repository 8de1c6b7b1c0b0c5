"""``copbot import faq``, ``copbot ask --jsonl`` and ``copbot report questions``, run as a
user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

COPBOT = [sys.executable, "-m", "bot"]

FAQ = """external_id,question,answer,url,community,tags,alternates
hes,How do I get access to HES data?,Apply through DARS.,https://digital.nhs.uk/dars,analysis,hes,
spc,What is a statistical process control chart?,A run chart with limits.,,evaluation,spc,SPC?
los,How should I calculate length of stay?,Discharge minus admission.,,,,
"""


def run(args: list[str], cwd: Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COPBOT_")}
    return subprocess.run(COPBOT + args, cwd=cwd, input=stdin, capture_output=True, text=True,
                          timeout=300, env=env, check=False)


@pytest.fixture
def workdir(tmp_path: Path, database_url: str) -> Path:
    (tmp_path / ".env").write_text(f"COPBOT_DATABASE_URL={database_url}\n"
                                   "COPBOT_ORGANISERS=console::olive\n")
    (tmp_path / "faq.csv").write_text(FAQ)
    imported = run(["import", "faq", "faq.csv"], tmp_path)
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.startswith("Imported FAQ entries: 3 created, 0 updated, 0 unchanged.")
    return tmp_path


def test_ask_jsonl_contract(workdir: Path) -> None:
    result = run(["ask", "--jsonl", "--top", "2"], workdir,
                 "how can I get hes data?\n\nLOS calculation\nwhat time is lunch?\n")
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["question"] for line in lines] == [
        "how can I get hes data?", "LOS calculation", "what time is lunch?"]
    hes, los, lunch = lines
    assert hes["answered"] is True and hes["matches"][0]["external_id"] == "hes"
    assert los["answered"] is True and los["matches"][0]["external_id"] == "los"
    assert lunch["answered"] is False
    for line in lines:
        assert set(line) == {"question", "answered", "matches"}
        assert len(line["matches"]) <= 2
        scores = [m["score"] for m in line["matches"]]
        assert scores == sorted(scores, reverse=True)
        assert all(set(m) == {"external_id", "score"} for m in line["matches"])


def test_ask_defaults_to_five_matches_and_needs_jsonl(workdir: Path) -> None:
    result = run(["ask", "--jsonl"], workdir, "data\n")
    assert len(json.loads(result.stdout)["matches"]) <= 5
    assert run(["ask"], workdir, "x\n").returncode == 2


def test_chat_questions_show_in_the_report(workdir: Path) -> None:
    chat = run(["chat", "--user", "alice"], workdir,
               "how do I get HES data?\nfeedback Q1 yes\nwhen is the christmas party?\n")
    assert chat.returncode == 0, chat.stderr
    assert "Was this helpful? (Q1)" in chat.stdout
    assert "I don't have an answer to that yet" in chat.stdout
    report = run(["report", "questions"], workdir)
    assert report.returncode == 0, report.stderr
    first, second, totals = report.stdout.splitlines()
    assert first.startswith("Q1\t") and "answered F1" in first and "\thelpful\t" in first
    assert second.startswith("Q2\t") and "unanswered" in second
    assert totals == ("2 questions: 1 answered, 1 unanswered (1 open, 0 escalated, 1 answered, "
                      "0 published); feedback 1 helpful, 0 not helpful.")
    unanswered = run(["report", "questions", "--unanswered"], workdir).stdout.splitlines()
    assert [line.split("\t")[0] for line in unanswered[:-1]] == ["Q2"]
    future = run(["report", "questions", "--since", "2999-01-01"], workdir).stdout
    assert future.strip() == ("0 questions: 0 answered, 0 unanswered (0 open, 0 escalated, "
                              "0 answered, 0 published); feedback 0 helpful, 0 not helpful.")
    bad = run(["report", "questions", "--since", "yesterday"], workdir)
    assert bad.returncode == 2 and "not a date" in bad.stderr


def test_import_problems_are_listed_and_nothing_is_written(workdir: Path) -> None:
    (workdir / "bad.csv").write_text("external_id,question,answer\nx,Only a question?,\n")
    result = run(["import", "faq", "bad.csv"], workdir)
    assert result.returncode == 1
    assert "row 2: missing answer" in result.stderr

"""Long work on the command line (imports, exports, reports and building the search index
over hundreds of rows) shows a progress bar with counts on a terminal, and only its one
summary line when piped."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import struct
import subprocess
import sys
import termios
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from storage.db import Database
from storage.models.knowledge import QuestionLog
from storage.models.seminars import Topic

ROWS = 250
WHEN = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)


def _faq(path: Path) -> None:
    lines = ["external_id,question,answer"]
    lines += [f"q-{n},Question number {n}?,Answer number {n}." for n in range(ROWS)]
    path.write_text("\n".join(lines) + "\n")


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("COPBOT_")}


def _copbot(args: list[str], cwd: Path, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=cwd, env=_env(),
                          text=True, timeout=120, check=False, **kwargs)  # type: ignore[call-overload]


def _on_terminal(args: list[str], cwd: Path, stdin: str = ""
                 ) -> tuple[subprocess.CompletedProcess[str], str]:
    """Run with stderr on a pseudo-terminal 100 columns wide; (result, what it showed)."""
    controller, terminal = pty.openpty()
    # A fresh pseudo-terminal reports 0 columns, too narrow for a bar.
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    try:
        result = _copbot(args, cwd, input=stdin, stdout=subprocess.PIPE, stderr=terminal)
        os.close(terminal)
        shown = b""
        while True:
            try:
                chunk = os.read(controller, 65536)
            except OSError:
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(controller)
    return result, shown.decode("utf-8", "replace")


def test_an_import_shows_a_bar_with_counts_on_a_terminal_and_one_line_piped(
        workdir: Path) -> None:
    _faq(workdir / "faq.csv")
    result, bar = _on_terminal(["import", "faq", "faq.csv"], workdir)
    assert result.returncode == 0
    assert result.stdout == (f"Imported FAQ entries: {ROWS} created, 0 updated, "
                             "0 unchanged.\n")
    assert "FAQ entries" in bar and f"{ROWS}/{ROWS}" in bar

    piped = _copbot(["import", "faq", "faq.csv"], workdir, capture_output=True)
    assert piped.stdout == f"Imported FAQ entries: 0 created, 0 updated, {ROWS} unchanged.\n"
    assert piped.stderr == ""


def test_building_the_search_index_shows_a_bar_on_a_terminal_and_nothing_piped(
        workdir: Path) -> None:
    _faq(workdir / "faq.csv")
    assert _copbot(["import", "faq", "faq.csv"], workdir, capture_output=True).returncode == 0
    question = "Question number 7?\n"
    result, bar = _on_terminal(["ask", "--jsonl"], workdir, stdin=question)
    assert result.returncode == 0 and '"external_id": "q-7"' in result.stdout
    assert "Indexing FAQ entries" in bar and f"{ROWS}/{ROWS}" in bar and "entry" in bar

    piped = _copbot(["ask", "--jsonl"], workdir, input=question, capture_output=True)
    assert piped.returncode == 0 and '"external_id": "q-7"' in piped.stdout
    assert piped.stderr == ""


async def test_an_export_shows_a_bar_on_a_terminal_and_one_summary_line_piped(
        workdir: Path, database: Database) -> None:
    async with database.session() as session:
        session.add_all(Topic(title=f"Topic number {n}", status="open", created_at=WHEN,
                              updated_at=WHEN) for n in range(ROWS))
    result, bar = _on_terminal(["export", "topics"], workdir)
    assert result.returncode == 0
    assert len(result.stdout.splitlines()) == ROWS + 1  # the header, then a row each
    assert "Exporting topics" in bar and f"{ROWS}/{ROWS}" in bar
    assert f"Exported {ROWS} topics." in bar

    piped = _copbot(["export", "topics"], workdir, capture_output=True)
    assert piped.returncode == 0 and len(piped.stdout.splitlines()) == ROWS + 1
    assert piped.stderr == f"Exported {ROWS} topics.\n"

    out = workdir / "topics.csv"
    to_file = _copbot(["export", "topics", "--out", str(out)], workdir, capture_output=True)
    assert to_file.stdout == "" and to_file.stderr == f"Wrote {ROWS} topics to {out}\n"
    assert len(out.read_text().splitlines()) == ROWS + 1


async def test_the_questions_report_shows_a_bar_on_a_terminal_and_only_its_lines_piped(
        workdir: Path, database: Database) -> None:
    async with database.session() as session:
        session.add_all(QuestionLog(platform="console", workspace="", channel="console",
                                    text=f"Question number {n}?",
                                    asked_at=WHEN + timedelta(minutes=n), answered=False,
                                    score=0.0) for n in range(ROWS))
    result, bar = _on_terminal(["report", "questions"], workdir)
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert len(lines) == ROWS + 1 and lines[-1].startswith(f"{ROWS} questions: 0 answered")
    assert "Listing questions" in bar and f"{ROWS}/{ROWS}" in bar

    piped = _copbot(["report", "questions"], workdir, capture_output=True)
    assert piped.stdout == result.stdout and piped.stderr == ""


@pytest.mark.semantic
async def test_computing_sentence_embeddings_shows_a_bar_and_each_entry_keeps_its_own(
        workdir: Path, database: Database) -> None:
    import numpy as np

    from storage.repositories.knowledge import FaqRepository
    from storage.search import embedding

    with (workdir / ".env").open("a") as env:
        env.write("COPBOT_SEARCH_ENGINE=semantic\n")
    _faq(workdir / "faq.csv")
    result, bar = _on_terminal(["import", "faq", "faq.csv"], workdir)
    assert result.returncode == 0, bar
    assert "Embedding FAQ entries" in bar and f"{ROWS}/{ROWS}" in bar
    # Entries embedded in different batches each keep the vectors of their own texts.
    async with database.session() as session:
        repo = FaqRepository(session)
        stored = await repo.vectors(embedding.MODEL_NAME)
        entries = await repo.by_external_ids(["q-0", "q-130", "q-249"])
    assert len(stored) == ROWS
    encoder = embedding.encoder()
    for external_id, entry in entries.items():
        vectors = np.frombuffer(stored[entry.id][1], dtype=np.float32)
        own, other = encoder.encode([entry.question, "Question number 1000?"])
        assert vectors.shape == (embedding.DIMENSIONS,), external_id
        assert np.allclose(vectors, own, atol=1e-4), external_id
        assert not np.allclose(vectors, other, atol=1e-4), external_id

    piped = _copbot(["ask", "--jsonl", "--top", "1"], workdir, capture_output=True,
                    input="Question number 130?\n")
    assert piped.returncode == 0 and piped.stderr == ""
    assert json.loads(piped.stdout)["matches"][0]["external_id"] == "q-130"

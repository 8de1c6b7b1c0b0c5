"""``copbot ask --jsonl`` (the evaluation contract) and ``copbot report questions``."""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import UTC, date, datetime
from datetime import time as clock_time
from typing import Any, TextIO

from bot.services.knowledge import rank_in
from bot.services.knowledge_index import SearchUnavailable, current, warm
from bot.settings import Settings
from bot.spreadsheet import neutralise
from storage.db import Database
from storage.models.knowledge import QuestionLog
from storage.repositories.knowledge import FaqRepository, QuestionLogRepository

# Questions are ranked in memory; the library's revision is read again at most this often, so
# entries imported meanwhile are found within a second, without a query per question.
RECHECK_SECONDS = 1.0


def add_parser(subparsers: Any) -> None:
    ask = subparsers.add_parser(
        "ask", help="answer questions from stdin with the FAQ engine (for evaluation)",
        description="Reads one question per line on stdin and writes one JSON object per "
        'line: {"question": ..., "answered": true|false, "matches": [{"external_id": ..., '
        '"score": ...}, ...]} (best first), with the same engine and threshold as chat. '
        "Questions asked here are not logged.",
    )
    ask.add_argument("--jsonl", action="store_true", required=True,
                     help="JSON lines in and out (the only mode)")
    ask.add_argument("--top", type=int, default=5, metavar="K",
                     help="how many matches to list (default 5)")
    ask.set_defaults(run=run_ask)

    report = subparsers.add_parser(
        "report", help="reports for organisers (questions asked)",
        description="Reports for organisers.",
    )
    kinds = report.add_subparsers(dest="report", metavar="REPORT", required=True)
    questions = kinds.add_parser(
        "questions", help="what people asked, what was answered, and their feedback",
        description="Every question asked in chat, oldest first, with the answer given (or "
        "the closest match), its score and the asker's feedback; then totals.",
    )
    questions.add_argument("--unanswered", action="store_true",
                           help="only questions I had no answer for")
    questions.add_argument("--since", type=_date, default=None, metavar="DATE",
                           help="only questions asked on or after DATE (YYYY-MM-DD, local)")
    questions.set_defaults(run=run_report)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-12-01") from None


async def run_ask(args: argparse.Namespace, settings: Settings) -> int:
    if args.top < 1:
        print("--top must be at least 1", file=sys.stderr)
        return 2
    database = Database(settings.database_url)
    try:
        await database.upgrade()
        await answer_lines(database, settings, sys.stdin, sys.stdout, top=args.top)
    except SearchUnavailable as exc:
        print(exc, file=sys.stderr)
        return 2
    finally:
        await database.dispose()
    return 0


async def answer_lines(database: Database, settings: Settings, lines: TextIO, out: TextIO,
                       *, top: int) -> None:
    index = await warm(database, settings)
    checked = time.monotonic()
    for line in lines:
        question = line.strip()
        if not question:
            continue
        if time.monotonic() - checked >= RECHECK_SECONDS:  # the library may have changed
            index = await current(database, settings, index)
            checked = time.monotonic()
        decision = rank_in(index, settings, question, top=top)
        out.write(json.dumps({
            "question": question,
            "answered": decision.answered,
            "matches": [{"external_id": index.external_ids.get(h.key), "score": round(h.score, 4)}
                        for h in decision.hits],
        }, ensure_ascii=False) + "\n")
        out.flush()


async def run_report(args: argparse.Namespace, settings: Settings) -> int:
    start = None
    if args.since is not None:
        start = datetime.combine(args.since, clock_time(0), settings.zone).astimezone(UTC)
    database = Database(settings.database_url)
    try:
        await database.upgrade()
        async with database.session() as session:
            logs = await QuestionLogRepository(session).since(start, unanswered=args.unanswered)
            entries = await FaqRepository(session).by_ids(
                {log.faq_entry_id for log in logs if log.faq_entry_id})
    finally:
        await database.dispose()
    for log in logs:
        print(_line(log, entries, settings))
    print(_totals(logs))
    return 0


def _line(log: QuestionLog, entries: dict[int, Any], settings: Settings) -> str:
    asked = log.asked_at.astimezone(settings.zone).strftime("%Y-%m-%d %H:%M")
    entry = entries.get(log.faq_entry_id or 0)
    if log.answered and entry is not None:
        outcome = f"answered {entry.public_id} ({log.score:.2f})"
    elif entry is not None:
        outcome = f"unanswered, closest {entry.public_id} ({log.score:.2f})"
    else:
        outcome = "unanswered"
    feedback = {"yes": "helpful", "no": "not helpful"}.get(log.feedback or "", "no feedback")
    text = " ".join(log.text.split())
    # Tab-separated, so it is often pasted into a spreadsheet: the question is someone's text.
    return "\t".join(neutralise(cell) for cell in (log.public_id, asked, outcome, feedback, text))


def _totals(logs: list[QuestionLog] | Any) -> str:
    total = len(logs)
    answered = sum(1 for log in logs if log.answered)
    helpful = sum(1 for log in logs if log.feedback == "yes")
    unhelpful = sum(1 for log in logs if log.feedback == "no")
    return (f"{total} question{'s' if total != 1 else ''}: {answered} answered, "
            f"{total - answered} unanswered; feedback {helpful} helpful, "
            f"{unhelpful} not helpful.")

"""``copbot report questions``: every question asked, where it stands, and the feedback."""

from __future__ import annotations

import argparse
from datetime import UTC, date, datetime
from datetime import time as clock_time
from typing import TYPE_CHECKING, Any

from bot.services.question_states import QUESTION_STATES
from bot.spreadsheet import neutralise

if TYPE_CHECKING:
    from bot.services.question_states import QuestionState
    from bot.settings import Settings

UNANSWERED = ("open", "escalated")


def add_parser(subparsers: Any) -> None:
    report = subparsers.add_parser(
        "report", help="reports for organisers (questions asked)",
        description="Reports for organisers.",
    )
    kinds = report.add_subparsers(dest="report", metavar="REPORT", required=True)
    questions = kinds.add_parser(
        "questions", help="what people asked, where each question stands, and their feedback",
        description="Every question asked in chat, oldest first: its id, when, its state "
        "(open: not answered and not put to the network; escalated: waiting for the network; "
        "answered: by the FAQ or the network; published: its answer is now a FAQ entry), the "
        "answer given (or the closest match) with its score, the asker's feedback and the "
        "question; then totals. Tab-separated.",
    )
    questions.add_argument("--state", choices=QUESTION_STATES, action="append", default=None,
                           help="only questions in this state (repeat for several)")
    questions.add_argument("--unanswered", action="store_true",
                           help="only questions still waiting for an answer (open or "
                           "escalated)")
    questions.add_argument("--since", type=_date, default=None, metavar="DATE",
                           help="only questions asked on or after DATE (local; 2026-11-01, "
                           "01/11/2026 or 1 Nov 2026)")
    questions.set_defaults(run=run_report)


def _date(text: str) -> date:
    from bot.timefmt import TimeInputError, parse_date

    try:
        return parse_date(text)
    except TimeInputError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


async def run_report(args: argparse.Namespace, settings: Settings) -> int:
    from bot.progress import terminal_track
    from bot.services.question_states import questions_since
    from storage.db import Database
    from storage.repositories.knowledge import FaqRepository

    start = None
    if args.since is not None:
        start = datetime.combine(args.since, clock_time(0), settings.zone).astimezone(UTC)
    states: tuple[str, ...] = tuple(args.state or QUESTION_STATES)
    if args.unanswered:
        states = tuple(s for s in states if s in UNANSWERED)
    database = Database(settings.database_url)
    try:
        await database.upgrade()
        async with database.session() as session:
            found = await questions_since(session, start, states=states)
            entries = await FaqRepository(session).by_ids(
                {q.question.faq_entry_id for q in found if q.question.faq_entry_id})
    finally:
        await database.dispose()
    # The lines are made under the bar (thousands on a terminal), then printed at once.
    lines = [_line(question, entries, settings)
             for question in terminal_track(found, "Listing questions", "question")]
    for line in lines:
        print(line)
    print(_totals(found))
    return 0


def _line(item: QuestionState, entries: dict[int, Any], settings: Settings) -> str:
    log = item.question
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
    return "\t".join(neutralise(cell) for cell in (log.public_id, asked, item.state, outcome,
                                                   feedback, text))


def _totals(found: list[QuestionState]) -> str:
    total = len(found)
    answered = sum(1 for q in found if q.state not in UNANSWERED)
    helpful = sum(1 for q in found if q.question.feedback == "yes")
    unhelpful = sum(1 for q in found if q.question.feedback == "no")
    by_state = ", ".join(f"{sum(1 for q in found if q.state == s)} {s}" for s in QUESTION_STATES)
    return (f"{total} question{'s' if total != 1 else ''}: {answered} answered, "
            f"{total - answered} unanswered ({by_state}); feedback {helpful} helpful, "
            f"{unhelpful} not helpful.")

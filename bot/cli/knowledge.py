"""``copbot ask --jsonl``: the evaluation contract."""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import TYPE_CHECKING, Any, TextIO

# The search engine (and numpy) load only when ``copbot ask`` runs.
if TYPE_CHECKING:
    from bot.settings import Settings
    from storage.db import Database

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


async def run_ask(args: argparse.Namespace, settings: Settings) -> int:
    from bot.services.knowledge_index import SearchUnavailable
    from storage.db import Database

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
    from bot.progress import terminal_track
    from bot.services.knowledge import rank_in
    from bot.services.knowledge_index import current, warm

    index = await warm(database, settings, track=terminal_track)
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

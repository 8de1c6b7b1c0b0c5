"""What every CSV export of the command line shares: its cells, its writer, and reading an
event number as organisers type it (``12`` or ``#12``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from bot.numbers import record_id
from bot.spreadsheet import csv_text

Cell = str | int | float


def write_csv(header: Sequence[str], rows: Iterable[Sequence[Cell]], what: str = "rows"
              ) -> str:
    """Every CSV export, with spreadsheet formulas neutralised; thousands of rows show a
    progress bar on a terminal (``what`` names them)."""
    from bot.progress import terminal_track

    return csv_text(header, terminal_track(list(rows), f"Exporting {what}"))


def event_number(word: str) -> int | None:
    return record_id(str(word).lstrip("#"))

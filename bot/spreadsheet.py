"""Cells that are safe to open in a spreadsheet (CSV injection, as OWASP describes it).

Excel, LibreOffice and Google Sheets treat a cell that begins with ``=``, ``+``, ``-`` or ``@``
as a formula — and a leading tab or carriage return can hide such a start — so a display
name like ``=HYPERLINK("http://evil.example","x")`` in an export would run when an organiser
opens it.  Every tabular file copbot writes goes through :func:`neutralise`, which prefixes
such a cell with a single quote: the spreadsheet shows the text and evaluates nothing.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> str:
    """``value`` as cell text, prefixed with ``'`` when a spreadsheet would read a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_text(header: Iterable[object], rows: Iterable[Iterable[object]]) -> str:
    """A CSV document with every cell neutralised.  Lines end in CRLF (RFC 4180), which
    also makes the writer quote any cell holding a lone carriage return."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(cell) for cell in header])
    writer.writerows([neutralise(cell) for cell in row] for row in rows)
    return buffer.getvalue()

"""Reading CSV or YAML import files, validated whole before anything is written.

An importer turns rows (``dict[str, str]``) into changes.  CSV rows are numbered as a
spreadsheet numbers them: the header is row 1, so the first data row is row 2; YAML entries
are numbered from 1.  A CSV file may separate its columns with commas, semicolons or tabs
(as spreadsheets export them); the header row tells which.  It first validates every row and raises
:class:`ImportFailed` listing every problem with its row number; only a file with no
problems is written, in one unit of work.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from bot.progress import Track, quietly
from bot.settings import Settings


@dataclass(frozen=True)
class Row:
    number: int
    values: dict[str, str]

    def get(self, name: str) -> str:
        return self.values.get(name, "").strip()


class ImportFailed(Exception):
    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


class Importer(Protocol):
    """Validate ``rows`` whole, then write them; returns the one-line summary."""

    def __call__(self, session: AsyncSession, rows: list[Row], settings: Settings,
                 now: datetime, *, track: Track = quietly) -> Awaitable[str]: ...


def read_rows(path: Path) -> list[Row]:
    """Rows of a ``.csv`` or ``.yaml``/``.yml`` file; raises ImportFailed if unreadable."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ImportFailed([f"cannot read {path}: {exc.strerror or exc}"]) from exc
    except UnicodeDecodeError as exc:
        raise ImportFailed([f"{path} is not UTF-8 text"]) from exc
    suffix = path.suffix.lower()
    if suffix in {".yaml", ".yml"}:
        return _yaml_rows(text, path)
    if suffix == ".csv":
        return _csv_rows(text)
    raise ImportFailed([f"{path.name}: use a .csv, .yaml or .yml file"])


DELIMITERS = ",;\t"


def csv_delimiter(text: str) -> str:
    """The delimiter of the header row: comma, semicolon or tab (comma if it cannot tell)."""
    header = text.lstrip("\r\n").split("\n", 1)[0]
    try:
        return csv.Sniffer().sniff(header, delimiters=DELIMITERS).delimiter
    except csv.Error:
        return ","


def _csv_rows(text: str) -> list[Row]:
    reader = csv.DictReader(io.StringIO(text), delimiter=csv_delimiter(text))
    if reader.fieldnames is None:
        raise ImportFailed(["the file is empty (a CSV file needs a header row)"])
    rows = []
    for number, record in enumerate(reader, start=2):  # the header is row 1
        if None in record:
            raise ImportFailed([f"row {number}: more values than header columns"])
        values = {(k or "").strip().lower(): (v or "") for k, v in record.items()}
        if any(v.strip() for v in values.values()):
            rows.append(Row(number, values))
    return rows


def _yaml_rows(text: str, path: Path) -> list[Row]:
    import yaml  # only for YAML files

    try:
        data: Any = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ImportFailed([f"{path.name} is not valid YAML: {exc}"]) from exc
    if data is None:
        return []
    if isinstance(data, dict) and len(data) == 1:
        data = next(iter(data.values()))  # allow a top-level key such as "events:"
    if not isinstance(data, list):
        raise ImportFailed([f"{path.name}: expected a list of entries"])
    rows = []
    for number, record in enumerate(data, start=1):
        if not isinstance(record, dict):
            raise ImportFailed([f"row {number}: expected a mapping of field: value"])
        rows.append(Row(number, {str(k).strip().lower(): _text(v) for k, v in record.items()}))
    return rows


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def require(rows: list[Row], columns: Sequence[str]) -> list[str]:
    """Problems for rows missing a required column."""
    problems = []
    for row in rows:
        missing = [c for c in columns if not row.get(c)]
        if missing:
            problems.append(f"row {row.number}: missing {', '.join(missing)}")
    return problems

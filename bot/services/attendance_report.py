"""Reading the attendance report a Teams meeting organiser downloads.

The report is UTF-16 (Teams' own download) or UTF-8 (after a spreadsheet round trip), tab- or
comma-separated, in numbered sections::

    1. Summary
    Meeting title   Intro to SPC charts
    ...
    2. Participants
    Name    First Join    Last Leave    In-Meeting Duration    Email    Participant ID (UPN)    Role
    Ada Lovelace    12/10/26, 1:58:03 PM    ...    ada@example.org    ada@example.org    Presenter
    3. In-Meeting Activities
    ...

Only the participants section matters here: one row per person, with a name and (for
people in the organisation) an email.  Reports without sections (the older format, one row per
join or leave) are read from their first header row that has a name column.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass

_SECTION = re.compile(r"^\s*\d+\.\s*(.+?)\s*$")
NAME_COLUMNS = ("name", "full name", "participant name", "display name")
EMAIL_COLUMNS = ("email", "e-mail", "participant id (upn)", "upn")


class ReportUnreadable(Exception):
    """The file is not an attendance report; the message says why."""


@dataclass(frozen=True, slots=True)
class Participant:
    line: int  # the line in the file (1-based), for messages
    name: str
    email: str


def decode(data: bytes) -> str:
    """The report's text: UTF-16 with or without a byte-order mark, or UTF-8."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    elif len(data) >= 2 and data[1:2] == b"\x00" and data[0:1] != b"\x00":
        encoding = "utf-16-le"
    else:
        encoding = "utf-8-sig"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise ReportUnreadable("the file is neither UTF-16 nor UTF-8 text") from exc


def _split(line: str) -> list[str]:
    delimiter = "\t" if "\t" in line else ","
    return [cell.strip() for cell in next(csv.reader([line], delimiter=delimiter))]


def _column(header: list[str], names: tuple[str, ...]) -> int | None:
    lowered = [h.strip().strip('"').lower() for h in header]
    for name in names:
        if name in lowered:
            return lowered.index(name)
    return None


def parse_report(data: bytes) -> list[Participant]:
    """The participants listed in a report, one per person (first appearance kept)."""
    lines = decode(data).splitlines()
    start = 0
    sectioned = False
    for number, line in enumerate(lines):
        match = _SECTION.match(line.split("\t")[0].split(",")[0])
        if match and match.group(1).lower().startswith("participants"):
            start, sectioned = number + 1, True
            break
    header_at = None
    for number in range(start, len(lines)):
        if not lines[number].strip():
            continue
        if _column(_split(lines[number]), NAME_COLUMNS) is not None:
            header_at = number
            break
        if sectioned:
            break
    if header_at is None:
        raise ReportUnreadable("no participants table with a Name column was found (is this "
                               "the attendance report from the meeting's Attendance tab?)")
    header = _split(lines[header_at])
    name_col = _column(header, NAME_COLUMNS)
    email_col = _column(header, EMAIL_COLUMNS)
    assert name_col is not None
    people: dict[str, Participant] = {}
    for number in range(header_at + 1, len(lines)):
        line = lines[number]
        if not line.strip():
            if sectioned:
                break
            continue
        if sectioned and _SECTION.match(line.split("\t")[0].split(",")[0]):
            break
        cells = _split(line)
        name = cells[name_col] if name_col < len(cells) else ""
        email = cells[email_col] if email_col is not None and email_col < len(cells) else ""
        email = email if "@" in email else ""
        if not name and not email:
            continue
        key = email.lower() or " ".join(name.split()).lower()
        people.setdefault(key, Participant(number + 1, " ".join(name.split()), email))
    return list(people.values())

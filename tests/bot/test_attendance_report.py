"""Reading Teams meeting attendance reports: the UTF-16, tab-separated download with its
numbered sections, and the same report after a spreadsheet saved it as UTF-8 CSV."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.services.attendance_report import Participant, ReportUnreadable, parse_report

SAMPLE = Path(__file__).parent / "reports" / "teams_attendance_report.csv"


def test_the_teams_download_lists_each_participant_once() -> None:
    people = parse_report(SAMPLE.read_bytes())
    assert [(p.name, p.email) for p in people] == [
        ("Olive Organiser", "olive@example.nhs.uk"),
        ("Alice Analyst", "ALICE@example.nhs.uk"),
        ("Bob", ""),
        ("Carol Jones", "carol.jones@example.nhs.uk"),
        ("Dan (Guest)", ""),
        ("Sam Smith", "sam.smith@partner.example"),
    ]  # the In-Meeting Activities section (Eve) is not the participants list
    assert people[0].line == 11


def test_a_utf8_comma_separated_copy_reads_the_same() -> None:
    text = SAMPLE.read_bytes().decode("utf-16")
    lines = []
    for line in text.splitlines():
        cells = line.split("\t")
        lines.append(",".join(f'"{c}"' if "," in c else c for c in cells))
    again = parse_report("\n".join(lines).encode("utf-8-sig"))
    assert [(p.name, p.email) for p in again] == [
        (p.name, p.email) for p in parse_report(SAMPLE.read_bytes())]


def test_the_older_format_without_sections_is_read_by_its_header() -> None:
    report = ("Full Name\tUser Action\tTimestamp\r\n"
              "Ada Lovelace\tJoined\t12/10/2026, 14:00:01\r\n"
              "Ada Lovelace\tLeft\t12/10/2026, 15:30:00\r\n"
              "Grace Hopper\tJoined\t12/10/2026, 14:02:00\r\n").encode("utf-16-le")
    assert parse_report(report) == [Participant(2, "Ada Lovelace", ""),
                                    Participant(4, "Grace Hopper", "")]


@pytest.mark.parametrize("data", [b"\xff\xfe\x00", b"just,some,columns\n1,2,3\n",
                                  b"\x80\x81\x82 not text", b""])
def test_files_that_are_not_reports_are_refused_clearly(data: bytes) -> None:
    with pytest.raises(ReportUnreadable):
        parse_report(data)

"""Numbers, ids and links people type, through the real router and handlers: each row is
one hostile or careless input, answered with a message that names the field and the fix —
never an error reference — and the database is unchanged."""

from __future__ import annotations

import pytest

from adapters.console.render import render_text
from storage.db import Database
from tests.security.conftest import no_traceback, row_counts
from tests.testbot import TestBot

SEMINAR = ('event add title="Intro to SPC" start="2026-12-10 14:00" duration=90m capacity=5 '
           "link=https://meet.example/spc")
NEW = 'event add title="Evil" start="2026-12-11 14:00" duration=60m capacity=5 '

# (who, what they type, what the answer must say)
ATTACKS = [
    ("alice", "signup 99999999999999999999", "There is no event #99999999999999999999"),
    ("alice", "signup 2147483648", "There is no event #2147483648"),
    ("alice", "signup 0", "There is no event #0"),
    ("alice", "signup " + "9" * 5000, "There is no event #999999999999999999999999…"),
    ("alice", "signup ²", "Which event? Give its number"),
    ("alice", "signup ١", "Which event? Give its number"),  # an Arabic-Indic digit
    ("alice", "signup -1", "Which event? Give its number"),
    ("alice", "signup 1_000", "Which event? Give its number"),
    ("alice", "event 99999999999999999999", "There is no event #99999999999999999999"),
    ("alice", "cancel #99999999999999999999", "There is no event #99999999999999999999"),
    ("alice", "calendar 99999999999999999999", "There is no event #99999999999999999999"),
    ("olive", "event capacity 1 999999999999", "capacity: must be a whole number from 1 to"),
    ("olive", "event capacity 1 ²", "capacity: must be a whole number from 1 to"),
    ("olive", "event capacity 1 0", "capacity: must be a whole number from 1 to"),
    ("olive", "event capacity 1 -5", "capacity: must be a whole number from 1 to"),
    ("olive", "event capacity 99999999999999999999 5", "There is no event #9999999999999"),
    ("olive", "attendees 99999999999999999999", "There is no event #99999999999999999999"),
    ("olive", "event cancel 99999999999999999999", "There is no event #9999999999999"),
    ("olive", "event edit 99999999999999999999 capacity=4", "There is no event #999999"),
    ("olive", "event edit 1 capacity=999999999999", "capacity: must be a whole number"),
    ("olive", "event edit 1 capacity=²", "capacity: must be a whole number"),
    ("olive", "event edit 1 duration=99999999999999999999m", "duration:"),
    ("olive", "event edit 1 duration=²h", "duration:"),
    ("olive", "event edit 1 duration=8d", "duration: an event can last at most 7 days"),
    ("olive", "event edit 1 link=https://meet.nhs.uk@evil.example/x",
     "link: must not have a user name or password"),
    ("olive", "event edit 1 link=javascript:alert(1)", "link: must be a web address"),
    ("olive", "event edit 1 link=https://", "link: must name a host"),
    ("olive", 'event edit 1 link="https://meet.example/a b"', "link: must not contain spaces"),
    ("olive", "event edit 1 link=https://meet.example/\u202egnp.exe",
     "link: must not contain spaces, line breaks or control characters"),
    ("olive", "event edit 1 link=https://meet.example:port/", "link: is not a web address"),
    ("olive", "event edit 1 link=https://[::1/", "link: is not a web address"),
    ("olive", NEW + "capacity=99999999999999999999", "capacity: must be a whole number"),
    ("olive", NEW + "link=https://user:pass@meet.example/x", "link: must not have a user"),
    ("olive", NEW + "duration=9999999999999999999999999d", "duration:"),
    ("alice", "faq F99999999999999999999", "Which FAQ entry?"),
    ("alice", "faq F²", "Which FAQ entry?"),
    ("alice", "feedback Q99999999999999999999 yes", "Tell me which question"),
    ("alice", "accept Q1 99999999999999999999", "The answer is named by its number"),
    ("olive", "resource edit R99999999999999999999", "Which resource?"),
]


@pytest.mark.parametrize(("who", "text", "expected"), ATTACKS,
                         ids=[f"{row[0]}: {row[1][:60]}" for row in ATTACKS])
async def test_bad_numbers_and_links_get_a_clear_answer_and_change_nothing(
        bot: TestBot, database: Database, caplog: pytest.LogCaptureFixture,
        who: str, text: str, expected: str) -> None:
    assert "Created #1" in await bot.text(SEMINAR, as_="olive")
    before = await row_counts(database)
    answer = render_text(await bot.say(text, as_=who))
    assert expected in answer
    assert "error reference" not in answer and "went wrong" not in answer
    assert await row_counts(database) == before
    event = await bot.text("event 1", as_="olive")
    assert "5 of 5 left" in event and "evil" not in event.lower()
    no_traceback(caplog)


async def test_a_valid_link_is_stored_exactly_as_given(bot: TestBot) -> None:
    await bot.text(SEMINAR, as_="olive")
    link = "https://meet.example/j/123?pwd=AbC&x=%20y#frag"
    assert "Saved" in await bot.text(f"event edit 1 link={link}", as_="olive")
    assert link in await bot.text("event 1", as_="olive")

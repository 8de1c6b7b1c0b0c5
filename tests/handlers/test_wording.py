"""Wording: every reply builder rendered with 0, 1 and 2 items reads right — "1 place",
never "1 places"; one mark after a title that ends in "?" — and as the in-process bot says
it for the counts that come from the database."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from adapters.console.render import render_text
from bot.errors import UsageError
from bot.paging import paginate
from bot.services.events import Attendee, MemberStatus
from bot.types import Action, Person, Reply
from bot.wording import plural, sentence
from handlers.attendance import roster_reply
from handlers.event_cards import event_card, event_item, my_event_item, places
from storage.models.events import Event
from tests.adapters.test_limits import assert_fits_teams
from tests.handlers.knowledge_fixtures import add_faq, add_resource, named
from tests.testbot import TestBot

NOW = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)
ZONE = ZoneInfo("Europe/London")
QUESTION_TITLE = "What counts as evidence?"
# "1 places", "1 more people" …: a count of one followed by a plural noun.
_ONE_PLURAL = re.compile(
    r"\b1 (places|registrations|event registrations|messages|questions|answers|topics|"
    r"expertise topics|seminars|events|pages|people|items|names|resources)\b")
_DOUBLED = re.compile(r"[?!…]\.")


def event(count: int, capacity: int = 2) -> Event:
    start = NOW + timedelta(days=2)
    return Event(id=7, title=QUESTION_TITLE, description="", speaker="", community_id=None,
                 starts_at=start, ends_at=start + timedelta(hours=1), timezone="Europe/London",
                 location="", join_link="", capacity=capacity, confirmed_count=count,
                 status="scheduled", sequence=0, created_at=NOW, updated_at=NOW)


def attendee(n: int) -> Attendee:
    return Attendee(n, n, Person("slack", "T1", f"U{n}", f"Person {n}"), "confirmed", None, NOW)


def assert_reads_right(text: str) -> None:
    assert not _ONE_PLURAL.search(text), text
    assert not _DOUBLED.search(text), text


def builders(count: int) -> list[Reply]:
    confirmed = MemberStatus("confirmed", None)
    entries = list(range(count))
    page = paginate(entries, 1, "my events", size=1)
    return [
        roster_reply(event(count), [attendee(n) for n in range(1, count + 1)], ZONE),
        Reply(items=(event_item(event(count, capacity=count + 1), zone=ZONE, now=NOW,
                                status=None, waiting=count, community=None),)),
        Reply(items=(my_event_item(event(count), confirmed, zone=ZONE, now=NOW),)),
        event_card(event(count, capacity=max(count, 1)), zone=ZONE, now=NOW, status=None,
                   waiting=count, community=None, organiser=True),
        Reply(text=page.footer),
    ]


@pytest.mark.parametrize("count", [0, 1, 2])
def test_builders_read_right_with_zero_one_and_two(count: int) -> None:
    for reply in builders(count):
        assert_reads_right(render_text(reply))


def test_plurals_and_sentences() -> None:
    assert [plural(n, "place") for n in (0, 1, 2)] == ["0 places", "1 place", "2 places"]
    assert plural(1, "person", "people") == "1 person" and plural(3, "person", "people") == \
        "3 people"
    assert sentence(f"You have a place at #7 {QUESTION_TITLE}") == \
        f"You have a place at #7 {QUESTION_TITLE}"
    assert sentence("Saved #7 Intro") == "Saved #7 Intro."


def test_places_and_pages_count_in_words() -> None:
    full = event(2, capacity=2)
    assert places(event(0, capacity=1), 0) == "1 of 1 left"
    assert places(full, 1) == "Full — waitlist open (1 waiting)"
    assert paginate(list(range(11)), 1, "events").footer == "…and 1 more: events page 2"
    with pytest.raises(UsageError, match=r"only 1 page: type events\."):
        paginate([1], 2, "events")


async def test_counts_from_the_database_read_right(bot: TestBot) -> None:
    created = await bot.say('event add title="What counts as evidence?" '
                            'start="2026-12-10 14:00" duration=60m capacity=2', as_="olive")
    assert created.title == "Created #1 What counts as evidence?"
    one = await bot.say("event capacity 1 1", as_="olive")
    assert one.text.startswith("#1 What counts as evidence? now has 1 place (0 taken)")
    signed = await bot.say("signup 1", as_="alice")
    assert signed.text == "You have a place at #1 What counts as evidence?"
    cancelled = await bot.say("cancel 1", as_="alice")
    assert cancelled.text == "You've given up your place at #1 What counts as evidence?"
    await bot.say("signup 1", as_="alice")
    await bot.say("forget me", as_="alice")
    gone = await bot.say("forget me confirm", as_="alice")
    assert "1 event registration," in gone.text, gone.text
    for reply in (one, signed, cancelled, gone):
        assert_reads_right(render_text(reply))


FAQ_FORM = {"question": "How do I get HES data?", "answer": "", "alternates": "",
            "url": "ftp://files.example/hes", "community": "", "tags": "", "owner": "",
            "reviewed": "last week", "id": ""}
RESOURCE_FORM = {"title": "", "url": "ftp://files.example/guide", "type": "guide",
                 "summary": "", "community": "", "tags": "", "published": "soon", "id": ""}


@pytest.mark.parametrize(("action", "form", "labels", "names"), [
    ("faq add", FAQ_FORM, ["• Answer:", "• Source link:", "• Last reviewed:"],
     {"answer", "url", "reviewed"}),
    ("resource add", RESOURCE_FORM, ["• Title:", "• Link:", "• Published:"],
     {"title", "url", "published"}),
])
async def test_a_library_form_names_its_problems_by_the_labels_shown(
        bot: TestBot, action: str, form: dict[str, str], labels: list[str],
        names: set[str]) -> None:
    bad = await bot.send(bot.incoming(as_="olive", action=Action(action), form=form))
    assert set(bad.field_errors) == names  # each problem shows by its own input
    for label in labels:
        assert label in bad.text, bad.text
    assert not any(f"• {name}:" in bad.text for name in names)
    card = assert_fits_teams(bad, action)  # the Teams card shows the form again, labelled
    assert f"{labels[1][2:-1]}: " in json.dumps(card, ensure_ascii=False)
    typed = await bot.say(f"{action} {named(**{k: v for k, v in form.items() if v})}",
                          as_="olive")
    assert "• url:" in typed.text  # a typed command keeps the names that were typed


async def test_a_library_edit_form_names_its_problems_by_the_labels_shown(
        bot: TestBot) -> None:
    entry = await add_faq(bot, question="What is SPC?", answer="Control charts.")
    bad = await bot.send(bot.incoming(as_="olive", action=Action("faq edit", entry), form={
        **FAQ_FORM, "answer": "Charts.", "url": "", "reviewed": "", "community": "astronomy"}))
    assert set(bad.field_errors) == {"community"} and "• Community: there is no" in bad.text
    resource = await add_resource(bot, title="Run charts", url="https://x.example/run")
    bad = await bot.send(bot.incoming(as_="olive", action=Action("resource edit", resource),
                                      form={**RESOURCE_FORM, "title": "Run charts"}))
    assert "• Link:" in bad.text and "• Published:" in bad.text
    assert "Run charts" in (await bot.say("resources run charts")).items[0].title  # unchanged

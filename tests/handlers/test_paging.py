"""Long lists a page at a time: "…and N more", a Show more button that is the same as typing
``<command> page N``, ``events all`` past the window, and the roster's CSV pointer.  The clock
reads Thu 3 Dec 2026 10:00 UTC; the default window is 60 days (to Mon 1 Feb 2027)."""

from __future__ import annotations

from datetime import date, timedelta

from adapters.console.render import render_text
from bot.types import Reply
from storage.models.knowledge import DRAFT, FaqEntry
from tests.adapters.test_limits import assert_fits_slack, assert_fits_teams
from tests.handlers.knowledge_fixtures import add_resource
from tests.testbot import TestBot


async def add_events(bot: TestBot, count: int, first: date, capacity: int = 30) -> list[str]:
    ids = []
    for n in range(count):
        day = first + timedelta(days=n)
        reply = await bot.say(f'event add title="Seminar {n + 1}" start="{day} 14:00" '
                              f"duration=60m capacity={capacity}", as_="olive")
        assert reply.title and reply.title.startswith("Created #"), render_text(reply)
        ids.append(reply.title.split()[1].lstrip("#"))
    return ids


def titles(reply: Reply) -> list[str]:
    return [item.title.split(" ", 1)[1] for item in reply.items]


def more(reply: Reply) -> list[str]:
    return [b.command_text for b in reply.buttons if b.label == "Show more"]


async def test_events_come_a_page_at_a_time_and_say_what_is_beyond_the_window(
        bot: TestBot) -> None:
    await add_events(bot, 23, date(2026, 12, 5))
    await add_events(bot, 2, date(2027, 3, 1))
    first = await bot.say("events", as_="alice")
    assert titles(first) == [f"Seminar {n}" for n in range(1, 11)]
    assert first.title == "Upcoming events (next 60 days, to Mon 1 Feb 2027)"
    assert "…and 13 more: events page 2." in first.footer
    assert "2 more after Mon 1 Feb 2027: events all." in first.footer
    assert more(first) == ["events page 2"]

    pressed = await bot.press("events", "page 2", as_="alice")
    typed = await bot.say("events page 2", as_="alice")
    assert titles(pressed) == titles(typed) == [f"Seminar {n}" for n in range(11, 21)]
    last = await bot.say("events page 3", as_="alice")
    assert titles(last) == ["Seminar 21", "Seminar 22", "Seminar 23"] and not more(last)
    assert "…and" not in last.footer and "events all" in last.footer

    beyond = await bot.say("events page 4", as_="alice")
    assert "only 3 pages" in beyond.text and not beyond.items

    everything = await bot.say("events all", as_="alice")
    assert everything.title == "All upcoming events"
    assert "…and 15 more: events all page 2." in everything.footer
    assert more(everything) == ["events all page 2"]
    end = await bot.say("events all page 3", as_="alice")
    assert titles(end) == ["Seminar 21", "Seminar 22", "Seminar 23", "Seminar 1",
                           "Seminar 2"]


async def test_nothing_in_the_window_points_to_what_comes_later(bot: TestBot) -> None:
    await add_events(bot, 1, date(2027, 3, 1))
    reply = await bot.say("events", as_="alice")
    assert reply.text == ("No events in the next 60 days. "
                          "1 more after Mon 1 Feb 2027: events all.")
    assert titles(await bot.say("events all", as_="alice")) == ["Seminar 1"]


async def test_an_event_in_a_list_takes_three_lines(bot: TestBot) -> None:
    await add_events(bot, 1, date(2026, 12, 5))
    [item] = (await bot.say("events", as_="alice")).items
    assert item.text.splitlines() == ["Sat 5 Dec 2026, 14:00–15:00 GMT · Online",
                                      "30 of 30 left"]
    assert [b.command_text for b in item.buttons] == ["signup 1"]
    assert not item.fields


async def test_my_events_pages_and_offers_join_to_people_with_a_place(bot: TestBot) -> None:
    ids = await add_events(bot, 12, date(2026, 12, 5))
    for event_id in ids:
        await bot.say(f"signup {event_id}", as_="alice")
    await bot.say(f'event edit {ids[0]} link=https://meet.example/one', as_="olive")
    first = await bot.say("my events", as_="alice")
    assert first.title == "Your events (12)" and len(first.items) == 10
    assert first.items[0].link is not None and first.items[0].link.label == "Join"
    assert first.items[0].link.url == "https://meet.example/one"
    assert first.footer == "…and 2 more: my events page 2."
    assert more(first) == ["my events page 2"]
    second = await bot.press("my events", "page 2", as_="alice")
    assert titles(second) == ["Seminar 11", "Seminar 12"] and not more(second)


async def test_a_long_roster_shows_one_page_and_points_to_the_export(bot: TestBot) -> None:
    [event_id] = await add_events(bot, 1, date(2026, 12, 5), capacity=52)
    for n in range(55):
        await bot.say(f"signup {event_id}", as_=f"member{n}")
    roster = await bot.say(f"attendees {event_id}", as_="olive")
    names = [line for line in roster.text.splitlines() if "signed up" in line]
    assert len(names) == 28  # a page of each list: 25 of the confirmed, the 3 waiting
    assert "Confirmed (52 of 52):" in roster.text and "Waitlist (3):" in roster.text
    assert "…and 27 more" in roster.text
    assert roster.footer == f"For a spreadsheet: copbot export attendees {event_id} --format csv"
    [next_page] = roster.buttons
    second = await bot.press(next_page.action_id, next_page.value, as_="olive")
    assert len([line for line in second.text.splitlines() if "signed up" in line]) == 25


async def test_a_cut_resource_list_says_how_many_more_and_how_to_see_them(
        bot: TestBot) -> None:
    for n in range(23):
        await add_resource(bot, title=f"Run chart guide {n + 1}", type="guide",
                           url=f"https://example.org/run-charts/{n + 1}", tags="spc",
                           summary="How to draw a run chart.", published=f"2026-01-{n + 1:02}")
    await add_resource(bot, title="Waiting list modelling", type="tool",
                       url="https://example.org/waiting", summary="Queues.")
    found = await bot.say("resources run chart", as_="alice")
    assert len(found.items) == 10
    assert found.footer == ("…and 13 more: resources run chart page 2, or add words, or "
                            "type:, community: or tag: to narrow them.")
    assert more(found) == ["resources run chart page 2"]
    last = await bot.press("resources run chart", "page 3", as_="alice")
    assert len(last.items) == 3 and not more(last) and "…and" not in last.footer
    seen = {i.title for page in (found, await bot.say("resources run chart page 2",
                                                      as_="alice"), last) for i in page.items}
    assert seen == {f"Run chart guide {n + 1}" for n in range(23)}
    assert "only 3 pages" in (await bot.say("resources run chart page 4", as_="alice")).text

    newest = await bot.say("resources tag:spc", as_="alice")
    assert [i.title for i in newest.items][:2] == ["Run chart guide 23", "Run chart guide 22"]
    assert newest.footer.startswith("…and 13 more: resources tag:spc page 2, or add words")
    second = await bot.press("resources tag:spc", "page 2", as_="alice")
    assert second.items[0].title == "Run chart guide 13"
    few = await bot.say("resources waiting list", as_="alice")
    assert [i.title for i in few.items] == ["Waiting list modelling"] and not few.footer
    [guide] = (await bot.say("resources run chart guide 7", as_="alice")).items[:1]
    # two lines: the title with its Open link; type, date and the start of the summary
    assert guide.title == "Run chart guide 7" and guide.link is not None
    assert guide.link.label == "Open" and not guide.fields
    assert guide.text == "guide · 7 January 2026 — How to draw a run chart."


async def test_faq_review_comes_five_drafts_at_a_time(bot: TestBot) -> None:
    now = bot.clock.now()
    async with bot.runtime.database.session() as session:
        session.add_all(FaqEntry(question=f"Draft question {n + 1}?",
                                 answer="**Yes**, see [the guide](https://x.example/g). " * 200,
                                 status=DRAFT, credit="Bob", created_at=now, updated_at=now)
                        for n in range(12))
    first = await bot.say("faq review", as_="olive")
    assert first.title == "Draft FAQ entries to review (12)"
    assert [i.title.split(": ", 1)[1] for i in first.items] == [
        f"Draft question {n}?" for n in range(1, 6)]
    assert first.footer == "…and 7 more: faq review page 2."
    assert more(first) == ["faq review page 2"]
    last = await bot.press("faq review", "page 3", as_="olive")
    assert [i.title.split(": ", 1)[1] for i in last.items] == [
        "Draft question 11?", "Draft question 12?"] and not more(last)
    assert "only 3 pages" in (await bot.say("faq review page 4", as_="olive")).text
    assert_fits_slack(first, "faq review")
    assert_fits_teams(first, "faq review")


async def test_the_organisers_question_list_pages_and_counts_the_rest(bot: TestBot) -> None:
    for n in range(23):
        await bot.say(f"ask where is dataset number {n + 1} kept?", as_="alice")
    first = await bot.say("questions open", as_="olive")
    assert len(first.items) == 10 and first.items[0].text == "where is dataset number 23 kept?"
    assert first.footer.startswith("…and 13 more: questions open page 2. Newest first.")
    assert more(first) == ["questions open page 2"]
    last = await bot.press("questions open", "page 3", as_="olive")
    assert [i.text for i in last.items] == [f"where is dataset number {n} kept?"
                                            for n in (3, 2, 1)] and not more(last)


async def test_a_long_learning_record_pages(bot: TestBot) -> None:
    ids = await add_events(bot, 27, date(2026, 12, 4))
    await bot.say("my learning", as_="alice")  # known to the bot from here on
    bot.clock.set(bot.clock.now() + timedelta(days=40))
    for event_id in ids:
        marked = await bot.say(f"attended {event_id} alice", as_="olive")
        assert "Alice" in marked.text, marked.text
    record = await bot.say("my learning 2026", as_="alice")
    assert record.text == "27 seminars, 27 hours in total." and len(record.items) == 25
    assert record.footer == "…and 2 more: my learning 2026 page 2."
    second = await bot.press("my learning 2026", "page 2", as_="alice")
    assert titles(second) == ["Seminar 26", "Seminar 27"] and not more(second)

"""Topics the network asks for: suggesting (with "did you mean"), voting and withdrawing,
organisers planning a seminar for a topic (voters are told) and closing one."""

from __future__ import annotations

from adapters.console.render import render_text
from tests.handlers.test_events import add_event, buttons
from tests.testbot import TestBot


async def test_suggest_vote_withdraw_and_list_most_wanted_first(bot: TestBot) -> None:
    first = await bot.say("suggest Forecasting A&E demand community=analysis", as_="alice")
    assert first.text.startswith("Thanks — T1 “Forecasting A&E demand” is on the list")
    await bot.say('suggest "Writing reproducible R packages"', as_="bob")
    voted = await bot.press("vote", "T2", as_="carol")
    assert voted.text == "You voted for T2 “Writing reproducible R packages” (2 votes)."
    listing = await bot.say("topics", as_="dan")
    assert [i.title for i in listing.items] == ["T2 Writing reproducible R packages",
                                                "T1 Forecasting A&E demand"]
    assert [i.text for i in listing.items] == ["2 votes", "1 vote"]
    assert buttons(listing) == ["vote T2", "vote T1"]
    mine = await bot.say("topics", as_="carol")
    assert mine.items[0].text == "2 votes (including yours)"
    assert mine.items[0].buttons[0].label == "Withdraw my vote"
    withdrawn = await bot.press("vote", "T2", as_="carol")
    assert withdrawn.text.startswith("You withdrew your vote for T2")
    assert "(1 vote)" in withdrawn.text
    analysis = await bot.say("topics analysis", as_="dan")
    assert [i.title for i in analysis.items] == ["T1 Forecasting A&E demand"]
    unknown = await bot.say("topics astrology", as_="dan")
    assert "There is no community called “astrology”" in unknown.text


async def test_a_near_duplicate_is_offered_before_a_new_topic_is_made(bot: TestBot) -> None:
    await bot.say("suggest Forecasting A&E demand", as_="alice")
    offered = await bot.say("suggest forecasting demand in A&E", as_="bob")
    assert offered.text.startswith("Did you mean one of these?")
    assert [i.title for i in offered.items] == ["T1 Forecasting A&E demand"]
    assert "vote T1" in buttons(offered)
    assert "T2" not in render_text(await bot.say("topics", as_="bob"))
    [anyway] = [b for b in offered.buttons if b.label == "No, suggest mine"]
    made = await bot.press(anyway.action_id, anyway.value, as_="bob")
    assert made.text.startswith("Thanks — T2 “forecasting demand in A&E”")
    different = await bot.say("suggest Qualitative interviewing", as_="bob")
    assert different.text.startswith("Thanks — T3")


async def test_planning_a_topic_tells_its_voters_and_closing_hides_it(bot: TestBot) -> None:
    await bot.say("suggest Statistical process control", as_="alice")
    await bot.press("vote", "T1", as_="bob")
    event = await add_event(bot, capacity=10)
    refused = await bot.say(f"topic plan T1 {event}", as_="alice")
    assert "Only organisers" in refused.text
    planned = await bot.say(f"topic plan T1 {event}", as_="olive")
    assert planned.text == f"T1 is planned as #{event} Intro to SPC charts. 2 voters were told."
    [notice] = bot.notifications_to("bob")
    assert notice.title == f"A seminar on a topic you asked for: #{event} Intro to SPC charts"
    assert f"signup {event}" in buttons(notice)
    assert len(bot.notifications_to("alice")) == 1
    again = await bot.say(f"topic plan T1 {event}", as_="olive")
    assert "already planned" in again.text and len(bot.notifications_to("bob")) == 1
    assert "No open topic suggestions" in (await bot.say("topics", as_="bob")).text
    await bot.say("suggest Interrupted time series", as_="alice")
    closed = await bot.say("topic close T2", as_="olive")
    assert closed.text.startswith("Closed T2")
    assert "No open topic suggestions" in (await bot.say("topics", as_="bob")).text
    late = await bot.press("vote", "T2", as_="bob")
    assert "T2 is closed; votes are for open topics" in late.text
    for bad, message in (("topic plan T9 1", "There is no topic T9"),
                         ("topic plan T1", "Give the topic and the seminar"),
                         ("topic plan T1 99", "There is no event #99"),
                         ("topic close", "Which topic?")):
        assert message in (await bot.say(bad, as_="olive")).text
    assert "What would you like a seminar about?" in (await bot.say("suggest", as_="bob")).text


async def test_a_long_topic_list_pages_with_show_more(bot: TestBot) -> None:
    subjects = ["Bayesian", "Cohort", "Dashboards", "Epidemiology", "Forecasting", "Geography",
                "Hierarchical", "Imputation", "Joinpoint", "Kaplan", "Linkage", "Markov"]
    for n, subject in enumerate(subjects):
        await bot.say(f'suggest anyway=yes "{subject} methods for analysts"', as_=f"member{n}")
    first = await bot.say("topics", as_="dan")
    assert len(first.items) == 10
    assert "…and 2 more: topics page 2" in first.footer
    [more] = [b for b in first.buttons if b.label == "Show more"]
    second = await bot.press(more.action_id, more.value, as_="dan")
    assert len(second.items) == 2 and not second.buttons
    assert {i.title for i in first.items}.isdisjoint(i.title for i in second.items)
    for bad in ("topics page ²", "topics page 0"):
        refused = await bot.say(bad, as_="dan")
        assert "is not a page number" in refused.text

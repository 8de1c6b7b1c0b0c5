"""subscribe / unsubscribe / subscriptions, as organisers type them in a channel."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from bot.clock import FixedClock
from bot.types import ChannelRef, Surface
from tests.bot.scheduler.support import ScriptedTransport, add_event, scheduler
from tests.testbot import TestBot


async def test_an_organiser_subscribes_a_channel_and_it_gets_reminders(
        bot: TestBot, clock: FixedClock) -> None:
    reply = await bot.say("subscribe", as_="olive", channel="C-analysts")
    assert reply.text == ("Done: this channel now gets seminar reminders, the weekly digest and "
                          "questions for the network for all communities. Type subscriptions "
                          "to see everything it gets.")
    listing = await bot.text("subscriptions", as_="olive")
    assert "all communities: seminar reminders" not in listing  # asked in another channel
    listing = (await bot.say("subscriptions", as_="olive", channel="C-analysts")).text
    assert listing == ("all communities: seminar reminders, the weekly digest and questions "
                       "for the network")

    database = bot.runtime.database
    await add_event(database, clock.now() + timedelta(hours=1), created_at=clock.now())
    console = ScriptedTransport("console", clock)
    await scheduler(database, bot.runtime.settings, clock, console).tick()
    [post] = console.posts
    assert post.target == ChannelRef("console", "", "C-analysts")


async def test_a_subscription_can_name_a_community_and_kinds(bot: TestBot) -> None:
    reply = await bot.say("subscribe analysis reminders digest", as_="olive")
    assert reply.text.startswith("Done: this channel now gets seminar reminders and the weekly "
                                 "digest for the Analysis community.")
    again = await bot.say("subscribe analysis digest", as_="olive")
    assert again.text == "This channel already gets the weekly digest for the Analysis community."
    await bot.say("subscribe all questions", as_="olive")
    listing = (await bot.say("subscriptions", as_="olive")).text
    assert listing.splitlines() == [
        "all communities: questions for the network",
        "the Analysis community: seminar reminders and the weekly digest"]


async def test_a_subscription_made_in_a_thread_is_for_the_whole_channel(
        bot: TestBot, clock: FixedClock) -> None:
    # A Slack mention is answered in a thread (its own); a Teams channel post starts one.
    mention = replace(bot.incoming("subscribe reminders", as_="olive", surface=Surface.MENTION,
                                   channel="C-general"), thread_id="1700000000.000100")
    await bot.send(mention)
    outside = await bot.say("subscriptions", as_="olive", channel="C-general")
    assert outside.text == "all communities: seminar reminders"

    await add_event(bot.runtime.database, clock.now() + timedelta(hours=1),
                    created_at=clock.now())
    console = ScriptedTransport("console", clock)
    await scheduler(bot.runtime.database, bot.runtime.settings, clock, console).tick()
    [post] = console.posts
    assert post.target == ChannelRef("console", "", "C-general")  # not in the thread


async def test_unsubscribe_removes_what_is_named(bot: TestBot) -> None:
    await bot.say("subscribe analysis", as_="olive")
    await bot.say("subscribe evaluation digest", as_="olive")
    reply = await bot.say("unsubscribe analysis questions", as_="olive")
    assert reply.text == "Done: removed 1 subscription. Type subscriptions to see what is left."
    listing = (await bot.say("subscriptions", as_="olive")).text
    assert listing.splitlines() == [
        "the Analysis community: seminar reminders and the weekly digest",
        "the Evaluation community: the weekly digest"]
    nothing = await bot.say("unsubscribe evidence", as_="olive")
    assert nothing.text.startswith("This channel had no subscription like that")
    everything = await bot.say("unsubscribe", as_="olive")
    assert everything.text == ("Done: removed 3 subscriptions. This channel gets no scheduled "
                               "posts now.")


async def test_members_cannot_subscribe(bot: TestBot) -> None:
    reply = await bot.say("subscribe", as_="alice")
    assert reply.text.startswith("Only organisers can use subscribe.")
    assert (await bot.say("subscriptions", as_="olive")).text.startswith(
        "This channel has no subscriptions.")


async def test_a_misspelt_community_is_explained_and_changes_nothing(bot: TestBot) -> None:
    reply = await bot.say("subscribe analysys reminders", as_="olive")
    assert reply.text == (
        "There is no community or kind called “analysys”. Communities: analysis, evaluation, "
        "evidence; kinds: reminders, digest, questions.\n"
        "Usage: subscribe [community|all] [reminders|digest|questions|all]")
    assert (await bot.say("subscriptions", as_="olive")).text.startswith(
        "This channel has no subscriptions.")
    two = await bot.say("subscribe analysis evaluation", as_="olive")
    assert two.text.startswith("“evaluation” is not one of reminders, digest, questions or all.")

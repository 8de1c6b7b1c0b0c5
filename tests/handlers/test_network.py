"""The ask-the-network loop through the in-process bot: question → no answer → escalated →
answered → accepted → approved → the same and a paraphrased question answered directly."""

from __future__ import annotations

import re
from dataclasses import replace

from bot.types import Reply, Surface
from tests.testbot import TestBot

QUESTION = "How do I request access to HES data for a service evaluation?"
PARAPHRASE = "how can I get access to HES data for evaluating a service"
ANSWER = "Apply through NHS England's DARS with a data sharing agreement; allow 3 months."


def question_id(reply: Reply) -> str:
    found = re.search(r"\bQ\d+\b", reply.text + reply.footer)
    assert found, reply
    return found.group(0)


def channel_posts(bot: TestBot, channel: str) -> list[Reply]:
    return [n.reply for n in bot.transport.sent if n.target.conversation_id == channel]


async def setup_network(bot: TestBot) -> None:
    subscribed = await bot.say("subscribe all questions", as_="olive", channel="experts")
    assert "questions" in subscribed.text
    await bot.say("expertise add HES data access, DARS applications", as_="bob")
    await bot.say("expertise add SPC charts", as_="carol")


async def test_the_whole_loop_turns_an_answer_into_knowledge(bot: TestBot) -> None:
    await setup_network(bot)
    unknown = await bot.say(QUESTION, as_="alice")
    assert "don't have an answer" in unknown.text
    q = question_id(unknown)
    assert any(b.action_id == "escalate" for b in unknown.buttons)

    escalated = await bot.say(f"escalate {q}", as_="alice")
    assert "put " + q in escalated.text and "experts" in escalated.text
    [card] = channel_posts(bot, "experts")
    assert QUESTION in card.text
    assert [p.user_id for p in card.mentions] == ["bob"]
    assert [b.command_text for b in card.buttons] == [f"answer {q}", f"decline {q}"]

    # Bob replies in the card's thread, mentioning the bot.
    thread_id = "m1"  # the RecordingTransport's id for the first post
    reply_in_thread = replace(
        bot.incoming(ANSWER, as_="bob", channel="experts", surface=Surface.MENTION),
        thread_id=thread_id)
    thanks = await bot.send(reply_in_thread)
    assert "sent your answer" in thanks.text
    [dm] = [r for r in bot.notifications_to("alice") if r.title and q in r.title]
    assert ANSWER in dm.text and ("From", "Bob") in [(f.label, f.value) for f in dm.fields]
    [accept_button] = dm.buttons

    accepted = await bot.press(accept_button.action_id, accept_button.value, as_="alice")
    draft = re.search(r"F\d+", accepted.text)
    assert draft and "credited to Bob" in accepted.text

    # Not published yet: the question is still unknown.
    assert "don't have an answer" in (await bot.say(QUESTION, as_="dave")).text

    review = await bot.say("faq review", as_="olive")
    assert [i.title for i in review.items] == [f"{draft.group(0)}: {QUESTION}"]
    refused = await bot.say(f"faq approve {draft.group(0)}", as_="alice")
    assert "Only organisers" in refused.text
    approved = await bot.say(f"faq approve {draft.group(0)}", as_="olive")
    assert "published" in approved.text

    same = await bot.say(QUESTION, as_="dave")
    assert ANSWER in same.text
    similar = await bot.say(PARAPHRASE, as_="erin")
    assert ANSWER in similar.text


async def test_anonymous_questions_never_show_the_asker(bot: TestBot) -> None:
    await setup_network(bot)
    q = question_id(await bot.say(QUESTION, as_="alice"))
    await bot.say(f"escalate {q} anonymous", as_="alice")
    [card] = channel_posts(bot, "experts")
    shown = " ".join([card.title or "", card.text, *(f"{f.label} {f.value}" for f in card.fields)])
    assert "alice" not in shown.lower()
    assert "anonymously" in shown
    await bot.say(f"answer {q} {ANSWER}", as_="bob")
    thread_posts = [n for n in bot.transport.sent if n.target.thread_id == "m1"]
    assert thread_posts and all("alice" not in (n.reply.text + str(n.reply.fields)).lower()
                                for n in thread_posts)
    # The asker still hears the answer, privately.
    assert any(ANSWER in r.text for r in bot.notifications_to("alice"))


async def test_only_the_asker_escalates_and_accepts(bot: TestBot) -> None:
    await setup_network(bot)
    q = question_id(await bot.say(QUESTION, as_="alice"))
    assert "Only the person who asked" in (await bot.say(f"escalate {q}", as_="mallory")).text
    await bot.say(f"escalate {q}", as_="alice")
    again = await bot.say(f"escalate {q}", as_="alice")
    assert "already" in again.text
    assert len(channel_posts(bot, "experts")) == 1
    await bot.say(f"answer {q} {ANSWER}", as_="bob")
    assert "Only the person who asked" in (await bot.say(f"accept {q}", as_="mallory")).text


async def test_answer_without_text_offers_a_form_and_bad_ids_are_explained(bot: TestBot) -> None:
    await setup_network(bot)
    q = question_id(await bot.say(QUESTION, as_="alice"))
    await bot.say(f"escalate {q}", as_="alice")
    form = await bot.say(f"answer {q}", as_="bob")
    assert form.form is not None and form.form.value == q
    submitted = await bot.send(bot.incoming(
        as_="bob", action=__import__("bot.types", fromlist=["Action"]).Action("answer", q),
        form={"answer": ANSWER}))
    assert "sent your answer" in submitted.text
    assert "Questions are numbered like Q12" in (await bot.say("answer banana")).text
    assert "There is no question Q999" in (await bot.say("escalate Q999", as_="alice")).text


async def test_no_questions_channel_is_said_honestly(bot: TestBot) -> None:
    q = question_id(await bot.say(QUESTION, as_="alice"))
    reply = await bot.say(f"escalate {q}", as_="alice")
    assert "No channel is set up" in reply.text
    # Nothing goes to any channel; the organisers get the card themselves.
    assert [n.target.user_id for n in bot.transport.sent] == ["olive"]

"""Proactive posts through stored conversation references: channels, threads, people (with
and without a 1:1 chat yet), and what the Bot Connector's refusals become."""

from __future__ import annotations

import pytest

from adapters.teams import create_transport
from bot.delivery import DeliveryError, Transports
from bot.types import ChannelRef, Person, Reply
from tests.adapters.teams.conftest import ALICE_AAD, ALICE_CHAT, AS_OLIVE, OLIVE, Copbot
from tests.adapters.teams.fake_connector import APP_ID, STATIC_TOKEN, TENANT
from tests.adapters.teams.test_convert import texts
from tests.adapters.teams.test_endpoint import TEAM, stored

CHANNEL_REF = ChannelRef("teams", TENANT, TEAM)


def person(aad: str) -> ChannelRef:
    return ChannelRef.for_person(Person("teams", TENANT, aad))


async def send(copbot: Copbot, target: ChannelRef, reply: Reply) -> str | None:
    return await copbot.runtime.transports.send(target, reply)


async def test_a_channel_stored_at_install_gets_a_new_thread(copbot: Copbot) -> None:
    await copbot.send("team_install.json")
    message_id = await send(copbot, CHANNEL_REF, Reply(title="Reminder", text="SPC at 10:00"))
    (post,) = copbot.teams.posts
    assert post.path.endswith("/teams/v3/conversations")
    assert post.authorization == f"Bearer {STATIC_TOKEN}"
    assert post.body["isGroup"] is True
    assert post.body["channelData"]["channel"]["id"] == TEAM
    assert post.body["bot"]["id"] == f"28:{APP_ID}"
    assert post.card is not None and texts(post.card) == ["Reminder", "SPC at 10:00"]
    assert message_id is not None and message_id.isdigit()


async def test_a_thread_gets_a_reply_in_it(copbot: Copbot) -> None:
    await copbot.send("team_install.json")
    thread = ChannelRef("teams", TENANT, TEAM, thread_id="1764756000000")
    await send(copbot, thread, Reply(text="Starting in 15 minutes"))
    (post,) = copbot.teams.posts
    assert post.conversation_id == f"{TEAM};messageid=1764756000000"
    assert post.text == "Starting in 15 minutes"


async def test_a_title_with_markdown_and_a_mention_shows_as_typed(copbot: Copbot) -> None:
    await copbot.send("team_install.json")
    title = "**Free pizza** [RSVP](https://evil.example) <at>Everyone</at>"
    await send(copbot, CHANNEL_REF, Reply(title=title, text="Details inside"))
    (post,) = copbot.teams.posts
    assert post.card is not None
    assert texts(post.card)[0] == ("\\*\\*Free pizza\\*\\* \\[RSVP\\](https://evil.example) "
                                   "\\<at\\>Everyone\\</at\\>")
    assert "entities" not in post.activity  # no mention is ever attached


async def test_a_person_is_messaged_in_their_stored_chat(copbot: Copbot) -> None:
    await copbot.send("personal_install.json")
    chat = copbot.teams.posts[0].conversation_id  # the welcome
    await send(copbot, person(ALICE_AAD), Reply(text="A place came free: you're in."))
    post = copbot.teams.posts[-1]
    assert post.conversation_id == chat and post.text.startswith("A place came free")


async def test_a_person_without_a_chat_gets_one_opened(copbot: Copbot) -> None:
    await copbot.send("team_install.json")
    olive = OLIVE["aadObjectId"]
    await send(copbot, person(olive), Reply(text="Your event is full."))
    create, message = copbot.teams.posts
    assert create.path.endswith("/teams/v3/conversations")
    assert create.body["isGroup"] is False
    assert create.body["members"] == [{"id": olive}]
    assert create.body["tenantId"] == TENANT
    assert message.conversation_id == f"a:personal-{olive}"
    assert message.text == "Your event is full."
    record = await stored(copbot, f"a:personal-{olive}")
    assert record is not None and record.user_id == olive
    await send(copbot, person(olive), Reply(text="Again"))
    assert len(copbot.teams.posts) == 3  # the chat is reused, not opened twice


async def test_a_promotion_from_the_waitlist_reaches_the_person(copbot: Copbot) -> None:
    olive = AS_OLIVE
    await copbot.send("team_install.json")
    await copbot.send("personal_message.json", **olive, text=(
        'event add title="Intro to SPC" start="2026-12-10 14:00" duration=90m capacity=1'))
    await copbot.send("personal_message.json", **olive, text="signup 1")
    await copbot.send("personal_message.json", text="signup 1")  # Alice: waitlisted
    copbot.teams.posts.clear()
    await copbot.send("personal_message.json", **olive, text="cancel 1")
    promoted = [p for p in copbot.teams.posts if p.conversation_id == ALICE_CHAT]
    assert len(promoted) == 1, [p.conversation_id for p in copbot.teams.posts]
    shown = texts(promoted[0].card) if promoted[0].card else [promoted[0].text]
    assert any("Intro to SPC" in line for line in shown)


async def test_rate_limits_carry_retry_after(copbot: Copbot) -> None:
    await copbot.send("team_install.json")
    copbot.teams.fail_next(429, "TooManyRequests", retry_after="7")
    with pytest.raises(DeliveryError) as refused:
        await send(copbot, CHANNEL_REF, Reply(text="hello"))
    assert refused.value.retry_after == 7.0 and not refused.value.permanent


async def test_removal_is_permanent_and_remembered(copbot: Copbot) -> None:
    await copbot.send("team_install.json")
    copbot.teams.fail_next(403, "BotNotInConversationRoster")
    with pytest.raises(DeliveryError) as refused:
        await send(copbot, CHANNEL_REF, Reply(text="hello"))
    assert refused.value.permanent
    record = await stored(copbot, TEAM)
    assert record is not None and record.active is False
    with pytest.raises(DeliveryError) as again:
        await send(copbot, CHANNEL_REF, Reply(text="hello"))
    assert again.value.permanent
    assert len(copbot.teams.posts) == 1  # the second attempt never left copbot


async def test_server_errors_are_worth_retrying(copbot: Copbot) -> None:
    await copbot.send("team_install.json")
    copbot.teams.fail_next(503, "ServiceUnavailable")
    with pytest.raises(DeliveryError) as refused:
        await send(copbot, CHANNEL_REF, Reply(text="hello"))
    assert not refused.value.permanent


async def test_unknown_places_are_permanent_failures(copbot: Copbot) -> None:
    with pytest.raises(DeliveryError) as channel:
        await send(copbot, ChannelRef("teams", TENANT, "19:unknown@thread.tacv2"), Reply("x"))
    with pytest.raises(DeliveryError) as somebody:
        await send(copbot, person("bbbbbbbb-0000-4000-8000-000000000b0b"), Reply("x"))
    assert channel.value.permanent and somebody.value.permanent
    assert copbot.teams.posts == []


async def test_a_posting_only_process_uses_the_same_references(copbot: Copbot) -> None:
    await copbot.send("team_install.json")
    transport = create_transport(copbot.runtime.platforms.teams, copbot.runtime.database)
    assert transport is not None and transport.platform == "teams"
    transports = Transports()  # closes the transport's HTTP session
    transports.register(transport)
    try:
        await transport.send(CHANNEL_REF, Reply(text="Weekly digest"))
    finally:
        await transports.close()
    (post,) = copbot.teams.posts
    assert post.text == "Weekly digest"


async def test_a_thread_posted_with_an_unreadable_answer_counts_as_posted(
        copbot: Copbot) -> None:
    """The connector made the thread but its answer cannot be read: retrying would post the
    reminder twice, so the post is done (its id unknown)."""
    await copbot.send("team_install.json")
    copbot.teams.garble_next()
    assert await send(copbot, CHANNEL_REF, Reply(text="Reminder")) is None
    copbot.teams.garble_next()
    await copbot.send("personal_install.json")  # (its welcome is the garbled post)
    assert await send(copbot, person(ALICE_AAD), Reply(text="Hi")) is not None
    assert len(copbot.teams.posts) == 3


async def test_mentions_notify_teams_people_and_name_everyone_else(copbot: Copbot) -> None:
    await copbot.send("team_install.json")
    olive = Person("teams", TENANT, OLIVE["aadObjectId"], "Olive *Organiser*")
    elsewhere = Person("teams", "another-tenant", "cccccccc-0000-4000-8000-000000000c0c", "Cy")
    sam = Person("slack", "T0001", "U0002", "Sam <at>")
    await send(copbot, CHANNEL_REF, Reply(title="Can you help with Q3?", text="HES access?",
                                          mentions=(olive, elsewhere, sam)))
    (post,) = copbot.teams.posts
    assert post.card is not None
    tag = "<at>Olive \\*Organiser\\*</at>"
    assert texts(post.card)[-1] == f"cc {tag}, Cy, Sam \\<at\\>"
    assert post.card["msteams"]["entities"] == [{
        "type": "mention", "text": tag,
        "mentioned": {"id": OLIVE["aadObjectId"], "name": "Olive *Organiser*"}}]

"""Private by default in shared conversations, through the real Agents SDK and the fake Bot
Connector: what one person asks about themselves in a channel or group chat reaches only
their 1:1 chat with the bot; the conversation sees at most a short line."""

from __future__ import annotations

import json
from typing import Any

from adapters.teams.agent import NOT_SENT_PRIVATELY, SENT_PRIVATELY
from adapters.teams.cards import escape_markdown
from adapters.teams.convert import PLATFORM
from storage.repositories.conversations import ConversationRepository
from tests.adapters.teams.cardwalk import elements
from tests.adapters.teams.conftest import ALICE_AAD, ALICE_CHAT, AS_OLIVE, OLIVE, Copbot
from tests.adapters.teams.fake_connector import TENANT, Post

CHANNEL = "19:seminars-4f1e@thread.tacv2"
GROUP_CHAT = "19:analysts-chat-7d2e@thread.v2"
LINK = "https://meet.example/spc"
ALICE_1TO1 = f"a:personal-{ALICE_AAD}"
OLIVE_1TO1 = AS_OLIVE["conversation"]["id"]  # she added the event there
IN_GROUP_CHAT = {"conversation": {"isGroup": True, "conversationType": "groupChat",
                                  "tenantId": TENANT, "id": GROUP_CHAT},
                 "channelData": {"tenant": {"id": TENANT}}}


def shown(post: Post) -> str:
    """Everything a post shows: its text and every string in its card."""
    card = post.card
    strings = [post.text]
    if card is not None:
        strings += [json.dumps(node) for node in elements(card)]
    return "\n".join(strings)


def messages_in(copbot: Copbot, conversation: str) -> list[Post]:
    return [p for p in copbot.teams.posts
            if "/activities" in p.path and p.conversation_id.startswith(conversation)]


def button_titles(post: Post) -> list[str]:
    return [node["title"] for node in elements(post.card) if "title" in node
            and str(node.get("type", "")).startswith("Action.")]


async def add_event(copbot: Copbot) -> None:
    await copbot.send("personal_message.json", **AS_OLIVE, text=(
        'event add title="Intro to SPC" start="2026-12-10 14:00" duration=90m capacity=5 '
        f"link={LINK}"))
    copbot.teams.posts.clear()


async def mention(copbot: Copbot, text: str, **changes: Any) -> None:
    answer = await copbot.send("channel_mention.json", text=f"<at>copbot</at> {text}",
                               **changes)
    assert answer.status == 202


async def test_signup_in_a_channel_sends_the_link_to_the_1to1_only(copbot: Copbot) -> None:
    await add_event(copbot)
    await mention(copbot, "signup 1")

    [private] = messages_in(copbot, ALICE_1TO1)
    assert "You're registered: #1 Intro to SPC" in shown(private)
    assert escape_markdown(LINK) in shown(private)
    [public] = messages_in(copbot, CHANNEL)
    assert LINK not in shown(public) and escape_markdown(LINK) not in shown(public)
    assert escape_markdown(SENT_PRIVATELY) in shown(public)
    assert "registered" not in shown(public)


async def test_my_data_and_attendees_in_a_channel_go_to_the_1to1(copbot: Copbot) -> None:
    await add_event(copbot)
    await copbot.send("personal_message.json", text="signup 1")  # in Alice's own chat
    copbot.teams.posts.clear()

    await mention(copbot, "my data")
    await mention(copbot, "attendees 1", **{"from": OLIVE})

    channel = messages_in(copbot, CHANNEL)
    assert len(channel) == 2
    assert all(escape_markdown(SENT_PRIVATELY) in shown(p) for p in channel)
    assert not any(secret in shown(p) for p in channel
                   for secret in ("Intro to SPC", "What I hold", "Attendees", "signed up"))
    [data] = [p for p in copbot.teams.posts if "What I hold about you" in shown(p)]
    assert data.conversation_id == ALICE_CHAT  # the 1:1 chat she already has with the bot
    [roster] = messages_in(copbot, OLIVE_1TO1)
    assert "Attendees of #1 Intro to SPC" in shown(roster) and "Alice Analyst" in shown(roster)


async def test_a_group_chat_list_shows_nobodys_own_place(copbot: Copbot) -> None:
    await add_event(copbot)
    await copbot.send("personal_message.json", text="signup 1")
    copbot.teams.posts.clear()

    await mention(copbot, "events", **IN_GROUP_CHAT)
    [listing] = messages_in(copbot, GROUP_CHAT)
    assert "#1 Intro to SPC" in shown(listing) and "4 of 5 left" in shown(listing)
    assert "you have a place" not in shown(listing)
    assert "Cancel my place" not in button_titles(listing)
    assert button_titles(listing) == ["Sign up"]
    assert messages_in(copbot, ALICE_1TO1) == []

    # In her own chat the same list is hers (one button a line: Details leads to Cancel).
    await copbot.send("personal_message.json", text="events")
    mine = copbot.teams.posts[-1]
    assert "you have a place" in shown(mine) and button_titles(mine) == ["Details"]


async def test_a_button_on_a_public_card_answers_privately(copbot: Copbot) -> None:
    await add_event(copbot)
    await mention(copbot, "events", **IN_GROUP_CHAT)
    [listing] = messages_in(copbot, GROUP_CHAT)
    sign_up = next(node for node in elements(listing.card) if node.get("title") == "Sign up")
    assert sign_up["type"] == "Action.Submit"  # the card is everyone's: it is not replaced
    copbot.teams.posts.clear()

    answer = await copbot.send("channel_mention.json", **IN_GROUP_CHAT, text=None,
                               entities=None, value=sign_up["data"])
    assert answer.status == 202
    assert messages_in(copbot, GROUP_CHAT) == []  # a press needs no line for everyone
    [private] = messages_in(copbot, ALICE_1TO1)
    assert "You're registered: #1 Intro to SPC" in shown(private)
    assert escape_markdown(LINK) in shown(private)


async def test_when_no_1to1_can_be_opened_the_channel_learns_nothing(copbot: Copbot) -> None:
    await add_event(copbot)
    copbot.teams.fail_next(403, "BotNotInConversationRoster")  # the 1:1 cannot be opened
    await mention(copbot, "signup 1")

    [public] = messages_in(copbot, CHANNEL)
    assert escape_markdown(NOT_SENT_PRIVATELY) in shown(public)
    assert "registered" not in shown(public) and "meet.example" not in shown(public)
    # The refusal was about Alice's chat, not the channel: the bot still posts there.
    async with copbot.runtime.database.session() as session:
        channel = await ConversationRepository(session).find(PLATFORM, TENANT, CHANNEL)
    assert channel is not None and channel.active

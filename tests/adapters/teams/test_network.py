"""Asking the network through Teams, the whole loop: a personal-chat question the bot cannot
answer → Ask the network → a card in the subscribed channel → an expert's @mention in that
card's thread → the asker's "This answered it" → an organiser approves → the same question
and (with the [semantic] extra) a paraphrase are answered directly."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.adapters.teams.cardwalk import elements
from tests.adapters.teams.conftest import ALICE_CHAT, AS_OLIVE, Copbot
from tests.adapters.teams.fake_connector import TENANT

CHANNEL = "19:seminars-4f1e@thread.tacv2"
BOB = {"id": "29:1bobMemberIdQ7m2Lr0xqZk7ndT2vBf5Hc8Wj4Ys6Pu1Ea9Gi3Ko7Mn2",
       "name": "Bob Expert", "aadObjectId": "bbbbbbbb-0000-4000-8000-00000000b0b0"}
AS_BOB = {"from": BOB, "conversation": {
    "conversationType": "personal", "tenantId": TENANT,
    "id": "a:1personalChatWithBobZ8k2Lq9-xq-Zk7ndT2vBf5Hc8Wj4Ys6Pu1Ea9Gi3Ko7Mn2Rt"}}
QUESTION = "How do I draw SPC charts for A&E waits?"
PARAPHRASE = "what's the way to make SPC charts of A&E waiting times"
ANSWER = "Use the qicharts2 package; NHS England has a Making Data Count guide."


def actions(card: dict[str, Any] | None) -> list[dict[str, Any]]:
    assert card is not None
    return [node for node in elements(card)
            if node.get("type") in ("Action.Submit", "Action.Execute")]


async def press(copbot: Copbot, action: dict[str, Any], **changes: Any) -> Any:
    """Press a card button as Teams would send it (Execute: an invoke; Submit: a message)."""
    if action["type"] == "Action.Execute":
        answer = await copbot.send("card_invoke.json", value={"action": {
            "type": "Action.Execute", "verb": action["verb"], "data": action["data"]}},
            **changes)
        return answer.body["value"]
    await copbot.send("personal_message.json", text=None, value=action["data"], **changes)
    return copbot.teams.posts[-1].card


# The default engine answers the approved wording; a paraphrase needs the [semantic] extra.
@pytest.mark.parametrize("wording", [QUESTION,
                                     pytest.param(PARAPHRASE, marks=pytest.mark.semantic)])
async def test_a_question_becomes_knowledge_through_teams(copbot: Copbot, wording: str) -> None:
    teams = copbot.teams
    await copbot.send("channel_mention.json", **{"from": AS_OLIVE["from"]},
                      text="<at>copbot</at> subscribe all questions")
    await copbot.send("personal_message.json", **AS_BOB, text="expertise add SPC charts")

    teams.posts.clear()
    await copbot.send("personal_message.json", text=QUESTION)
    (no_answer,) = teams.posts
    assert "don't have an answer" in json.dumps(no_answer.card)
    ask = next(a for a in actions(no_answer.card) if a["title"] == "Ask the network")
    await press(copbot, ask)

    card_post = next(p for p in teams.posts if p.card and "Can you help with Q1" in
                     json.dumps(p.card))
    shown = json.dumps(card_post.card)
    assert "How do I draw SPC charts for A" in shown
    assert "<at>Bob Expert</at>" in shown  # suggested by expertise, @mentioned
    assert card_post.path.endswith("/v3/conversations"), "the question starts a new thread"

    # Bob answers in the card's thread, mentioning the bot.
    teams.posts.clear()
    created_id = await _thread_id(copbot)
    answered = await copbot.send(
        "channel_mention.json", **{"from": BOB},
        conversation={"conversationType": "channel", "tenantId": TENANT,
                      "id": f"{CHANNEL};messageid={created_id}", "isGroup": True},
        text=f"<at>copbot</at> {ANSWER}")
    assert answered.status == 202
    to_alice = next(p for p in teams.posts if p.conversation_id == ALICE_CHAT)
    assert "qicharts2" in json.dumps(to_alice.card) and "Bob Expert" in json.dumps(to_alice.card)

    accept = next(a for a in actions(to_alice.card) if a["title"] == "This answered it")
    accepted = await press(copbot, accept)
    assert "draft FAQ entry F1" in json.dumps(accepted)
    teams.posts.clear()
    await copbot.send("personal_message.json", **AS_OLIVE, text="faq approve F1")
    assert any("F1 is published" in json.dumps(p.body) for p in teams.posts)
    to_bob = [p for p in teams.posts if p.conversation_id == AS_BOB["conversation"]["id"]]
    assert to_bob and "now in the FAQ as F1" in json.dumps(to_bob[-1].body)

    teams.posts.clear()
    await copbot.send("personal_message.json", text=wording)
    (reply,) = teams.posts
    assert "qicharts2" in json.dumps(reply.card), wording


async def _thread_id(copbot: Copbot) -> str:
    """The message id the question card was posted as (recorded by the core)."""
    from sqlalchemy import select

    from storage.models.network import PostedMessage

    async with copbot.runtime.database.session() as session:
        rows = (await session.execute(select(PostedMessage))).scalars().all()
    (posted,) = rows
    assert posted.conversation_id == CHANNEL
    return posted.message_id

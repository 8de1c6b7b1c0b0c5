"""Rating an answer posted in a Teams channel, through the real Agents SDK and the fake Bot
Connector: the asker's Yes/No updates that card in place (the answer and its source stay,
the buttons give way to the thanks; "No" offers the next closest entries and Ask the
network), as a press in a personal chat already does; anyone else's press leaves the card."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.adapters.teams.cardwalk import elements
from tests.adapters.teams.conftest import AS_OLIVE, Copbot
from tests.adapters.teams.fake_connector import Post

CHANNEL = "19:seminars-4f1e@thread.tacv2"
CARD_ID = "1764756000321"  # the id Teams gave the answer card
CAROL = {"id": "29:1carolMemberIdQ7m2Lr0xqZk7ndT2vBf5Hc8Wj4Ys6Pu1Ea9Gi3Ko7Mn2",
         "name": "Carol", "aadObjectId": "cccccccc-0000-4000-8000-00000000cccc"}
ENTRIES = (
    ("How do I get access to HES data?", "Apply through **DARS** with your IG lead.",
     ' url="https://digital.nhs.uk/dars"'),
    ("Who approves HES data extracts for research?", "The IG lead approves them.", ""),
)


def actions(card: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    assert card is not None
    return {node["title"]: node for node in elements(card)
            if str(node.get("type", "")).startswith("Action.")}


async def answered_in_channel(copbot: Copbot) -> Post:
    for question, answer, link in ENTRIES:
        await copbot.send("personal_message.json", **AS_OLIVE,
                          text=f'faq add question="{question}" answer="{answer}"{link}')
    copbot.teams.posts.clear()
    await copbot.send("channel_mention.json",
                      text="<at>copbot</at> How do I get access to HES data?")
    [answer] = copbot.teams.posts
    assert answer.conversation_id.startswith(CHANNEL) and "Apply through" in json.dumps(
        answer.card)
    copbot.teams.posts.clear()
    return answer


@pytest.mark.parametrize("rating", ["Yes, thanks", "No"])
async def test_rating_a_channel_answer_updates_its_card(copbot: Copbot, rating: str) -> None:
    answer = await answered_in_channel(copbot)
    button = actions(answer.card)[rating]
    assert button["type"] == "Action.Submit"  # a shared card: Teams sends a message
    await copbot.send("channel_mention.json", text=None, entities=None, value=button["data"],
                      replyToId=CARD_ID)
    [updated] = copbot.teams.posts
    assert updated.method == "PUT" and updated.path.endswith(f"/activities/{CARD_ID}")
    shown = json.dumps(updated.card, ensure_ascii=False)
    assert "**DARS**" in shown and "https://digital.nhs.uk/dars" in shown
    left = actions(updated.card)
    assert "Yes, thanks" not in left and "No" not in left
    if rating == "Yes, thanks":
        assert "glad it helped" in shown
    else:
        assert "didn't help" in shown and "Who approves HES data extracts" in shown
        assert {"Ask the network", "Ask anonymously", "Show answer"} <= set(left)


async def test_someone_else_rating_leaves_the_card_alone(copbot: Copbot) -> None:
    answer = await answered_in_channel(copbot)
    button = actions(answer.card)["Yes, thanks"]
    await copbot.send("channel_mention.json", text=None, entities=None, value=button["data"],
                      replyToId=CARD_ID, **{"from": CAROL})
    assert not [p for p in copbot.teams.posts if p.method == "PUT"]
    assert "Only the person who asked" in json.dumps([p.body for p in copbot.teams.posts])

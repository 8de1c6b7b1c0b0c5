"""Rating an answer posted in a channel, through the real slack_sdk client and the fake Slack
Web API: the asker's Yes/No updates that message in place (the answer and its source stay,
only the buttons give way to the thanks); "No" offers the next closest entries and Ask the
network; anyone else's press leaves the channel's message alone."""

from __future__ import annotations

import json
from typing import Any

import pytest
from slack_sdk.models.blocks import Block

from bot.settings import Settings
from tests.adapters.slack.driver import CHANNEL, TEAM, USER, SlackDriver, payload
from tests.adapters.slack.fake_slack import Call
from tests.adapters.slack.test_privacy import mention

ORGANISER = "UORG"
ENTRIES = (
    ("How do I get access to HES data?", "Apply through **DARS** with your IG lead.",
     "https://digital.nhs.uk/dars"),
    ("Who approves HES data extracts for research?", "The IG lead approves them.", ""),
    ("Where is the HES data dictionary?", "On the NHS Digital site.", ""),
)


@pytest.fixture
def slack_settings(slack_settings: Settings) -> Settings:
    return slack_settings.model_copy(update={"organisers": [f"slack:{TEAM}:{ORGANISER}"]})


async def asked_in_channel(slack: SlackDriver) -> Call:
    for question, answer, url in ENTRIES:
        link = f' url="{url}"' if url else ""
        added = await slack.command(f'faq add question="{question}" answer="{answer}"{link}',
                                    user_id=ORGANISER)
        assert "Added FAQ entry" in added.json["text"]
    await mention(slack, "How do I get access to HES data?")
    [answer] = await slack.fake.wait_for("chat.postMessage")
    assert answer.params["channel"] == CHANNEL and "Apply through" in answer.text
    return answer


def buttons(blocks: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {e["text"]["text"]: e for b in blocks if b["type"] == "actions"
            for e in b["elements"]}


def press(message: Call, button: dict[str, Any], response_url: str,
          user: str = USER) -> dict[str, Any]:
    body = payload("block_actions")
    body["user"].update(id=user, team_id=TEAM)
    body["container"].update(channel_id=CHANNEL, is_ephemeral=False,
                             message_ts=message.answer["ts"])
    body["channel"] = {"id": CHANNEL, "name": "general"}
    body["actions"][0].update(action_id=button["action_id"], value=button["value"],
                              text=button["text"])
    body["response_url"] = response_url
    return body


@pytest.mark.parametrize("rating", ["Yes, thanks", "No"])
async def test_rating_a_channel_answer_updates_it_in_place(slack: SlackDriver,
                                                           rating: str) -> None:
    fake = slack.fake
    answer = await asked_in_channel(slack)
    body = press(answer, buttons(answer.blocks)[rating], fake.response_url("rate"))
    await slack.interaction(body)
    [updated] = await fake.wait_for("respond")
    assert updated.params["replace_original"] is True
    assert updated.params["response_type"] == "in_channel"  # still the channel's message
    shown = json.dumps(updated.blocks, ensure_ascii=False)
    assert "*DARS*" in shown and "https://digital.nhs.uk/dars" in shown  # answer and source
    for block in Block.parse_all(updated.blocks):
        block.to_dict()
    left = buttons(updated.blocks)
    assert "Yes, thanks" not in left and "No" not in left
    if rating == "Yes, thanks":
        assert "glad it helped" in shown and not left
    else:
        assert "didn't help" in shown
        assert set(left) >= {"Ask the network", "Ask anonymously"}
        assert "Show answer" in left
        assert "Who approves HES data extracts for research?" in shown  # the next closest
    await fake.settle()
    assert len(fake.calls_to("chat.postMessage")) == 1  # no new message in the channel
    assert fake.calls_to("chat.postEphemeral") == []


async def test_someone_else_rating_leaves_the_answer_alone(slack: SlackDriver) -> None:
    fake = slack.fake
    answer = await asked_in_channel(slack)
    body = press(answer, buttons(answer.blocks)["Yes, thanks"], fake.response_url("other"),
                 user="UCAROL")
    fake.users["UCAROL"] = "Carol"
    await slack.interaction(body)
    [refused] = await fake.wait_for("respond")
    assert refused.params["replace_original"] is False
    assert refused.params["response_type"] == "ephemeral"
    assert "Only the person who asked" in refused.text

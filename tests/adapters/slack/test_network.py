"""Asking the network through Slack: an unanswered DM question goes to a subscribed channel
with the likely experts mentioned, and an expert's @mention in that card's thread is taken
as the answer and reaches the asker."""

from __future__ import annotations

from typing import Any

import pytest

from bot.settings import Settings
from tests.adapters.slack.driver import TEAM, USER, SlackDriver, payload

ORGANISER = "UORG"
EXPERT = "UBOB"
QUESTIONS_CHANNEL = "CQUESTIONS"


@pytest.fixture
def slack_settings(slack_settings: Settings) -> Settings:
    return slack_settings.model_copy(update={"organisers": [f"slack:{TEAM}:{ORGANISER}"]})


def _dm_press(button: dict[str, Any], response_url: str) -> dict[str, Any]:
    """A block_actions payload: the asker presses ``button`` in their DM with the bot."""
    press = payload("block_actions")
    press["container"].update(channel_id="D024BE91L", is_ephemeral=False)
    press["channel"] = {"id": "D024BE91L", "name": "directmessage"}
    press["actions"][0].update(action_id=button["action_id"], value=button["value"])
    press["response_url"] = response_url
    return press


# The default engine answers the approved wording; a paraphrase needs the [semantic] extra.
@pytest.mark.parametrize("wording", [
    "How do I draw SPC charts for A&amp;E waits?",
    pytest.param("what's the way to make SPC charts of A&amp;E waiting times",
                 marks=pytest.mark.semantic)])
async def test_a_question_travels_to_the_experts_and_back(slack: SlackDriver,
                                                          wording: str) -> None:
    fake = slack.fake
    fake.users.update({ORGANISER: "Olive Organiser", EXPERT: "Bob Expert"})
    subscribed = await slack.command("subscribe all questions", user_id=ORGANISER,
                                     channel_id=QUESTIONS_CHANNEL)
    assert "questions for the network" in subscribed.json["text"]
    await slack.command("expertise add SPC charts", user_id=EXPERT)

    asked = payload("message_im")
    asked["event"]["text"] = "How do I draw SPC charts for A&amp;E waits?"
    await slack.event(asked)
    [no_answer] = await fake.wait_for("chat.postMessage")
    assert no_answer.params["channel"] == "D024BE91L"
    [ask, anonymously] = [e for b in no_answer.blocks if b["type"] == "actions"
                          for e in b["elements"]]
    assert (ask["action_id"], anonymously["action_id"]) == ("escalate", "escalate#2")

    await slack.interaction(_dm_press(ask, fake.response_url("escalate")))
    [escalated] = await fake.wait_for("respond")
    assert escalated.params["replace_original"] is True  # the DM's buttons are used up
    assert "put Q1" in escalated.params["text"]

    card = next(c for c in await fake.wait_for("chat.postMessage", 2)
                if c.params["channel"] == QUESTIONS_CHANNEL)
    assert "SPC charts for A&amp;E waits" in str(card.blocks)
    assert {"type": "mrkdwn", "text": f"cc <@{EXPERT}>", "verbatim": True} in [
        e for b in card.blocks if b["type"] == "context" for e in b["elements"]]

    reply = payload("app_mention")
    reply["event"].update(user=EXPERT, channel=QUESTIONS_CHANNEL, ts="1700000100.000001",
                          thread_ts=card.answer["ts"],
                          text="<@UBOT> Use the qicharts2 package; NHSE has a guide.")
    reply["event_id"] = "Ev-answer"
    await slack.event(reply)
    posts = await fake.wait_for("chat.postMessage", 5)
    # The thanks is the reply; the answer in the thread and to the asker come from the outbox,
    # in whichever order their channels allow.
    [thanks] = [p for p in posts[2:] if "Thanks, Bob Expert" in p.text]
    [to_asker] = [p for p in posts[2:] if p.params["channel"] in (USER, "D024BE91L")]
    [in_thread] = [p for p in posts[2:] if p not in (thanks, to_asker)]
    assert (thanks.params["channel"], thanks.params["thread_ts"]) == (
        QUESTIONS_CHANNEL, card.answer["ts"])
    assert "Thanks, Bob Expert" in thanks.text
    assert in_thread.params["thread_ts"] == card.answer["ts"]
    assert "qicharts2" in str(to_asker.blocks)

    # The asker presses "This answered it"; an organiser approves the draft; from then on the
    # same question, and one worded differently, are answered directly.
    [accept] = [e for b in to_asker.blocks if b["type"] == "actions" for e in b["elements"]]
    assert accept["action_id"] == "accept"
    await slack.interaction(_dm_press(accept, fake.response_url("accept")))
    accepted = (await fake.wait_for("respond", 2))[1]
    assert "draft FAQ entry F1" in accepted.params["text"]
    approved = await slack.command("faq approve F1", user_id=ORGANISER)
    assert "F1 is published" in approved.json["text"]
    await slack.runtime.notices.send_now()  # the thanks to Bob has gone from the outbox

    sent_before = len(fake.calls_to("chat.postMessage", ok_only=True))
    again = payload("message_im")
    again["event"].update(text=wording, ts="1700000200.000001")
    again["event_id"] = "Ev-again"
    await slack.event(again)
    answer = (await fake.wait_for("chat.postMessage", sent_before + 1))[-1]
    assert "qicharts2" in str(answer.blocks), wording
    assert "don't have an answer" not in str(answer.blocks)

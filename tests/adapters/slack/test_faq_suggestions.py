"""Reviewing suggestions in Slack: ``faq suggestions`` lists a question whose answer was marked
"No" with a button that adds it as a phrasing of another entry, in one press."""

from __future__ import annotations

import pytest

from bot.settings import Settings
from tests.adapters.slack.driver import TEAM, SlackDriver, payload

ORGANISER = "UORG"


@pytest.fixture
def slack_settings(slack_settings: Settings) -> Settings:
    return slack_settings.model_copy(update={"organisers": [f"slack:{TEAM}:{ORGANISER}"]})


async def test_one_press_adds_a_failed_question_as_a_phrasing(slack: SlackDriver) -> None:
    fake = slack.fake
    for question, answer in (("How do I get access to HES data?", "Apply through DARS."),
                             ("Who approves HES extracts for research?", "The IG lead.")):
        added = await slack.command(f'faq add question="{question}" answer="{answer}"',
                                    user_id=ORGANISER)
        assert "Added FAQ entry" in added.json["text"]
    await slack.command("ask how do I get HES data?")
    await slack.command("feedback Q1 no")

    listed = await slack.command("faq suggestions", user_id=ORGANISER)
    assert "Q1: how do I get HES data?" in str(listed.json["blocks"])
    buttons = [e for b in listed.json["blocks"] if b["type"] == "actions"
               for e in b["elements"]]
    [add] = [e for e in buttons if e["text"]["text"] == "Add as a phrasing of F2"]

    press = payload("block_actions")
    press["user"].update(id=ORGANISER, team_id=TEAM)
    press["actions"][0].update(action_id=add["action_id"], value=add["value"])
    press["response_url"] = fake.response_url("phrasing")
    await slack.interaction(press)
    [done] = await fake.wait_for("respond")
    assert "another way of asking F2" in done.params["text"]

    again = await slack.command("ask how do I get HES data?")
    assert "The IG lead." in str(again.json)  # used at once, from the entry it was added to

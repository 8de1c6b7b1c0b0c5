"""Activity ↔ core conversion and card rendering, on Teams-shaped fixtures (no server)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from microsoft_agents.activity import Activity

from adapters.teams import cards
from adapters.teams.convert import (
    conversation_record,
    invoke_card,
    split_thread,
    submitted_form,
    to_activity,
    to_incoming,
)
from bot.types import Action, Attachment, Button, Field, Form, FormInput, Item, Link, Reply, Surface
from tests.adapters.teams.cardwalk import elements
from tests.adapters.teams.fake_connector import PAYLOADS, TENANT

ALICE_AAD = "aaaaaaaa-0000-4000-8000-00000000a11c"
CHANNEL = "19:seminars-4f1e@thread.tacv2"


def load(fixture: str, **changes: Any) -> Activity:
    body = json.loads((PAYLOADS / fixture).read_text())
    body.update(changes)
    return Activity.model_validate(body)


def texts(card: dict[str, Any]) -> list[str]:
    """Every TextBlock text in a card, depth first."""
    return [node["text"] for node in elements(card) if node.get("type") == "TextBlock"]


def test_channel_mention_becomes_a_mention_in_the_channel_thread() -> None:
    incoming = to_incoming(load("channel_mention.json"))
    assert incoming is not None
    assert incoming.platform == "teams"
    assert incoming.workspace == TENANT
    assert incoming.channel == CHANNEL
    assert incoming.thread_id == "1764756000000"
    assert incoming.user_id == ALICE_AAD
    assert incoming.display_name == "Alice Analyst"
    assert incoming.text == "communities"
    assert incoming.surface == Surface.MENTION
    # Activity ids are unique only within a conversation: the key names both.
    assert incoming.event_id == f"{CHANNEL};messageid=1764756000000:1764756000000"


def test_other_peoples_mentions_keep_their_names() -> None:
    incoming = to_incoming(load("channel_mention.json",
                                text="<at>copbot</at> ask <at>Olive Organiser</at> about SPC"))
    assert incoming is not None
    assert incoming.text == "ask Olive Organiser about SPC"


def test_encoded_text_from_new_teams_clients_is_decoded() -> None:
    incoming = to_incoming(load("channel_mention.json",
                                text="<at>copbot</at>&nbsp;what is R&amp;D?"))
    assert incoming is not None and incoming.text == "what is R&D?"


def test_channel_chatter_without_a_mention_is_ignored() -> None:
    assert to_incoming(load("channel_message_no_mention.json")) is None


def test_personal_message_is_a_dm() -> None:
    incoming = to_incoming(load("personal_message.json", text="signup 12"))
    assert incoming is not None
    assert incoming.surface == Surface.DM
    assert incoming.text == "signup 12"
    assert incoming.thread_id is None
    assert incoming.channel.startswith("a:1personalChat")


def test_card_submit_is_an_action_with_its_form_values() -> None:
    incoming = to_incoming(load("card_submit.json", value={
        "action_id": "event add", "value": "", "title": "Intro to SPC", "capacity": 30,
        "input_value": "kept", "msteams": {"type": "messageBack"}}))
    assert incoming is not None
    assert incoming.surface == Surface.ACTION
    assert incoming.action == Action("event add", "")
    assert dict(incoming.form) == {"title": "Intro to SPC", "capacity": "30", "value": "kept"}


def test_card_invoke_is_an_action_from_the_execute_data() -> None:
    incoming = to_incoming(load("card_invoke.json", value={
        "action": {"type": "Action.Execute", "verb": "signup",
                   "data": {"action_id": "signup", "value": "12"}}, "trigger": "manual"}))
    assert incoming is not None
    assert incoming.action == Action("signup", "12")
    assert incoming.event_id is not None
    assert incoming.event_id.endswith(":f:5090279026567115")


def test_invoke_verb_is_enough_when_data_is_missing() -> None:
    incoming = to_incoming(load("card_invoke.json", value={
        "action": {"type": "Action.Execute", "verb": "help"}, "trigger": "manual"}))
    assert incoming is not None and incoming.action == Action("help", "")


def test_other_invokes_and_foreign_card_data_are_ignored() -> None:
    assert to_incoming(load("card_invoke.json", name="task/fetch")) is None
    # A card this bot did not write (the recorded sample's {"key": "value"}) is plain text.
    incoming = to_incoming(load("card_submit.json", value={"key": "value"}, text="help"))
    assert incoming is not None and incoming.action is None and incoming.text == "help"


def test_split_thread() -> None:
    assert split_thread(f"{CHANNEL};messageid=42") == (CHANNEL, "42")
    assert split_thread(CHANNEL) == (CHANNEL, None)


def test_records_keep_the_channel_not_the_thread() -> None:
    record = conversation_record(load("channel_mention.json"))
    assert record is not None
    assert record.conversation_id == CHANNEL
    assert record.kind == "channel"
    assert record.team_id == "19:team-general-8a5c@thread.tacv2"
    assert record.user_id == ""
    reference = json.loads(record.reference)
    assert reference["conversation"]["id"] == CHANNEL
    assert "activityId" not in reference
    assert reference["bot"]["id"] == "28:00000000-0000-4000-8000-00000000b07a"


def test_personal_records_name_the_person() -> None:
    record = conversation_record(load("personal_install.json"))
    assert record is not None
    assert record.kind == "personal"
    assert record.user_id == ALICE_AAD
    assert record.member_id.startswith("29:")


# ---------------------------------------------------------------------------- rendering
def test_one_line_of_text_is_plain() -> None:
    activity = to_activity(Reply(text="You're booked on *SPC* [here](http://x)"))
    assert activity.attachments is None
    assert activity.text == "You're booked on \\*SPC\\* \\[here\\](http://x)"


def test_user_text_cannot_format_link_or_mention() -> None:
    title = ("**Urgent** [click me](https://evil.example) <at>Olive</at> "
             "{{DATE(2026-12-03T10:00:00Z)}}")
    reply = Reply(title=title, text="- not a list\n1. nor this",
                  fields=(Field("Speaker", "_Bob_ <at>Bob</at>"),),
                  items=(Item(title="# not a heading", text="`code`"),))
    card = cards.render_card(reply)
    shown = texts(card)
    assert shown[0] == ("\\*\\*Urgent\\*\\* \\[click me\\](https://evil.example) "
                        "\\<at\\>Olive\\</at\\> \\{\\{DATE(2026-12-03T10:00:00Z)\\}\\}")
    assert "\\- not a list" in shown and "1\\. nor this" in shown
    assert "\\# not a heading" in shown and "\\`code\\`" in shown
    assert card["body"][3]["facts"] == [{"title": "Speaker",
                                         "value": "\\_Bob\\_ \\<at\\>Bob\\</at\\>"}]
    dumped = json.dumps(card)
    assert "<at>" not in dumped and "](" not in dumped.replace("\\\\](", "")


def test_card_shape_and_buttons() -> None:
    reply = Reply(title="Intro to SPC", text="Thursday 10:00", fields=(Field("Places", "3"),),
                  buttons=(Button("Sign up", "signup", "12", style="primary"),
                           Button("Cancel", "cancel", "12", style="danger")),
                  link=Link("https://example.org/spc", "Details"), footer="and 2 more")
    card = cards.render_card(reply)
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.5"
    signup, cancel, link = card["actions"]
    assert signup == {"type": "Action.Execute", "title": "Sign up", "verb": "signup",
                      "data": {"action_id": "signup", "value": "12"}, "style": "positive"}
    assert cancel["style"] == "destructive"
    assert link == {"type": "Action.OpenUrl", "title": "Details",
                    "url": "https://example.org/spc"}
    assert texts(card)[-1] == "and 2 more"


def test_list_buttons_submit_so_the_list_stays() -> None:
    items = tuple(Item(title=f"Event {n}", buttons=(Button("Sign up", "signup", str(n)),),
                       link=Link("javascript:alert(1)")) for n in (1, 2))
    card = cards.render_card(Reply(items=items))
    first = card["body"][0]["items"][-1]["actions"]
    assert first == [{"type": "Action.Submit", "title": "Sign up",
                      "data": {"action_id": "signup", "value": "1"}}]  # no javascript: link


FORM = Form(action_id="event add", title="New event", submit_label="Create", value="",
            inputs=(FormInput("title", "Title", required=True),
                    FormInput("about", "About", kind="multiline"),
                    FormInput("date", "Date", kind="date"),
                    FormInput("starts", "Starts", kind="time"),
                    FormInput("capacity", "Places", kind="number", value="30"),
                    FormInput("link", "Join link", kind="url"),
                    FormInput("community", "Community", kind="choice",
                              choices=(("analysis", "Analysis"), ("evidence", "Evidence"))),
                    FormInput("value", "A field called value")))


def test_form_becomes_an_input_card() -> None:
    card = cards.render_card(Reply(form=FORM))
    inputs = {e["id"]: e for e in card["body"] if e["type"].startswith("Input.")}
    assert [e["type"] for e in inputs.values()] == [
        "Input.Text", "Input.Text", "Input.Date", "Input.Time", "Input.Number", "Input.Text",
        "Input.ChoiceSet", "Input.Text"]
    assert inputs["title"]["isRequired"] is True and inputs["title"]["label"] == "Title"
    assert inputs["about"]["isMultiline"] is True
    assert inputs["capacity"]["value"] == 30  # a number: Input.Number refuses "30"
    assert inputs["link"]["style"] == "Url"
    assert inputs["community"]["choices"] == [{"title": "Analysis", "value": "analysis"},
                                              {"title": "Evidence", "value": "evidence"}]
    assert "input_value" in inputs  # never collides with the action's own keys
    (submit,) = card["actions"]
    assert submit["type"] == "Action.Execute" and submit["title"] == "Create"
    assert submit["data"]["action_id"] == "event add"


def test_a_submitted_form_comes_back_with_errors_and_values() -> None:
    data = cards.render_card(Reply(form=FORM))["actions"][0]["data"]
    activity = load("card_invoke.json", value={"action": {
        "type": "Action.Execute", "verb": "event add",
        "data": {**data, "title": "Intro", "date": "2026-13-40", "input_value": "v"}}})
    incoming = to_incoming(activity)
    assert incoming is not None and incoming.form["date"] == "2026-13-40"
    assert incoming.form["value"] == "v"
    resubmit = submitted_form(activity)
    assert resubmit is not None and resubmit.inputs == tuple(
        FormInput(i.name, i.label, i.kind, i.required, i.placeholder,
                  {"title": "Intro", "date": "2026-13-40", "value": "v"}.get(i.name, ""),
                  i.choices) for i in FORM.inputs)
    error = Reply(text="Please fix these:\n• date: not a date",
                  field_errors={"date": "not a date"})
    card = invoke_card(error, resubmit=resubmit)
    body = card["body"]
    date = next(e for e in body if e.get("id") == "date")
    assert date["value"] == "2026-13-40" and date["errorMessage"] == "not a date"
    after = body[body.index(date) + 1]
    assert after == {"type": "TextBlock", "text": "not a date", "wrap": True,
                     "color": "Attention", "spacing": "None"}
    assert body[0]["color"] == "Attention"


@pytest.mark.parametrize("spec", [None, "x", {"inputs": "x"}, {"inputs": [{"label": 1}]}])
def test_a_form_spec_that_is_not_ours_is_refused(spec: object) -> None:
    assert cards.form_from_spec("a", "", spec, {}) is None


def test_a_calendar_file_with_a_link_is_offered_as_the_link() -> None:
    ics = Attachment("event-1.ics", "text/calendar", b"BEGIN:VCALENDAR")
    with_link = cards.render_card(Reply(text="Add it", file=ics, link=Link(
        "https://copbot.example.org/calendar/personal/t.ics", "Add to calendar")))
    assert with_link["actions"] == [{"type": "Action.OpenUrl", "title": "Add to calendar",
                                     "url": "https://copbot.example.org/calendar/personal/t.ics"}]
    assert not any("can't be sent" in str(e.get("text")) for e in with_link["body"])
    without = cards.render_card(Reply(text="Here it is", file=ics))
    assert any("can't be sent" in str(e.get("text")) for e in without["body"])

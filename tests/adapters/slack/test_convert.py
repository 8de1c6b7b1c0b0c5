"""Slack payloads to Incoming and Replies to Block Kit, without any server."""

from __future__ import annotations

import json
from typing import Any

from adapters.slack.convert import MAX_BLOCKS, to_blocks, to_incoming, to_message
from adapters.slack.modal import FormContext, form_values, modal_errors, to_modal
from adapters.slack.mrkdwn import plain_text
from bot.types import (
    Action,
    Button,
    Field,
    Form,
    FormInput,
    Item,
    Link,
    Person,
    Reply,
    Surface,
)
from tests.adapters.slack.driver import CHANNEL, TEAM, USER, payload


# ------------------------------------------------------------------ payloads → Incoming
def test_slash_command() -> None:
    body = payload("slash_command") | {"text": "signup 12"}
    incoming = to_incoming(body, display_name="Steve Analyst")
    assert incoming is not None
    assert (incoming.platform, incoming.workspace, incoming.channel, incoming.user_id) == (
        "slack", TEAM, CHANNEL, USER)
    assert incoming.surface == Surface.COMMAND
    assert incoming.text == "signup 12"
    assert incoming.display_name == "Steve Analyst"
    assert incoming.event_id is None  # Slack never redelivers a slash command


def test_slash_command_text_is_unescaped() -> None:
    body = payload("slash_command") | {"text": "ask what is A&amp;E &lt;4h&gt;?"}
    incoming = to_incoming(body)
    assert incoming is not None
    assert incoming.text == "ask what is A&E <4h>?"


def test_app_mention_strips_the_bot_and_answers_in_a_thread() -> None:
    body = payload("app_mention")
    body["event"]["text"] = "<@UBOT> signup   12"
    incoming = to_incoming(body, bot_user_id="UBOT")
    assert incoming is not None
    assert incoming.surface == Surface.MENTION
    assert incoming.text == "signup 12"
    assert incoming.event_id == "Ev0LAN670R"
    assert incoming.thread_id == body["event"]["ts"]
    assert incoming.channel_ref.thread_id == body["event"]["ts"]


def test_app_mention_inside_a_thread_stays_in_that_thread() -> None:
    body = payload("app_mention")
    body["event"]["thread_ts"] = "1515449000.000001"
    incoming = to_incoming(body, bot_user_id="UBOT")
    assert incoming is not None and incoming.thread_id == "1515449000.000001"


def test_direct_message() -> None:
    incoming = to_incoming(payload("message_im"), bot_user_id="UBOT")
    assert incoming is not None
    assert incoming.surface == Surface.DM
    assert incoming.channel == "D024BE91L"
    assert incoming.thread_id is None
    assert incoming.text == "help"


def test_edits_bot_posts_and_channel_chatter_are_ignored() -> None:
    edited = payload("message_im")
    edited["event"]["subtype"] = "message_changed"
    from_bot = payload("message_im")
    from_bot["event"]["bot_id"] = "B0001"
    channel = payload("message_im")
    channel["event"]["channel_type"] = "channel"
    own = payload("message_im")
    own["event"]["user"] = "UBOT"
    for body in (edited, from_bot, channel, own):
        assert to_incoming(body, bot_user_id="UBOT") is None


def test_block_action_is_the_buttons_command() -> None:
    body = payload("block_actions")
    body["actions"][0].update(action_id="signup#2", value="12")
    incoming = to_incoming(body)
    assert incoming is not None
    assert incoming.surface == Surface.ACTION
    assert incoming.action == Action("signup", "12")
    assert (incoming.workspace, incoming.channel, incoming.user_id) == (TEAM, CHANNEL, USER)


def test_view_submission_carries_the_form_values() -> None:
    incoming = to_incoming(payload("view_submission"))
    assert incoming is not None
    assert incoming.action == Action("event add", "")
    assert dict(incoming.form) == {"title": "Intro to SPC", "date": "2026-12-10",
                                   "community": ""}
    assert incoming.channel == CHANNEL


def test_a_foreign_modal_is_ignored() -> None:
    body = payload("view_submission")
    body["view"]["private_metadata"] = "not ours"
    assert to_incoming(body) is None


def test_plain_text_shows_mentions_and_links_as_text() -> None:
    assert plain_text("see <https://nhs.uk/a?b=1&amp;c=2|the page> and <#C1|general> "
                      "<@U9|bob> <!here>") == "see https://nhs.uk/a?b=1&c=2 and #general @bob @here"


# ------------------------------------------------------------------ Reply → Block Kit
def _texts(blocks: list[dict[str, Any]]) -> list[str]:
    """Every mrkdwn text in ``blocks``."""
    found = []
    for block in blocks:
        for key in ("text",):
            if isinstance(block.get(key), dict) and block[key]["type"] == "mrkdwn":
                found.append(block[key]["text"])
        for element in block.get("fields", []) + block.get("elements", []):
            if element.get("type") == "mrkdwn":
                found.append(element["text"])
    return found


def _assert_within_limits(blocks: list[dict[str, Any]]) -> None:
    assert len(blocks) <= MAX_BLOCKS
    for block in blocks:
        if block["type"] == "section":
            assert len(block.get("text", {}).get("text", "")) <= 3000
            assert len(block.get("fields", [])) <= 10
            assert all(len(f["text"]) <= 2000 for f in block.get("fields", []))
        if block["type"] == "actions":
            assert len(block["elements"]) <= 25
            ids = [e["action_id"] for e in block["elements"]]
            assert len(ids) == len(set(ids)), "action ids must be unique in a block"
            for element in block["elements"]:
                assert len(element["text"]["text"]) <= 75
                assert len(element["value"]) <= 2000


def test_list_with_buttons_and_fields() -> None:
    reply = Reply(title="Upcoming events", items=(
        Item(title="Intro to SPC", text="An introduction", fields=(
            Field("When", "Thu 10 Dec, 14:00"), Field("Places", "3 left")),
             buttons=(Button("Sign up", "signup", "12", style="primary"),)),
        Item(title="R clinic", buttons=(Button("Sign up", "signup", "13"),
                                        Button("Details", "event", "13"))),
    ), footer="Times are UK time.")
    blocks = to_blocks(reply)
    _assert_within_limits(blocks)
    assert blocks[0]["text"]["text"] == "*Upcoming events*"
    first = blocks[1]
    assert first["text"]["text"] == "*Intro to SPC*\nAn introduction"
    assert [f["text"] for f in first["fields"]] == ["*When*\nThu 10 Dec, 14:00",
                                                    "*Places*\n3 left"]
    buttons = [b for b in blocks if b["type"] == "actions"]
    assert buttons[0]["elements"] == [{
        "type": "button", "text": {"type": "plain_text", "text": "Sign up", "emoji": True},
        "action_id": "signup", "value": "12", "style": "primary"}]
    assert [e["action_id"] for e in buttons[1]["elements"]] == ["signup", "event"]
    assert blocks[-1] == {"type": "context", "elements": [
        {"type": "mrkdwn", "text": "Times are UK time.", "verbatim": True}]}


def test_user_text_cannot_ping_or_forge_links() -> None:
    evil = "<!channel> party at <https://evil.example|nhs.uk> & more"
    reply = Reply(title=evil, text=evil, fields=(Field(evil, evil),),
                  items=(Item(title=evil, text=evil, fields=(Field(evil, evil),),
                              link=Link("https://ok.example/a", evil)),),
                  footer=evil)
    message = to_message(reply)
    texts = [*_texts(message["blocks"]), message["text"]]
    for text in texts:
        assert "<!channel>" not in text
        assert "<https://evil" not in text
        assert "&lt;!channel&gt;" in text
    serialised = json.dumps(message)
    assert "<!channel>" not in serialised
    assert "<https://ok.example/a|&lt;!channel&gt; party at &lt;https://evil.example|nhs.uk&gt;" \
           " &amp; more>" in serialised


def test_only_web_links_become_links() -> None:
    blocks = to_blocks(Reply(link=Link("javascript:alert(1)", "click")))
    assert blocks[0]["text"]["text"] == "click"


def test_long_lists_are_cut_with_and_n_more() -> None:
    items = tuple(Item(title=f"Event {n}", buttons=(Button("Sign up", "signup", str(n)),))
                  for n in range(60))
    blocks = to_blocks(Reply(title="Events", items=items, buttons=(Button("More", "events"),)))
    _assert_within_limits(blocks)
    shown = [b for b in blocks if b["type"] == "section" and "Event " in b["text"]["text"]]
    assert len(shown) == 23  # 1 title + 23 × (section, actions) + "and N more" + More
    assert blocks[-2]["elements"][0]["text"] == "…and 37 more"
    assert blocks[-1]["elements"][0]["action_id"] == "events"


def test_long_text_is_split_and_long_values_cut() -> None:
    text = "\n".join(f"line {n} " + "x" * 90 for n in range(100))
    reply = Reply(text=text, fields=tuple(Field(f"f{n}", "v" * 5000) for n in range(12)),
                  buttons=tuple(Button("b" * 100, "press", "v" * 3000) for _ in range(30)))
    blocks = to_blocks(reply)
    _assert_within_limits(blocks)
    sections = [b["text"]["text"] for b in blocks if b["type"] == "section" and "text" in b]
    assert "\n".join(sections) == text
    assert sum(len(b.get("fields", [])) for b in blocks) == 12
    assert sum(len(b["elements"]) for b in blocks if b["type"] == "actions") == 30


def test_entities_are_never_cut_in_half() -> None:
    blocks = to_blocks(Reply(fields=(Field("x", "&" * 3000),)))
    value = blocks[0]["fields"][0]["text"]
    assert value.endswith("&amp;…")
    assert len(value) <= 2000


def test_a_form_without_a_trigger_is_a_button_and_the_typed_form() -> None:
    form = Form(action_id="event add", title="Add an event",
                inputs=(FormInput("title", "Title", required=True),))
    blocks = to_blocks(Reply(form=form))
    assert 'event add title="…"' in blocks[0]["text"]["text"]
    assert blocks[1]["elements"][0]["action_id"] == "event add"


# ------------------------------------------------------------------ modals
def _form() -> Form:
    return Form(action_id="event add", title="Add an event — a long title", value="7",
                submit_label="Add", inputs=(
                    FormInput("title", "Title", required=True, placeholder="e.g. SPC"),
                    FormInput("description", "Description", kind="multiline"),
                    FormInput("date", "Date", kind="date", required=True, value="2026-12-10"),
                    FormInput("start", "Start", kind="time", value="14:00"),
                    FormInput("capacity", "Places", kind="number", value="20"),
                    FormInput("url", "Joining link", kind="url"),
                    FormInput("community", "Community", kind="choice", value="analysis",
                              choices=(("analysis", "Analysis"), ("evidence", "Evidence"))),
                ))


def test_form_as_modal() -> None:
    context = FormContext("event add", "7", channel=CHANNEL, response_url="https://r")
    view = to_modal(_form(), context)
    assert view["type"] == "modal"
    assert len(view["title"]["text"]) <= 24
    assert FormContext.load(view["private_metadata"]) == context
    by_id = {b["block_id"]: b for b in view["blocks"]}
    assert list(by_id) == ["title", "description", "date", "start", "capacity", "url",
                           "community"]
    assert all(b["element"]["action_id"] == b["block_id"] for b in view["blocks"])
    assert by_id["title"]["optional"] is False and by_id["description"]["optional"] is True
    assert by_id["description"]["element"]["multiline"] is True
    assert by_id["date"]["element"] == {"action_id": "date", "type": "datepicker",
                                        "initial_date": "2026-12-10"}
    assert by_id["start"]["element"]["initial_time"] == "14:00"
    assert by_id["capacity"]["element"]["type"] == "number_input"
    assert by_id["url"]["element"]["type"] == "url_text_input"
    assert by_id["community"]["element"]["initial_option"]["value"] == "analysis"


def test_submitted_values_by_input_name() -> None:
    view = {"state": {"values": {
        "title": {"title": {"type": "plain_text_input", "value": "SPC"}},
        "description": {"description": {"type": "plain_text_input", "value": None}},
        "date": {"date": {"type": "datepicker", "selected_date": "2026-12-10"}},
        "start": {"start": {"type": "timepicker", "selected_time": "14:00"}},
        "capacity": {"capacity": {"type": "number_input", "value": "20"}},
        "community": {"community": {"type": "static_select",
                                    "selected_option": {"value": "evidence"}}},
    }}}
    assert form_values(view) == {"title": "SPC", "description": "", "date": "2026-12-10",
                                 "start": "14:00", "capacity": "20", "community": "evidence"}


def test_field_errors_go_next_to_their_fields() -> None:
    view = to_modal(_form(), FormContext("event add"))
    errors = modal_errors({"date": "That date is in the past", "venue": "Unknown venue"}, view)
    assert errors == {"date": "That date is in the past", "title": "venue: Unknown venue"}


def test_mentions_notify_people_of_this_workspace_and_name_the_rest() -> None:
    reply = Reply(text="Can you help?", mentions=(
        Person("slack", TEAM, "U0G9QF9C6", "Ann"), Person("slack", "T_OTHER", "U2", "Ben"),
        Person("teams", TEAM, "29:abc", "Cat"), Person("slack", TEAM, "<!channel>", "D<e>")))
    [_, context] = to_blocks(reply, workspace=TEAM)
    assert context["elements"][0]["text"] == "cc <@U0G9QF9C6>, Ben, Cat, D&lt;e&gt;"
    [_, unknown] = to_blocks(reply)
    assert unknown["elements"][0]["text"] == "cc Ann, Ben, Cat, D&lt;e&gt;"

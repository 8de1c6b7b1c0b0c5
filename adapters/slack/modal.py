"""A :class:`Form` as a Slack modal, and a submitted modal back as form values.

Each input's ``name`` is both its block id and its element's action id, so the values come
back under the names the handler chose and a handler's ``field_errors`` can be shown next
to the right field (``response_action: errors``).  Where the form came from travels in the
view's ``private_metadata`` (:class:`FormContext`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from adapters.slack.mrkdwn import clip, escape, plain
from bot.form_notes import too_long_note
from bot.types import Form, FormInput

CALLBACK_ID = "copbot_form"
MAX_INPUTS = 100
TITLE_TEXT = 24
LABEL_TEXT = 2000
PLACEHOLDER_TEXT = 150
OPTION_TEXT = 75
MAX_OPTIONS = 100
METADATA_LENGTH = 3000
ERROR_TEXT = 2000
INPUT_TEXT = 3000  # plain_text_input initial_value
SECTION_TEXT = 3000


@dataclass(frozen=True, slots=True)
class FormContext:
    """What a submission needs that Slack does not send back: the command to run, its
    argument, where the form was opened and how to answer there."""

    action_id: str
    value: str = ""
    channel: str = ""
    thread_id: str | None = None
    response_url: str = ""

    def dump(self) -> str:
        text = json.dumps(asdict(self), separators=(",", ":"))
        if len(text) > METADATA_LENGTH:  # a very long value: keep the command, drop the URL
            text = json.dumps(asdict(self) | {"response_url": ""}, separators=(",", ":"))
        return text

    @classmethod
    def load(cls, text: str) -> FormContext | None:
        try:
            data = json.loads(text)
        except ValueError:
            return None
        if not isinstance(data, dict) or not isinstance(data.get("action_id"), str):
            return None
        return cls(action_id=data["action_id"], value=str(data.get("value") or ""),
                   channel=str(data.get("channel") or ""),
                   thread_id=data.get("thread_id") or None,
                   response_url=str(data.get("response_url") or ""))


def to_modal(form: Form, context: FormContext) -> dict[str, Any]:
    """The ``views.open`` view for ``form``."""
    return {
        "type": "modal",
        "callback_id": CALLBACK_ID,
        "title": plain(form.title, TITLE_TEXT),
        "submit": plain(form.submit_label, TITLE_TEXT),
        "close": plain("Cancel", TITLE_TEXT),
        "private_metadata": context.dump(),
        "blocks": [_input(i) if _fits(i) else _too_long(form, i)
                   for i in form.inputs[:MAX_INPUTS]],
    }


def _fits(field: FormInput) -> bool:
    return len(field.value) <= INPUT_TEXT or field.kind not in ("text", "multiline")


def _too_long(form: Form, field: FormInput) -> dict[str, Any]:
    """A note in place of an input whose value Slack cannot hold: leaving the input out
    means the submission does not send that field, so it stays as it is."""
    return {"type": "section", "block_id": field.name,
            "text": {"type": "mrkdwn", "text": clip(escape(
                too_long_note(form, field, INPUT_TEXT)), SECTION_TEXT)}}


def _input(field: FormInput) -> dict[str, Any]:
    element: dict[str, Any] = {"action_id": field.name}
    value = field.value
    if field.kind in ("text", "multiline"):
        element["type"] = "plain_text_input"
        element["multiline"] = field.kind == "multiline"
        if value:
            element["initial_value"] = value
    elif field.kind == "url":
        element["type"] = "url_text_input"
        if re.match(r"^https?://", value):
            element["initial_value"] = value
    elif field.kind == "number":
        element["type"] = "number_input"
        element["is_decimal_allowed"] = True
        if re.fullmatch(r"-?\d+(\.\d+)?", value):
            element["initial_value"] = value
    elif field.kind == "date":
        element["type"] = "datepicker"
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            element["initial_date"] = value
    elif field.kind == "time":
        element["type"] = "timepicker"
        if re.fullmatch(r"\d{2}:\d{2}", value):
            element["initial_time"] = value
    else:  # choice
        element["type"] = "static_select"
        options = [_option(v, label) for v, label in field.choices[:MAX_OPTIONS]]
        element["options"] = options or [_option("", "(none)")]
        for option in options:
            if option["value"] == value:
                element["initial_option"] = option
    if field.kind == "choice" or (field.placeholder and field.kind not in ("date", "time")):
        element["placeholder"] = plain(field.placeholder or "Choose…", PLACEHOLDER_TEXT)
    return {
        "type": "input",
        "block_id": field.name,
        "label": plain(field.label, LABEL_TEXT),
        "optional": not field.required,
        "element": element,
    }


def _option(value: str, label: str) -> dict[str, Any]:
    return {"text": plain(label, OPTION_TEXT), "value": value[:150]}


def form_values(view: Mapping[str, Any]) -> dict[str, str]:
    """``{input name: value}`` from a submitted view; empty inputs give ``""``."""
    values: dict[str, str] = {}
    state = (view.get("state") or {}).get("values") or {}
    for block_id, elements in state.items():
        for action_id, element in elements.items():
            name = action_id if action_id == block_id else block_id
            values[name] = _value(element)
    return values


def _value(element: Mapping[str, Any]) -> str:
    kind = element.get("type")
    if kind == "datepicker":
        return str(element.get("selected_date") or "")
    if kind == "timepicker":
        return str(element.get("selected_time") or "")
    if kind in ("static_select", "radio_buttons"):
        option = element.get("selected_option") or {}
        return str(option.get("value") or "")
    return str(element.get("value") or "")


def modal_errors(field_errors: Mapping[str, str], view: Mapping[str, Any]) -> dict[str, str]:
    """Field errors keyed by the view's block ids.  An error for a field the form does not
    show is added to the first input, so no problem is lost and Slack accepts the answer."""
    block_ids = [b.get("block_id") for b in view.get("blocks") or [] if b.get("type") == "input"]
    errors: dict[str, str] = {}
    stray: list[str] = []
    for name, problem in field_errors.items():
        if name in block_ids:
            errors[name] = problem
        else:
            stray.append(f"{name}: {problem}")
    if stray and block_ids:
        first = str(block_ids[0])
        errors[first] = "; ".join([*([errors[first]] if first in errors else []), *stray])
    return {k: v[:ERROR_TEXT] for k, v in errors.items()}

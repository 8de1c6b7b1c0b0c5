"""Render a :class:`Reply` as an Adaptive Card (schema 1.5): plain dicts, no SDK.

Every piece of text that may come from a person (titles, descriptions, field values) goes
through :func:`escape_markdown`, so it shows as typed: it cannot bold itself, add a link,
mention someone (``<at>``) or trigger the card's ``{{DATE()}}`` functions.  Button and input
labels are never markdown in Adaptive Cards and are passed as they are.

Buttons carry ``{"action_id": …, "value": …}``: pressing one is the same as typing
``f"{action_id} {value}"``.  In a personal chat, cards about one thing use ``Action.Execute``
(Teams refreshes the card in place with the answer, e.g. Sign up → Cancel); buttons inside a
list of several items, and every button in a channel or group chat (where the card is
everyone's), use ``Action.Submit`` so the card stays and the answer arrives as a new message.
A form's submit also carries the form itself (``FORM_KEY``) so that validation errors can
be shown on the same card without the server remembering anything.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from bot.form_notes import too_long_note
from bot.markdown import Span, parse
from bot.types import Button, Field, Form, FormInput, Item, Link, Person, Reply

PLATFORM = "teams"
SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
VERSION = "1.5"

# Every activity stays within 40 KB measured as UTF-16 JSON (the strictest limit Teams has
# documented); the card gets what is left after the activity's envelope (ids, service URL,
# summary and the conversation reference, which the SDK adds).
ACTIVITY_BUDGET = 40_000
CARD_BUDGET = ACTIVITY_BUDGET - 6_000
# Texts shortened when a card is over budget (characters).
TITLE_TEXT = 200
LONG_TEXT = 6000
ITEM_TEXT = 400
FIELD_TEXT = 500
CHOICE_TEXT = 40

ACTION_KEY = "action_id"
VALUE_KEY = "value"
FORM_KEY = "copbot_form"
RESERVED_KEYS = frozenset({ACTION_KEY, VALUE_KEY, FORM_KEY, "msteams"})

Json = dict[str, Any]

_INLINE = re.compile(r"([\\`*_{}\[\]<>&~|])")
_LINE_START = re.compile(r"^(\s*)([#>+-]|\d+(?=[.)]))", re.MULTILINE)


def escape_markdown(text: str) -> str:
    """Text shown as typed in an Adaptive Card TextBlock or Fact (CommonMark escapes):
    emphasis, code, links and autolinks, HTML/``<at>`` tags, entities and ``{{DATE()}}``
    everywhere; headings, quotes and list markers at the start of a line."""
    text = _INLINE.sub(r"\\\1", text)
    return _LINE_START.sub(lambda m: m.group(1) + _escape_marker(m.group(2)), text)


def _escape_marker(marker: str) -> str:
    return f"{marker}\\" if marker[0].isdigit() else f"\\{marker}"


def input_id(name: str) -> str:
    """The card input id for a form field (never one of the keys the submit data uses)."""
    return f"input_{name}" if name in RESERVED_KEYS or name.startswith("input_") else name


def field_name(key: str) -> str:
    """Inverse of :func:`input_id`."""
    return key[len("input_"):] if key.startswith("input_") else key


def card(body: list[Json], actions: list[Json] | None = None) -> Json:
    content: Json = {"type": "AdaptiveCard", "$schema": SCHEMA, "version": VERSION,
                     "body": body}
    if actions:
        content["actions"] = actions
    return content


def render_card(reply: Reply, *, resubmit: Form | None = None, workspace: str = "",
                shared: bool = False) -> Json:
    """The whole reply as one card.  ``resubmit`` is the form that was just submitted: when
    the reply carries field errors but no form of its own, that form is shown again.
    ``reply.mentions`` of Teams people in ``workspace`` (the tenant posted to) are @mentioned
    — the only ``<at>`` tags a card ever holds; anyone else is named.  In a ``shared``
    conversation (a channel or group chat) buttons never replace the card, which everyone
    sees: the answer to one person's press comes as a new message."""
    content = _render(reply, resubmit=resubmit, workspace=workspace, shared=shared)
    if utf16_size(content) <= CARD_BUDGET:
        return content
    return _fit(reply, resubmit=resubmit, workspace=workspace, shared=shared)


def utf16_size(value: object) -> int:
    """Bytes of ``value`` as JSON in UTF-16, the way Teams measures a message."""
    return len(json.dumps(value, ensure_ascii=False).encode("utf-16-le"))


def _render(reply: Reply, *, resubmit: Form | None, workspace: str, shared: bool) -> Json:
    form = reply.form or (resubmit if reply.field_errors else None)
    body: list[Json] = []
    if reply.title:
        body.append(_text(reply.title, size="Medium", weight="Bolder"))
    body += (_rich(reply.text) if reply.markdown else
             _paragraphs(reply.text, color="Attention" if reply.field_errors and form else None))
    if reply.fields:
        body.append(_facts(reply.fields))
    execute = len(reply.items) <= 1 and not shared
    for item in reply.items:
        body.append(_item(item, execute=execute))
    if reply.file is not None and reply.link is None:  # a link, where there is one, instead
        body.append(_text(f"{reply.file.filename} can't be sent in Teams.", subtle=True))
    entities: list[Json] = []
    if reply.mentions:
        body.append(_mentions(reply.mentions, workspace, entities))
    if reply.footer:
        body.append(_text(reply.footer, subtle=True, spacing="Medium"))
    actions = [_button(button, execute=not shared) for button in reply.buttons]
    if reply.link is not None and _safe_url(reply.link.url):
        actions.append(_open_url(reply.link))
    if form is not None:
        body += _form_body(form, reply.field_errors)
        actions.append(_submit(form))
    content = card(body or [_text(" ")], actions)
    if entities:
        content["msteams"] = {"entities": entities}
    return content


def _fit(reply: Reply, *, resubmit: Form | None, workspace: str, shared: bool) -> Json:
    """A card over budget, made to fit: long texts are shortened first, then items are
    left off the end (with "…and N more"), then the main text is shortened further."""
    def render(candidate: Reply) -> Json:
        return _render(candidate, resubmit=resubmit, workspace=workspace, shared=shared)

    def fits(candidate: Reply) -> bool:
        return utf16_size(render(candidate)) <= CARD_BUDGET

    reply = replace(
        reply, title=shorten(reply.title or "", TITLE_TEXT) or None,
        text=shorten(reply.text, LONG_TEXT),
        fields=tuple(_short_field(f) for f in reply.fields),
        items=tuple(_short_item(item) for item in reply.items),
        form=reply.form and _short_form(reply.form))
    resubmit = resubmit and _short_form(resubmit)
    if fits(reply):
        return render(reply)
    if reply.items:
        # The most items that fit (at least none): fewer items never make a card bigger.
        low, high = 0, len(reply.items) - 1
        while low < high:
            middle = (low + high + 1) // 2
            if fits(_first_items(reply, middle)):
                low = middle
            else:
                high = middle - 1
        reply = _first_items(reply, low)
        if fits(reply):
            return render(reply)
    low, high = 0, len(reply.text)
    while low < high:
        middle = (low + high + 1) // 2
        if fits(replace(reply, text=shorten(reply.text, middle))):
            low = middle
        else:
            high = middle - 1
    shortest = replace(reply, text=shorten(reply.text, low))
    if fits(shortest):
        return render(shortest)
    # Still too big (a form with a very long list of choices): say so rather than send a
    # card Teams would refuse.
    typed = f" Type {reply.form.action_id} with name=value fields instead." if reply.form else ""
    return render(Reply(title=reply.title, text=shorten(reply.text, ITEM_TEXT) + (
        "\n" if reply.text else "") + "The rest of this reply is too long for a Teams card."
        + typed, buttons=reply.buttons[:5]))


def _short_form(form: Form) -> Form:
    """Choice labels shortened (a long list of long names is shown, and carried in the
    submit data, twice)."""
    return replace(form, inputs=tuple(
        replace(i, choices=tuple((v, shorten(label, CHOICE_TEXT)) for v, label in i.choices))
        for i in form.inputs))


def _first_items(reply: Reply, count: int) -> Reply:
    hidden = len(reply.items) - count
    note = f"…and {hidden} more not shown here." if hidden else ""
    return replace(reply, items=reply.items[:count],
                   footer=" ".join(part for part in (note, reply.footer) if part))


def shorten(text: str, limit: int) -> str:
    """``text`` cut at a word end to about ``limit`` characters, marked "…(shortened)"."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return f"{cut.rstrip()} …(shortened)"


def _short_field(field: Field) -> Field:
    return Field(shorten(field.label, TITLE_TEXT), shorten(field.value, FIELD_TEXT))


def _short_item(item: Item) -> Item:
    return replace(item, title=shorten(item.title, TITLE_TEXT),
                   text=shorten(item.text, ITEM_TEXT),
                   fields=tuple(_short_field(f) for f in item.fields))


def is_plain(reply: Reply) -> bool:
    """True when a card would add nothing: one line of text and nothing else."""
    return (bool(reply.text) and "\n" not in reply.text and not reply.markdown
            and not reply.title
            and not reply.fields and not reply.items and not reply.buttons
            and reply.link is None and reply.file is None and reply.form is None
            and not reply.field_errors and not reply.footer and not reply.mentions)


# ---------------------------------------------------------------------------- pieces
def _text(text: str, *, size: str | None = None, weight: str | None = None,
          subtle: bool = False, color: str | None = None, spacing: str | None = None) -> Json:
    block: Json = {"type": "TextBlock", "text": escape_markdown(text), "wrap": True}
    if size:
        block["size"] = size
    if weight:
        block["weight"] = weight
    if subtle:
        block["isSubtle"] = True
    if color:
        block["color"] = color
    if spacing:
        block["spacing"] = spacing
    return block


def _paragraphs(text: str, *, color: str | None = None) -> list[Json]:
    """One TextBlock per line (markdown would join single newlines)."""
    blocks: list[Json] = []
    gap = False
    for line in text.splitlines():
        if not line.strip():
            gap = True
            continue
        block = _text(line, color=color, spacing="Medium" if gap else "None")
        if not blocks:
            block.pop("spacing")
        blocks.append(block)
        gap = False
    return blocks


def _rich(markdown: str) -> list[Json]:
    """The answers' markdown subset as TextBlock markdown, one block per line: **bold**,
    _italic_, [links](https://…) and lists; the text itself escaped as everywhere else."""
    blocks: list[Json] = []
    gap = False
    for line in parse(markdown):
        text = "".join(_span(span) for span in line.spans)
        if not text.strip():
            gap = True
            continue
        if line.number is not None:
            text = f"{line.number}. {text}"
        elif line.bullet:
            text = f"- {text}"
        block: Json = {"type": "TextBlock", "text": text, "wrap": True}
        if blocks:
            block["spacing"] = "Medium" if gap else "None"
        blocks.append(block)
        gap = False
    return blocks


def _span(span: Span) -> str:
    text = escape_markdown(span.text)
    if span.url and _safe_url(span.url):
        url = span.url.replace("(", "%28").replace(")", "%29").replace(" ", "%20")
        text = f"[{text}]({url})"
    if span.italic:
        text = f"_{text}_"
    if span.bold:
        text = f"**{text}**"
    return text


def _mentions(people: tuple[Person, ...], workspace: str, entities: list[Json]) -> Json:
    names = []
    for person in people:
        name = escape_markdown(person.name)
        if person.platform == PLATFORM and person.workspace == workspace and workspace:
            tag = f"<at>{name}</at>"
            entities.append({"type": "mention", "text": tag,
                             "mentioned": {"id": person.user_id, "name": person.name}})
            names.append(tag)
        else:
            names.append(name)
    return {"type": "TextBlock", "text": "cc " + ", ".join(names), "wrap": True,
            "isSubtle": True, "spacing": "Medium"}


def _facts(fields: tuple[Field, ...]) -> Json:
    return {"type": "FactSet", "facts": [
        {"title": escape_markdown(f.label), "value": escape_markdown(f.value)} for f in fields]}


def _item(item: Item, *, execute: bool) -> Json:
    items: list[Json] = [_text(item.title, weight="Bolder")]
    if item.markdown:
        items += [{**block, "spacing": "None"} for block in _rich(item.text)]
    else:
        items += [_text(line, spacing="None") for line in item.text.splitlines()
                  if line.strip()]
    if item.fields:
        items.append(_facts(item.fields))
    actions = [_button(button, execute=execute) for button in item.buttons]
    if item.link is not None and _safe_url(item.link.url):
        actions.append(_open_url(item.link))
    if actions:
        items.append({"type": "ActionSet", "actions": actions})
    return {"type": "Container", "separator": True, "spacing": "Medium", "items": items}


def _button(button: Button, *, execute: bool) -> Json:
    execute = execute and not button.new_message
    action: Json = {
        "type": "Action.Execute" if execute else "Action.Submit",
        "title": button.label,
        "data": {ACTION_KEY: button.action_id, VALUE_KEY: button.value},
    }
    if execute:
        action["verb"] = button.action_id
    if button.style == "primary":
        action["style"] = "positive"
    elif button.style == "danger":
        action["style"] = "destructive"
    return action


def _open_url(link: Link) -> Json:
    return {"type": "Action.OpenUrl", "title": link.label or "Open", "url": link.url}


def _safe_url(url: str) -> bool:
    return url.lower().startswith(("https://", "http://"))


# ---------------------------------------------------------------------------- forms
_INPUT_TYPES = {"text": "Input.Text", "multiline": "Input.Text", "url": "Input.Text",
                "date": "Input.Date", "time": "Input.Time", "number": "Input.Number",
                "choice": "Input.ChoiceSet"}


# A longer value is not put in an input (it would take the card past its size budget);
# the form leaves that field out, so saving keeps it as it is.
INPUT_TEXT = 4000


def _shown(spec: FormInput) -> bool:
    return len(spec.value) <= INPUT_TEXT


def _form_body(form: Form, errors: Mapping[str, str]) -> list[Json]:
    body: list[Json] = []
    if form.title:
        body.append(_text(form.title, weight="Bolder", spacing="Medium"))
    for spec in form.inputs:
        if not _shown(spec):
            body.append(_text(too_long_note(form, spec, INPUT_TEXT), subtle=True))
            continue
        body.append(_input(spec, errors.get(spec.name)))
        if spec.name in errors:
            body.append(_text(errors[spec.name], color="Attention", spacing="None"))
    return body


def _input(spec: FormInput, error: str | None) -> Json:
    element: Json = {"type": _INPUT_TYPES.get(spec.kind, "Input.Text"),
                     "id": input_id(spec.name), "label": spec.label}
    if spec.required:
        element["isRequired"] = True
        element["errorMessage"] = f"{spec.label} is required"
    if spec.placeholder:
        element["placeholder"] = spec.placeholder
    if spec.kind == "number":
        number = _number(spec.value)
        if number is not None:
            element["value"] = number  # Input.Number takes a number, not a string
    elif spec.value:
        element["value"] = spec.value
    if spec.kind == "multiline":
        element["isMultiline"] = True
    elif spec.kind == "url":
        element["style"] = "Url"
    elif spec.kind == "choice":
        element["style"] = "compact"
        element["choices"] = [{"title": label, "value": value} for value, label in spec.choices]
    if error:
        element["errorMessage"] = error
    return element


def _number(text: str) -> int | float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    if value != value or value in (float("inf"), float("-inf")):
        return None
    return int(value) if value.is_integer() and "." not in text else value


def _submit(form: Form) -> Json:
    return {"type": "Action.Execute", "verb": form.action_id, "title": form.submit_label,
            "style": "positive",
            "data": {ACTION_KEY: form.action_id, VALUE_KEY: form.value,
                     FORM_KEY: form_spec(form)}}


def form_spec(form: Form) -> Json:
    """A form's shape (not its values), carried in the submit data."""
    return {"title": form.title, "submit": form.submit_label, "inputs": [
        {"name": i.name, "label": i.label, "kind": i.kind, "required": i.required,
         "placeholder": i.placeholder, "choices": [list(c) for c in i.choices]}
        for i in form.inputs if _shown(i)]}


def form_from_spec(action_id: str, value: str, spec: object,
                   values: Mapping[str, str]) -> Form | None:
    """Rebuild a submitted form with the values that were typed; None if ``spec`` is not a
    form this module wrote."""
    if not isinstance(spec, dict) or not isinstance(spec.get("inputs"), list):
        return None
    inputs: list[FormInput] = []
    for raw in spec["inputs"]:
        if not isinstance(raw, dict) or not isinstance(raw.get("name"), str):
            return None
        # The spec travels in the card's data, which the client sends back: any JSON.
        kind = raw.get("kind") if isinstance(raw.get("kind"), str) and \
            raw["kind"] in _INPUT_TYPES else "text"
        listed = raw.get("choices")
        choices = tuple((str(c[0]), str(c[1])) for c in listed
                        if isinstance(c, list) and len(c) == 2) \
            if isinstance(listed, list) else ()
        inputs.append(FormInput(
            name=raw["name"], label=str(raw.get("label") or raw["name"]),
            kind=kind, required=bool(raw.get("required")),  # type: ignore[arg-type]
            placeholder=str(raw.get("placeholder") or ""),
            value=values.get(raw["name"], ""), choices=choices))
    return Form(action_id=action_id, title=str(spec.get("title") or ""), inputs=tuple(inputs),
                submit_label=str(spec.get("submit") or "Submit"), value=value)

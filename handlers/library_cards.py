"""How FAQ answers and library resources look in a reply (plain text; adapters escape it)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date

from bot.markdown import to_plain
from bot.services.knowledge import DID_YOU_MEAN, Answer
from bot.types import Button, Field, Item, Link, Reply
from storage.models import Community
from storage.models.knowledge import FaqEntry, Resource
from storage.repositories.people import split_person_key

SUMMARY_TEXT = 120

def plain_answer(markdown: str) -> str:
    """An answer's markdown subset as plain text (links keep their address, list items get
    bullets): for places that show no formatting, such as a calendar or the console."""
    return to_plain(markdown)


def day(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


def owner_label(owner: str, names: Mapping[str, str]) -> str:
    """What members see as an entry's owner: a person's name, never their internal key."""
    if owner in names:
        return names[owner]
    return "" if split_person_key(owner) else owner


def entry_fields(entry: FaqEntry, community: Community | None,
                 owner_names: Mapping[str, str] | None = None) -> tuple[Field, ...]:
    fields = []
    if community is not None:
        fields.append(Field("Community", community.name))
    if entry.last_reviewed is not None:
        fields.append(Field("Last reviewed", day(entry.last_reviewed)))
    owner = owner_label(entry.owner, owner_names or {})
    if owner:
        fields.append(Field("Owner", owner))
    if entry.credit:
        fields.append(Field("Answer by", entry.credit))
    return tuple(fields)


def entry_card(entry: FaqEntry, community: Community | None, *, organiser: bool = False,
               owner_names: Mapping[str, str] | None = None) -> Reply:
    """One FAQ entry in full (``faq F12``)."""
    fields = entry_fields(entry, community, owner_names)
    if organiser:
        fields += (Field("Id", entry.public_id + (f" ({entry.external_id})"
                                                  if entry.external_id else "")),
                   Field("Status", entry.status))
        if entry.alternates:
            fields += (Field("Also asked as", " | ".join(entry.alternates)),)
        if entry.tags:
            fields += (Field("Tags", ", ".join(entry.tags)),)
    return Reply(title=entry.question, text=entry.answer, markdown=True, fields=fields,
                 link=Link(entry.url, "Source") if entry.url else None)


def resource_item(resource: Resource, community: Community | None) -> Item:
    """One resource in two lines: its title (with the Open link); type, community, date and
    the start of its summary."""
    about = [resource.type]
    if community is not None:
        about.append(community.name)
    if resource.published is not None:
        about.append(day(resource.published))
    summary = first_words(resource.summary, SUMMARY_TEXT)
    line = " · ".join(about) + (f" — {summary}" if summary else "")
    return Item(title=resource.title, text=line, link=Link(resource.url, "Open"))


def related_item(resource: Resource) -> Item:
    """A related resource under an answer: one line, its title and link."""
    return Item(title=resource.title, link=Link(resource.url, "Open"))


def first_words(text: str, limit: int) -> str:
    """The first line of ``text``, cut at a word end to at most ``limit`` characters."""
    line = " ".join(text.split())
    if len(line) <= limit:
        return line
    cut = line[:limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip(" ,;:.") + "…"


def answer_reply(answer: Answer, communities: dict[int, Community],
                 owner_names: Mapping[str, str] | None = None) -> Reply:
    """The reply to a question: the answer with its source and "Was this helpful?" buttons
    and related resources, or an honest "not yet" with the closest entries to choose from."""
    log = answer.log
    best = answer.ranked.best
    if answer.ranked.answered and best is not None:
        entry = best.entry
        source = "Source" + (f" (reviewed {day(entry.last_reviewed)})"
                             if entry.last_reviewed is not None else "")
        return Reply(
            title=entry.question, text=entry.answer, markdown=True,
            link=Link(entry.url, source) if entry.url else None,
            items=tuple(related_item(r) for r in answer.related),
            footer=f"Was this helpful? ({log.public_id})",
            buttons=(Button("Yes, thanks", "feedback", f"{log.public_id} yes", "primary"),
                     Button("No", "feedback", f"{log.public_id} no")),
        )
    text = ("I don't have an answer to that yet. I've noted your question "
            f"({log.public_id}) so the organisers can see what people ask.")
    items: tuple[Item, ...] = ()
    if answer.ranked.matches:
        text += "\nDid you mean one of these?"
        items = tuple(Item(title=m.entry.question,
                           buttons=(Button("Show answer", "faq", m.entry.public_id),))
                      for m in answer.ranked.matches)
    # The way out of "I don't know": put the question to the network's experts.
    ask_network = (Button("Ask the network", "escalate", log.public_id, "primary"),
                   Button("Ask anonymously", "escalate", f"{log.public_id} anonymous"))
    return Reply(text=text, items=items, buttons=ask_network,
                 footer="Ask the network to put your question to the people who know.")


def rated_reply(answer: Answer, helpful: bool, communities: dict[int, Community]) -> Reply:
    """The answer again after its rating, so it stays in view: the thanks replaces only the
    buttons.  "No" offers the entries that ranked next and **Ask the network**."""
    log = answer.log
    if not answer.ranked.answered:
        return Reply(text="Thanks for saying.")
    reply = replace(answer_reply(answer, communities), updates_pressed=True)
    if helpful:
        return replace(reply, buttons=(), footer="Thanks — glad it helped.")
    others = tuple(Item(title=m.entry.question,
                        buttons=(Button("Show answer", "faq", m.entry.public_id),))
                   for m in answer.ranked.matches[1:DID_YOU_MEAN + 1])
    footer = (f"Thanks for saying: I've noted that this didn't help ({log.public_id}), so "
              "the organisers can improve it. ")
    footer += ("Other close entries are above, or ask the network." if others
               else "Ask the network to put your question to the people who know.")
    return replace(reply, items=others, footer=footer, buttons=(
        Button("Ask the network", "escalate", log.public_id, "primary"),
        Button("Ask anonymously", "escalate", f"{log.public_id} anonymous")))

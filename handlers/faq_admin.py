"""Organisers' FAQ commands: ``faq add`` and ``faq edit`` (named fields, or a form)."""

from __future__ import annotations

from collections.abc import Mapping

from bot.commands import Args, Command, CommandRegistry
from bot.context import Context
from bot.errors import InvalidFields, NotFound, UsageError
from bot.form_notes import errors_by_label
from bot.services.library import (
    FaqFields,
    add_faq_entry,
    apply_faq,
    chat_community,
    check_faq,
    id_taken,
    library_changed,
)
from bot.types import Form, FormInput, Reply
from storage.models.knowledge import FaqEntry
from storage.repositories.communities import CommunityRepository
from storage.repositories.knowledge import FaqRepository, parse_public_id

FIELDS = ("question", "answer", "alternates", "url", "community", "tags", "owner", "reviewed",
          "id")
NAMED_FIELDS = " ".join(f"{name}=…" for name in FIELDS)


async def faq_form(ctx: Context, action: str, title: str, *, value: str = "",
                   current: Mapping[str, str] | None = None) -> Reply:
    current = current or {}
    communities = tuple((c.slug, c.name) for c in await CommunityRepository(ctx.session).list())
    inputs = (
        FormInput("question", "Question", required=True, value=current.get("question", "")),
        FormInput("answer", "Answer", "multiline", required=True,
                  value=current.get("answer", "")),
        FormInput("alternates", "Other ways of asking it (separate with |)",
                  value=current.get("alternates", "")),
        FormInput("url", "Source link", "url", value=current.get("url", "")),
        FormInput("community", "Community", "choice", choices=communities,
                  value=current.get("community", "")),
        FormInput("tags", "Tags (comma-separated)", value=current.get("tags", "")),
        FormInput("owner", "Owner", value=current.get("owner", "")),
        FormInput("reviewed", "Last reviewed", "date", value=current.get("reviewed", "")),
        FormInput("id", "External id (optional)", value=current.get("id", "")),
    )
    return Reply(form=Form(action_id=action, title=title, inputs=inputs, submit_label="Save",
                           value=value))


def _check_names(named: Mapping[str, str]) -> None:
    unknown = sorted(set(named) - set(FIELDS))
    if unknown:
        raise InvalidFields({name: f"unknown field (use {', '.join(FIELDS)})"
                             for name in unknown})


async def _taken(ctx: Context, fields: FaqFields, entry: FaqEntry | None) -> None:
    if fields.external_id:
        other = (await FaqRepository(ctx.session).by_external_ids([fields.external_id])
                 ).get(fields.external_id)
        if other is not None and other is not entry:
            raise id_taken(other.public_id, fields.external_id)


async def _blank_form(ctx: Context) -> Reply:
    return await faq_form(ctx, "faq add", "")


async def _add_entry(ctx: Context, args: Args) -> Reply:
    if not args.named:
        if args.positional:
            raise UsageError(f"Give the entry as named fields: faq add {NAMED_FIELDS}")
        return await faq_form(ctx, "faq add", "Add a FAQ entry")
    _check_names(args.named)
    fields, problems = check_faq(args.named, id_field="id")
    if fields is None:
        raise InvalidFields(problems)
    community = await chat_community(ctx.session, fields.community)
    await _taken(ctx, fields, None)
    entry = await add_faq_entry(ctx.session, ctx.settings, fields, community, ctx.person_id,
                                ctx.now())
    return Reply(text=f"Added FAQ entry {entry.public_id}: “{entry.question}”. People asking "
                      "about it get this answer from now on.")


def _current(entry: FaqEntry, community_slug: str) -> dict[str, str]:
    return {
        "question": entry.question, "answer": entry.answer,
        "alternates": " | ".join(entry.alternates), "url": entry.url,
        "community": community_slug, "tags": ", ".join(entry.tags), "owner": entry.owner,
        "reviewed": entry.last_reviewed.isoformat() if entry.last_reviewed else "",
        "id": entry.external_id or "",
    }


async def _edit_entry(ctx: Context, args: Args) -> Reply:
    entry_id = parse_public_id(args.first() or "", "F")
    if entry_id is None:
        raise UsageError("Which entry? For example: faq edit F12 answer=\"…\"")
    entry = await FaqRepository(ctx.session).get(entry_id)
    if entry is None:
        raise NotFound(f"There is no FAQ entry F{entry_id}.")
    communities = {c.id: c.slug for c in await CommunityRepository(ctx.session).list()}
    current = _current(entry, communities.get(entry.community_id or 0, ""))
    if not args.named:
        return await faq_form(ctx, "faq edit", f"Edit {entry.public_id}",
                              value=entry.public_id, current=current)
    _check_names(args.named)
    fields, problems = check_faq({**current, **args.named}, id_field="id")
    if fields is None:
        raise InvalidFields(problems)
    community = await chat_community(ctx.session, fields.community)
    await _taken(ctx, fields, entry)
    apply_faq(entry, fields, community, ctx.now())
    await library_changed(ctx.session, ctx.settings, [entry])
    return Reply(text=f"Updated FAQ entry {entry.public_id}: “{entry.question}”.")


# A submitted form's problems named by its labels (typed commands keep typed names).
add_entry = errors_by_label(_blank_form)(_add_entry)
edit_entry = errors_by_label(_blank_form)(_edit_entry)


def register(registry: CommandRegistry) -> None:
    registry.add(Command(
        name="faq add",
        summary="add a FAQ entry (with no fields, a form)",
        usage=f"faq add {NAMED_FIELDS}",
        handler=add_entry,
        organiser_only=True,
        details="question and answer are required; alternates are separated by |, tags by "
                "commas; reviewed is a date like 2026-03-31.",
    ))
    registry.add(Command(
        name="faq edit",
        summary="change a FAQ entry (with no fields, a form)",
        usage="faq edit <F12> [field=value …]",
        handler=edit_entry,
        organiser_only=True,
    ))


"""Resources: search the library (``resources spc type:guide``), and organisers add to it."""

from __future__ import annotations

from collections.abc import Mapping

from bot.commands import Args, Command, CommandRegistry
from bot.context import Context
from bot.errors import InvalidFields, NotFound, UsageError
from bot.form_notes import errors_by_label
from bot.paging import paginate, split_page
from bot.services.communities import resolve_community
from bot.services.knowledge import ResourceFilter, search_resources
from bot.services.library import (
    ResourceFields,
    add_library_resource,
    apply_resource,
    chat_community,
    check_resource,
    id_taken,
    library_changed,
)
from bot.types import Form, FormInput, Reply
from handlers.library_cards import resource_item
from handlers.questions import communities_by_id
from storage.models.knowledge import RESOURCE_TYPES, Resource
from storage.repositories.communities import CommunityRepository
from storage.repositories.knowledge import ResourceRepository, parse_public_id

LIMIT = 10  # a page
KEPT = 100  # the best matches (or newest) a search keeps, for its pages
FILTERS = ("type", "community", "tag")
FIELDS = ("title", "url", "summary", "type", "community", "tags", "published", "id")
NAMED_FIELDS = " ".join(f"{name}=…" for name in FIELDS)


async def _filters(ctx: Context, args: Args) -> tuple[str, ResourceFilter, str]:
    """The query words and the filters (``type:guide`` or ``type=guide``), described."""
    words: list[str] = []
    given: dict[str, str] = {k: v for k, v in args.named.items()}
    for word in args.positional:
        name, sep, value = word.partition(":")
        if sep and name.lower() in FILTERS and value:
            given[name.lower()] = value
        else:
            words.append(word)
    unknown = sorted(set(given) - set(FILTERS))
    if unknown:
        raise UsageError(f"I can filter by {', '.join(FILTERS)}, not {', '.join(unknown)}.")
    kind = given.get("type", "").lower() or None
    if kind is not None and kind not in RESOURCE_TYPES:
        raise UsageError(f"“{kind}” is not a resource type. Types: {', '.join(RESOURCE_TYPES)}.")
    community = None
    if "community" in given:
        community = await resolve_community(ctx.session, given["community"])
        if community is None:
            known = ", ".join(c.slug for c in await CommunityRepository(ctx.session).list())
            raise UsageError(f"There is no community called “{given['community']}”. "
                             f"Try one of: {known}.")
    tag = given.get("tag", "").lower() or None
    described = [f"{name} {value}" for name, value in (
        ("type", kind), ("community", community.name if community else None), ("tag", tag))
        if value]
    where = ResourceFilter(kind, community.id if community else None, tag)
    return " ".join(words), where, ", ".join(described)


async def find_resources(ctx: Context, args: Args) -> Reply:
    """``resources [words] [type:… community:… tag:…] [page N]``: the best matches (or the
    newest) a page at a time; a cut list says how many more and how to see them."""
    raw, number = split_page(args.raw)
    query, where, described = await _filters(ctx, Args.parse(raw))
    found = await search_resources(ctx.session, ctx.settings, query, where, limit=KEPT)
    suffix = f" ({described})" if described else ""
    if not found:
        what = f"matches “{query}”" if query else "is there yet"
        return Reply(text=f"Nothing in the library {what}{suffix}. Try fewer or other words, "
                          "or resources alone for the newest.")
    page = paginate(found, number, " ".join(["resources", *raw.split()]), size=LIMIT)
    communities = await communities_by_id(ctx)
    title = f"Library: {query}{suffix}" if query else f"Newest in the library{suffix}"
    footer = ""
    if page.remaining:
        # Searches keep the best KEPT: past that the count is a floor, and narrowing helps.
        count = f"at least {page.remaining}" if len(found) == KEPT else str(page.remaining)
        footer = f"…and {count} more: {page.next_command}"
        footer += (", or add words, or type:, community: or tag: to narrow them." if query
                   else ", or add words, or type:, community: or tag: to find others.")
    return Reply(title=title, items=tuple(
        resource_item(r, communities.get(r.community_id or 0)) for r in page.entries),
        footer=footer, buttons=page.more_button)


async def resource_form(ctx: Context, action: str, title: str, *, value: str = "",
                        current: Mapping[str, str] | None = None) -> Reply:
    current = current or {}
    communities = tuple((c.slug, c.name) for c in await CommunityRepository(ctx.session).list())
    inputs = (
        FormInput("title", "Title", required=True, value=current.get("title", "")),
        FormInput("url", "Link", "url", required=True, value=current.get("url", "")),
        FormInput("summary", "Summary", "multiline", value=current.get("summary", "")),
        FormInput("type", "Type", "choice", choices=tuple((t, t) for t in RESOURCE_TYPES),
                  value=current.get("type", "guide")),
        FormInput("community", "Community", "choice", choices=communities,
                  value=current.get("community", "")),
        FormInput("tags", "Tags (comma-separated)", value=current.get("tags", "")),
        FormInput("published", "Published", "date", value=current.get("published", "")),
        FormInput("id", "External id (optional)", value=current.get("id", "")),
    )
    return Reply(form=Form(action_id=action, title=title, inputs=inputs, submit_label="Save",
                           value=value))


async def _checked(ctx: Context, values: Mapping[str, str], resource: Resource | None,
                   ) -> tuple[ResourceFields, int | None]:
    unknown = sorted(set(values) - set(FIELDS))
    if unknown:
        raise InvalidFields({name: f"unknown field (use {', '.join(FIELDS)})"
                             for name in unknown})
    fields, problems = check_resource(values, id_field="id")
    if fields is None:
        raise InvalidFields(problems)
    community = await chat_community(ctx.session, fields.community)
    if fields.external_id:
        other = (await ResourceRepository(ctx.session).by_external_ids([fields.external_id])
                 ).get(fields.external_id)
        if other is not None and other is not resource:
            raise id_taken(other.public_id, fields.external_id)
    return fields, community


async def _blank_form(ctx: Context) -> Reply:
    return await resource_form(ctx, "resource add", "")


async def _add_resource(ctx: Context, args: Args) -> Reply:
    if not args.named:
        if args.positional:
            raise UsageError(f"Give the resource as named fields: resource add {NAMED_FIELDS}")
        return await resource_form(ctx, "resource add", "Add to the library")
    fields, community = await _checked(ctx, args.named, None)
    resource = await add_library_resource(ctx.session, ctx.settings, fields, community,
                                          ctx.person_id, ctx.now())
    return Reply(text=f"Added {resource.public_id} to the library: “{resource.title}”.")


async def _edit_resource(ctx: Context, args: Args) -> Reply:
    resource_id = parse_public_id(args.first() or "", "R")
    if resource_id is None:
        raise UsageError("Which resource? For example: resource edit R5 summary=\"…\"")
    resource = await ResourceRepository(ctx.session).get(resource_id)
    if resource is None:
        raise NotFound(f"There is no resource R{resource_id}.")
    slugs = {c.id: c.slug for c in await CommunityRepository(ctx.session).list()}
    current = {
        "title": resource.title, "url": resource.url, "summary": resource.summary,
        "type": resource.type, "community": slugs.get(resource.community_id or 0, ""),
        "tags": ", ".join(resource.tags),
        "published": resource.published.isoformat() if resource.published else "",
        "id": resource.external_id or "",
    }
    if not args.named:
        return await resource_form(ctx, "resource edit", f"Edit {resource.public_id}",
                                   value=resource.public_id, current=current)
    fields, community = await _checked(ctx, {**current, **args.named}, resource)
    apply_resource(resource, fields, community, ctx.now())
    await library_changed(ctx.session, ctx.settings)
    return Reply(text=f"Updated {resource.public_id}: “{resource.title}”.")


# A submitted form's problems named by its labels (typed commands keep typed names).
add_resource = errors_by_label(_blank_form)(_add_resource)
edit_resource = errors_by_label(_blank_form)(_edit_resource)


def register(registry: CommandRegistry) -> None:
    registry.add(Command(
        name="resources",
        summary="search the library of guides, tools, recordings and more; alone, the newest",
        usage="resources [words] [type:guide] [community:evaluation] [tag:spc] [page N]",
        handler=find_resources,
        aliases=("library",),
        details=f"Types: {', '.join(RESOURCE_TYPES)}.",
    ))
    registry.add(Command(
        name="resource add",
        summary="add a resource to the library (with no fields, a form)",
        usage=f"resource add {NAMED_FIELDS}",
        handler=add_resource,
        organiser_only=True,
        details=f"title and url are required; type is one of {', '.join(RESOURCE_TYPES)}; "
                "published is a date like 2026-03-31.",
    ))
    registry.add(Command(
        name="resource edit",
        summary="change a library resource (with no fields, a form)",
        usage="resource edit <R5> [field=value …]",
        handler=edit_resource,
        organiser_only=True,
    ))


"""Calendar feeds members can subscribe to in Outlook: ``GET /calendar.ics`` (every upcoming
event of the network, and those of the last 30 days; cancelled ones as cancelled) and
``GET /calendar/<community>.ics``.  Feeds are public, so they never carry joining links;
those come with a place: ``calendar <id>`` in chat, and each person's own unguessable link
``GET /calendar/personal/<token>.ics`` (their events; joining links where they hold a
place), which ``calendar <id>`` gives out when ``COPBOT_PUBLIC_URL`` is set."""

from __future__ import annotations

from aiohttp import web

from bot.app.runtime import Runtime
from bot.calendar import CONTENT_TYPE, build_calendar
from bot.services.communities import resolve_community
from bot.services.events import EventService
from storage.repositories.calendar_tokens import CalendarTokenRepository

FEED_CACHE_SECONDS = 900


def add_routes(app: web.Application, runtime: Runtime) -> None:
    """Mount the feeds (``ROUTES`` in :mod:`bot.app.server` lists it)."""

    async def network_feed(request: web.Request) -> web.Response:
        return await _feed(runtime, None)

    async def community_feed(request: web.Request) -> web.Response:
        return await _feed(runtime, request.match_info["community"])

    async def personal_feed(request: web.Request) -> web.Response:
        return await _personal(runtime, request.match_info["token"])

    app.router.add_get("/calendar.ics", network_feed)
    app.router.add_get("/calendar/personal/{token}.ics", personal_feed)
    app.router.add_get("/calendar/{community}.ics", community_feed)


async def _personal(runtime: Runtime, token: str) -> web.Response:
    """A person's own events, with joining links where they hold a place.  The token is the
    only key, so the answer must not be cached by anything shared."""
    settings = runtime.settings
    async with runtime.database.session() as session:
        person_id = await CalendarTokenRepository(session).owner(token)
        if person_id is None:
            raise web.HTTPNotFound(text="No such calendar.\n")
        service = EventService(session, settings)
        events, places = await service.personal_feed(person_id, runtime.clock.now())
        communities = await service.communities()
    body = build_calendar(events, settings, name=f"{settings.network_name} — my events",
                          include_links=False, links_for=places, communities=communities,
                          refresh=True)
    return web.Response(body=body, headers={
        "Content-Type": CONTENT_TYPE, "Cache-Control": "private, no-store",
        "Content-Disposition": 'inline; filename="my-events.ics"',
    })


async def _feed(runtime: Runtime, community_name: str | None) -> web.Response:
    settings = runtime.settings
    async with runtime.database.session() as session:
        community = None
        if community_name is not None:
            community = await resolve_community(session, community_name)
            if community is None:
                raise web.HTTPNotFound(text=f"No community called {community_name!r}.\n")
        service = EventService(session, settings)
        events = await service.feed(runtime.clock.now(),
                                    community_id=community.id if community else None)
        communities = await service.communities()
    name = settings.network_name + (f" — {community.name}" if community else "")
    body = build_calendar(events, settings, name=name, include_links=False,
                          communities=communities, refresh=True)
    return web.Response(body=body, headers={
        "Content-Type": CONTENT_TYPE,
        "Cache-Control": f"public, max-age={FEED_CACHE_SECONDS}",
        "Content-Disposition": 'inline; filename="calendar.ics"',
    })

"""iCalendar (RFC 5545) files for events, built with the ``icalendar`` library.

Each event is a VEVENT whose UID is stable (``event-12@<network>``) and whose SEQUENCE grows
with every change members would notice, so downloading the file again — or a subscribed feed
refreshing — updates the entry instead of adding a second one.  Times are written in the
event's own zone with a VTIMEZONE for it, and each event carries a 15-minute reminder.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import UTC, date, timedelta
from typing import TYPE_CHECKING
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from bot.services.communities import slugify
from bot.settings import NetworkSettings
from storage.models import Community
from storage.models.events import EVENT_CANCELLED, Event

# icalendar loads when a calendar is first built, not when the bot starts.
if TYPE_CHECKING:
    import icalendar

CONTENT_TYPE = "text/calendar; charset=utf-8"
REMINDER = timedelta(minutes=15)
REFRESH = timedelta(hours=1)


def uid_domain(settings: NetworkSettings) -> str:
    """The right-hand side of event UIDs: the public host if there is one, else a name made
    from the network's (stable as long as the settings are)."""
    host = urlsplit(settings.public_url).hostname if settings.public_url else None
    return host or f"{slugify(settings.network_name) or 'network'}.copbot"


def event_uid(event: Event, settings: NetworkSettings) -> str:
    return f"event-{event.id}@{uid_domain(settings)}"


def personal_url(public_url: str, token: str) -> str:
    """A person's own calendar link (served by ``copbot serve``, see bot.app.web_calendar)."""
    return f"{public_url.rstrip('/')}/calendar/personal/{token}.ics"


def feed_url(public_url: str) -> str:
    return f"{public_url.rstrip('/')}/calendar.ics"


def filename(event: Event) -> str:
    return f"event-{event.id}.ics"


def build_calendar(events: Sequence[Event], settings: NetworkSettings, *, name: str,
                   include_links: bool,
                   communities: Mapping[int, Community] | None = None,
                   refresh: bool = False, links_for: Collection[int] = ()) -> bytes:
    """A VCALENDAR with one VEVENT per event.  ``include_links`` adds the joining link (only
    for people who hold a place: public feeds leave it out; ``links_for``: only for these
    event ids, as in a person's own feed); ``refresh`` (feeds) asks
    subscribed calendars to fetch it again every hour."""
    import icalendar

    calendar = icalendar.Calendar.new(
        prodid=f"-//copbot//{settings.network_name}//EN",
        uid=f"calendar-{slugify(name) or 'events'}@{uid_domain(settings)}",
        method="PUBLISH",
    )
    # As TEXT values, so a comma or semicolon in the name is escaped (RFC 5545 3.3.11).
    calendar.add("name", icalendar.vText(name))
    calendar.add("x-wr-calname", icalendar.vText(name))
    if refresh:
        # How often subscribed calendars should fetch the feed again (RFC 7986, Outlook).
        calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", icalendar.vDuration(REFRESH))
    for zone in _zones(events):
        calendar.add_component(zone)
    for event in events:
        community = (communities or {}).get(event.community_id or 0)
        calendar.add_component(_vevent(event, settings, include_links or event.id in links_for,
                                       community))
    return bytes(calendar.to_ical())


def _vevent(event: Event, settings: NetworkSettings, include_links: bool,
            community: Community | None) -> icalendar.Event:
    import icalendar

    zone = ZoneInfo(event.timezone)
    lines = [event.description] if event.description else []
    if event.speaker:
        lines.append(f"Speaker: {event.speaker}")
    if community is not None:
        lines.append(f"Community: {community.name}")
    if include_links and event.join_link:
        lines.append(f"Join: {event.join_link}")
    if event.status == EVENT_CANCELLED:
        lines.append(f"Event #{event.id} of the {settings.network_name} was cancelled.")
    else:
        lines.append(f"Event #{event.id} of the {settings.network_name}. To give up your "
                     f"place, tell {settings.bot_name}: cancel {event.id}")
    vevent = icalendar.Event.new(
        uid=event_uid(event, settings),
        summary=event.title,
        start=event.starts_at.astimezone(zone),
        end=event.ends_at.astimezone(zone),
        stamp=event.updated_at.astimezone(UTC),
        last_modified=event.updated_at.astimezone(UTC),
        created=event.created_at.astimezone(UTC),
        sequence=event.sequence,
        location=event.location or "Online",
        description="\n\n".join(lines),
        url=event.join_link if include_links and event.join_link else None,
        status=(icalendar.STATUS.CANCELLED if event.status == EVENT_CANCELLED
                else icalendar.STATUS.CONFIRMED),
    )
    alarm = icalendar.Alarm.new(description=f"{event.title} starts in 15 minutes")
    alarm.add("action", "DISPLAY")
    alarm.add("trigger", -REMINDER)
    vevent.add_component(alarm)
    return vevent


def _zones(events: Iterable[Event]) -> list[icalendar.Timezone]:
    """A VTIMEZONE per zone used, covering the years the events span (and a year after)."""
    import icalendar

    spans: dict[str, tuple[date, date]] = {}
    for event in events:
        if event.timezone in ("UTC", "Etc/UTC"):
            continue  # written as UTC ("Z") times: no VTIMEZONE needed
        first, last = spans.get(event.timezone, (date.max, date.min))
        spans[event.timezone] = (min(first, event.starts_at.date()),
                                 max(last, event.ends_at.date()))
    return [
        icalendar.Timezone.from_tzid(tzid, first_date=date(first.year, 1, 1),
                                     last_date=date(last.year + 2, 1, 1))
        for tzid, (first, last) in sorted(spans.items())
    ]


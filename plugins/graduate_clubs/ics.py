"""Events as iCalendar (RFC 5545) for calendar apps, which keep a copy and update it from these fields.

SEQUENCE grows with each change and LAST-MODIFIED says when, so an app replaces its old copy;
a cancelled event stays in the feed with STATUS:CANCELLED, so the app removes it rather than
keeping the old time forever. DTSTAMP is when this file was made.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Callable

from icalendar import Calendar
from icalendar import Event as CalendarEvent

from plugins.graduate_clubs.models import Event


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=timezone.utc)


def calendar_event(found: Event, url: str, now: datetime) -> CalendarEvent:
    item = CalendarEvent()
    item.add("uid", f"graduate-clubs-event-{found.id}@portal")
    item.add("summary", f"{found.title} · {found.club.name}")
    item.add("dtstart", _utc(found.starts_at))
    item.add("dtend", _utc(found.ends_at))
    item.add("dtstamp", _utc(now))
    item.add("last-modified", _utc(found.changed_at or found.created_at))
    item.add("sequence", found.sequence)
    item.add("status", "CANCELLED" if found.cancelled else "CONFIRMED")
    item.add("url", url)
    item.add("location", found.place or found.online_link)
    item.add("description", "\n\n".join(text for text in (found.description, found.online_link) if text))
    return item


def calendar(events: list[Event], name: str, url_of: Callable[[Event], str], now: datetime) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//Portal//graduate clubs//RU")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    for found in events:
        cal.add_component(calendar_event(found, url_of(found), now))
    return cal.to_ical()

"""Events as the kit's calendar entries (RFC 5545), which calendar apps keep a copy of and update.

SEQUENCE grows with each change and LAST-MODIFIED says when, so an app replaces its old copy;
a cancelled event stays in the feed with STATUS:CANCELLED, so the app removes it rather than
keeping the old time forever. The kit keeps one-line values on one line whatever a name holds.
"""
from __future__ import annotations

from plugins.graduate_clubs.models import Event
from portal.kit import CalendarEntry


def entry(found: Event, url: str) -> CalendarEntry:
    return CalendarEntry(
        uid=f"graduate-clubs-event-{found.id}@portal", summary=f"{found.title} · {found.club.name}",
        start=found.starts_at, end=found.ends_at, location=found.place or found.online_link,
        description="\n\n".join(text for text in (found.description, found.online_link) if text), url=url,
        sequence=found.sequence, cancelled=found.cancelled, last_modified=found.changed_at or found.created_at)

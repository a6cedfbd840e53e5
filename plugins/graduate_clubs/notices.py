"""Telling graduates what happened to their events: each in their own language, at the region's time.

Works without a request too (``portal erase-person`` frees seats from the command line), so the
date is formatted for the recipient here rather than with the request's locale.
"""
from __future__ import annotations

from datetime import timezone
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from flask_babel import lazy_gettext as _l

from plugins.graduate_clubs.models import Event, Registration
from portal.services import audit
from portal.services.notifications import notify

MOVED_IN = _l("A place freed up: you are registered for «%(event)s» on %(date)s.")
CANCELLED = _l("«%(event)s» on %(date)s is cancelled by the organizers.")
CANCELLED_WITH_REASON = _l("«%(event)s» on %(date)s is cancelled by the organizers. They say: %(reason)s")
CHANGED = _l("«%(event)s» has changed. Now: %(date)s, %(place)s.")


def _when(event: Event, user) -> str:
    return format_datetime(event.starts_at.replace(tzinfo=timezone.utc), "d MMMM, HH:mm",
                           tzinfo=ZoneInfo(event.club.region.timezone), locale=user.locale or "ru")


def moved_in(registration: Registration, link: str = "") -> None:
    """Tell a graduate moved in from the waiting list, and keep the trace, whatever freed the seat."""
    event, graduate = registration.event, registration.graduate
    notify(graduate, MOVED_IN, link=link, event=event.title, date=_when(event, graduate))
    audit.record("graduate_clubs.registration.promoted", target=f"registration:{registration.id}",
                 region=event.club.region, subject=graduate)


def event_cancelled(registrations: list[Registration], link: str = "", reason: str = "") -> None:
    """Everyone who held a seat or waited for one learns that the event will not take place."""
    for registration in registrations:
        event, graduate = registration.event, registration.graduate
        params = dict(event=event.title, date=_when(event, graduate))
        if reason:
            notify(graduate, CANCELLED_WITH_REASON, link=link, reason=reason, **params)
        else:
            notify(graduate, CANCELLED, link=link, **params)


def event_changed(registrations: list[Registration], link: str = "") -> None:
    """A new time or place: the people registered or waiting must not come at the old one."""
    for registration in registrations:
        event, graduate = registration.event, registration.graduate
        notify(graduate, CHANGED, link=link, event=event.title, date=_when(event, graduate),
               place=event.place or event.online_link)

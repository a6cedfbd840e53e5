"""Telling graduates what happened to their events.

``notify`` writes the event's time in each recipient's language, at the clock of the event's region,
with or without a request (``portal erase-person`` frees seats from the command line).
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from plugins.graduate_clubs.models import Registration
from portal.kit import audit, notify

MOVED_IN = _l("A place freed up: you are registered for «%(event)s» on %(date)s.")
CANCELLED = _l("«%(event)s» on %(date)s is cancelled by the organizers.")
CANCELLED_WITH_REASON = _l("«%(event)s» on %(date)s is cancelled by the organizers. They say: %(reason)s")
CHANGED = _l("«%(event)s» has changed. Now: %(date)s, %(place)s.")


def moved_in(registration: Registration, link: str = "") -> None:
    """Tell a graduate moved in from the waiting list, and keep the trace, whatever freed the seat."""
    event, graduate = registration.event, registration.graduate
    notify(graduate, MOVED_IN, link=link, times_of=event.club.region, event=event.title, date=event.starts_at)
    audit("graduate_clubs.registration.promoted", target=f"registration:{registration.id}",
          region=event.club.region, subject=graduate)


def event_cancelled(registrations: list[Registration], link: str = "", reason: str = "") -> None:
    """Everyone who held a seat or waited for one learns that the event will not take place."""
    for registration in registrations:
        event, graduate = registration.event, registration.graduate
        if reason:
            notify(graduate, CANCELLED_WITH_REASON, link=link, times_of=event.club.region, event=event.title,
                   date=event.starts_at, reason=reason)
        else:
            notify(graduate, CANCELLED, link=link, times_of=event.club.region, event=event.title,
                   date=event.starts_at)


def event_changed(registrations: list[Registration], link: str = "") -> None:
    """A new time or place: the people registered or waiting must not come at the old one."""
    for registration in registrations:
        event, graduate = registration.event, registration.graduate
        notify(graduate, CHANGED, link=link, times_of=event.club.region, event=event.title, date=event.starts_at,
               place=event.place or event.online_link)


HELP_OFFERED = _l("%(name)s offers to help at «%(event)s» on %(date)s.")
HELP_WITHDRAWN = _l("%(name)s has withdrawn their offer to help at «%(event)s» on %(date)s.")
HELP_ACCEPTED = _l("The organizers accepted your offer to help at «%(event)s» on %(date)s. Thank you!")
HELP_DECLINED = _l("The organizers declined your offer to help at «%(event)s» on %(date)s.")


def help_to_organizers(offer, organizers, link: str = "", withdrawn: bool = False) -> None:
    """The organizers learn of a new offer of help (or of one taken back), to answer it."""
    event = offer.event
    for organizer in organizers:
        if organizer.id != offer.volunteer_id:
            notify(organizer, HELP_WITHDRAWN if withdrawn else HELP_OFFERED, link=link, times_of=event.club.region,
                   name=offer.volunteer.name, event=event.title, date=event.starts_at)


def help_decided(offer, link: str = "") -> None:
    """The volunteer learns the organizers' answer."""
    event = offer.event
    notify(offer.volunteer, HELP_ACCEPTED if offer.status.value == "accepted" else HELP_DECLINED, link=link,
           times_of=event.club.region, event=event.title, date=event.starts_at)


def help_event_cancelled(offers, link: str = "", reason: str = "") -> None:
    """Volunteers who offered to help, or were accepted, must not come to an event called off."""
    for offer in offers:
        event = offer.event
        if reason:
            notify(offer.volunteer, CANCELLED_WITH_REASON, link=link, times_of=event.club.region,
                   event=event.title, date=event.starts_at, reason=reason)
        else:
            notify(offer.volunteer, CANCELLED, link=link, times_of=event.club.region, event=event.title,
                   date=event.starts_at)


def help_event_changed(offers, link: str = "") -> None:
    """A new time or place, for the volunteers who may come to help."""
    for offer in offers:
        event = offer.event
        notify(offer.volunteer, CHANGED, link=link, times_of=event.club.region, event=event.title,
               date=event.starts_at, place=event.place or event.online_link)

"""Telling people what happened: a place freed up, an organizer assigned them, a group decided, results out.

``notify`` writes each message in the recipient's language and sends the e-mail after the commit.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from plugins.volunteer_festivals.festivals import festival_groups
from plugins.volunteer_festivals.models import Festival, FestivalGroup, GroupStatus, ShiftAssignment
from portal.kit import audit, notify

MOVED_IN = _l("A place freed up: you are in the shift «%(role)s» on %(date)s.")
ASSIGNED = _l("The organizers put you in the shift «%(role)s» on %(date)s.")
REGISTERED = _l("A new group applied to «%(festival)s»: «%(group)s».")
ACCEPTED = _l("Your group «%(group)s» is accepted to «%(festival)s».")
DECLINED = _l("Your group «%(group)s» is not accepted to «%(festival)s».")
RESULTS = _l("The results of «%(festival)s» are published.")


def moved_in(assignment: ShiftAssignment, link: str = "") -> None:
    """Tell a volunteer moved in from the waiting list, and keep the trace, whatever freed the place."""
    shift = assignment.shift
    region = shift.role.festival.region
    notify(assignment.volunteer, MOVED_IN, link=link, times_of=region, role=shift.role.name, date=shift.starts_at)
    audit("volunteer_festivals.shift.promoted", target=f"assignment:{assignment.id}", region=region,
          subject=assignment.volunteer)


def assigned(assignment: ShiftAssignment, link: str = "") -> None:
    shift = assignment.shift
    notify(assignment.volunteer, ASSIGNED, link=link, times_of=shift.role.festival.region, role=shift.role.name,
           date=shift.starts_at)


def group_registered(group: FestivalGroup, link: str = "") -> None:
    for organizer in group.festival.organizers:
        notify(organizer.user, REGISTERED, link=link, festival=group.festival.title, group=group.name)


def group_decided(group: FestivalGroup, link: str = "") -> None:
    if group.leader is not None:
        notify(group.leader, ACCEPTED if group.status == GroupStatus.accepted else DECLINED, link=link,
               festival=group.festival.title, group=group.name)


def results_published(festival: Festival, link: str = "") -> None:
    for group in festival_groups(festival, GroupStatus.accepted):
        if group.leader is not None:
            notify(group.leader, RESULTS, link=link, festival=festival.title)

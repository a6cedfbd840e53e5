"""Volunteers' help at club events: «I can help», the organizers' answer, and what a volunteer signed up for.

An offer is one row per volunteer and event; its status moves only through ``HELP_LIFE`` (the row
held, its status read again), so two organizers answering the same offer at once make one decision,
and a volunteer withdrawing while an organizer answers leaves one of the two. A withdrawn offer may
be made again: the same row goes back to ``offered``. A declined one stays declined.
"""
from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from plugins.graduate_clubs.models import Club, Event, HelpOffer, HelpStatus, Organizer
from portal.kit import Lifecycle, Refusal, User, audit, db, hold, refuse_duplicates, utcnow

ALREADY_OFFERED = _l("You have already offered your help for this event.")
MAX_NOTE = 1000

# The audit lines are graduate_clubs.help.<move>, the target help_offer:<id>.
HELP_LIFE = Lifecycle("graduate_clubs.help", "help_offer")
HELP_LIFE.move("offered", [HelpStatus.withdrawn], HelpStatus.offered, refused=ALREADY_OFFERED)
HELP_LIFE.move("accepted", [HelpStatus.offered], HelpStatus.accepted)
HELP_LIFE.move("declined", [HelpStatus.offered], HelpStatus.declined)
HELP_LIFE.move("withdrawn", [HelpStatus.offered, HelpStatus.accepted], HelpStatus.withdrawn)


def is_volunteer(user, region) -> bool:
    return user.has_role(region, "volunteer")


def wants_help(event: Event, now: datetime | None = None) -> bool:
    """The event asks for volunteers, is held and has not started: offers are taken."""
    return event.volunteers_wanted and not event.cancelled and event.starts_at > (now or utcnow())


def offer_of(event: Event, volunteer) -> HelpOffer | None:
    return db.session.scalar(select(HelpOffer).where(HelpOffer.event_id == event.id,
                                                     HelpOffer.volunteer_id == volunteer.id))


def _check_open(event: Event, now: datetime) -> None:
    if event.cancelled:
        raise Refusal(_("The event is cancelled; help is no longer needed."))
    if event.starts_at <= now:
        raise Refusal(_("This event has already started; offers of help are closed."))
    if not event.volunteers_wanted:
        raise Refusal(_("The organizers of this event do not ask for volunteers."))


def offer(event: Event, volunteer, note: str = "", now: datetime | None = None) -> HelpOffer:
    """«I can help»: a new offer, or a withdrawn one made again, with the volunteer's note.

    :raises Refusal: not a volunteer of the region, the event closed to offers, an offer already.
    """
    now = now or utcnow()
    if not is_volunteer(volunteer, event.club.region):
        raise Refusal(_("Only volunteers of the region can offer their help."))
    hold(event)  # the event as it is now: not called off or moved meanwhile
    _check_open(event, now)
    found = offer_of(event, volunteer)
    if found is not None:
        HELP_LIFE.apply(found, "offered", region=event.club.region, subject=volunteer)
        found.note, found.created_at, found.decided_by_id, found.decided_at = note, now, None, None
        db.session.flush()
        return found
    found = HelpOffer(event_id=event.id, volunteer_id=volunteer.id, note=note, created_at=now)
    with refuse_duplicates(ALREADY_OFFERED):  # the same volunteer, twice at the same moment
        db.session.add(found)
        db.session.flush()
    audit("graduate_clubs.help.offered", target=f"help_offer:{found.id}", region=event.club.region,
          subject=volunteer, details={"from": None, "to": HelpStatus.offered.value})
    return found


def withdraw(found: HelpOffer, now: datetime | None = None) -> None:
    """The volunteer takes the offer back, before the event starts."""
    if found.event.starts_at <= (now or utcnow()):
        raise Refusal(_("The event has already started; the offer can no longer be withdrawn."))
    HELP_LIFE.apply(found, "withdrawn", region=found.event.club.region, subject=found.volunteer)


def decide(found: HelpOffer, accept: bool, decider, now: datetime | None = None) -> None:
    """The organizers' answer to an offer still waiting for one."""
    if found.event.cancelled:
        raise Refusal(_("The event is cancelled; there is nothing to decide."))
    HELP_LIFE.apply(found, "accepted" if accept else "declined", region=found.event.club.region,
                    subject=found.volunteer)
    found.decided_by_id, found.decided_at = decider.id, now or utcnow()
    db.session.flush()


def event_offers(event: Event) -> list[HelpOffer]:
    """The offers the organizers answer: waiting ones first, in the order they came; withdrawn left out."""
    rows = db.session.scalars(
        select(HelpOffer).where(HelpOffer.event_id == event.id, HelpOffer.status != HelpStatus.withdrawn)
        .options(selectinload(HelpOffer.volunteer), selectinload(HelpOffer.decided_by))
        .order_by(HelpOffer.created_at, HelpOffer.id))
    return sorted(rows, key=lambda row: row.status != HelpStatus.offered)


def standing_offers(event: Event) -> list[HelpOffer]:
    """Offers waiting for an answer or accepted: the volunteers who may come, to tell of a change."""
    return list(db.session.scalars(
        select(HelpOffer).where(HelpOffer.event_id == event.id,
                                HelpOffer.status.in_((HelpStatus.offered, HelpStatus.accepted)))
        .options(selectinload(HelpOffer.volunteer)).order_by(HelpOffer.id)))


def organizers_to_tell(event: Event) -> list[User]:
    """The club's organizers who still run it (an ended role ends the running)."""
    people = db.session.scalars(select(User).join(Organizer, Organizer.user_id == User.id)
                                .where(Organizer.club_id == event.club_id, User.is_disabled.is_(False))
                                .options(selectinload(User.memberships)))
    return [person for person in people if person.has_role(event.club.region, "specialist", "volunteer")]


def my_offers(volunteer, region) -> list[HelpOffer]:
    return list(db.session.scalars(
        select(HelpOffer).join(Event).join(Club)
        .where(HelpOffer.volunteer_id == volunteer.id, Club.region_id == region.id)
        .options(selectinload(HelpOffer.event).selectinload(Event.club))
        .order_by(Event.starts_at.desc(), HelpOffer.id)))


def my_count_queries(volunteer, region, now: datetime) -> dict:
    """Accepted offers for events ahead, and offers waiting for an answer, counted: SQL for the dashboard card."""
    def counted(status: HelpStatus):
        return (select(func.count(HelpOffer.id)).join(Event).join(Club)
                .where(HelpOffer.volunteer_id == volunteer.id, Club.region_id == region.id, Event.ends_at > now,
                       HelpOffer.status == status))

    return {"accepted": counted(HelpStatus.accepted), "waiting": counted(HelpStatus.offered)}


def erase(user) -> None:
    """The person's offers go with their data (the notes are their words)."""
    for row in db.session.scalars(select(HelpOffer).where(HelpOffer.volunteer_id == user.id)):
        db.session.delete(row)
    db.session.flush()


def export(user) -> list[dict]:
    return [{"club": row.event.club.name, "event": row.event.title,
             "starts_at": row.event.starts_at.isoformat() + "Z", "status": row.status.value, "note": row.note,
             "offered_at": row.created_at.isoformat() + "Z"}
            for row in db.session.scalars(select(HelpOffer).where(HelpOffer.volunteer_id == user.id)
                                          .order_by(HelpOffer.id))]

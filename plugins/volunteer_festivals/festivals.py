"""The rules of a festival: who runs it, its programme and nominations, and the groups that come.

Status changes (registration opened and closed, a group accepted or declined, results
published) are Lifecycles: the row is held, its status read again, then changed and audited.
"""
from __future__ import annotations

from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from plugins.volunteer_festivals.models import (Festival, FestivalCriterion, FestivalGroup, FestivalGroupMember,
                                                FestivalJuror, FestivalNomination, FestivalOrganizer,
                                                FestivalStatus, FestivalVenue, GroupStatus, ProgrammeItem,
                                                ResultsStatus)
from portal.kit import (SUPPORT_STAFF, Institution, Lifecycle, Membership, MembershipStatus, Refusal, Role, User,
                        db, hold, refuse_duplicates)

NAME = "volunteer_festivals"
STAFF = SUPPORT_STAFF
ORGANIZER_ROLES = ("specialist", "volunteer")  # who may be named an organizer, and must stay so to run it
JUROR_ROLES = ("specialist", "coordinator", "volunteer", "mentor")
LEADER_ROLES = ("volunteer", "graduate", *STAFF)  # who may register a group and lead it
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100
MAX_DAYS = 31

FESTIVAL_LIFE = Lifecycle("volunteer_festivals.festival", "festival")
FESTIVAL_LIFE.move("opened", [FestivalStatus.draft, FestivalStatus.closed], FestivalStatus.open,
                   refused=_l("Group registration is already open."))
FESTIVAL_LIFE.move("closed", [FestivalStatus.open], FestivalStatus.closed,
                   refused=_l("Group registration is not open."))
RESULTS_LIFE = Lifecycle("volunteer_festivals.results", "festival", attribute="results")
RESULTS_LIFE.move("published", [ResultsStatus.pending], ResultsStatus.published,
                  refused=_l("The results are published already."))
GROUP_LIFE = Lifecycle("volunteer_festivals.group", "group")
GROUP_LIFE.move("accepted", [GroupStatus.applied, GroupStatus.declined], GroupStatus.accepted,
                refused=_l("The group is accepted already."))
GROUP_LIFE.move("declined", [GroupStatus.applied, GroupStatus.accepted], GroupStatus.declined,
                refused=_l("The group is declined already."))


# --- festivals and who runs them ----------------------------------------------

def check_days(first_day: date, last_day: date) -> None:
    if not all(EARLIEST_YEAR <= d.year <= LATEST_YEAR for d in (first_day, last_day)):
        raise Refusal(_("Give a year from %(first)d to %(last)d.", first=EARLIEST_YEAR, last=LATEST_YEAR),
                      "first_day")
    if last_day < first_day:
        raise Refusal(_("The last day cannot come before the first."), "last_day")
    if (last_day - first_day).days >= MAX_DAYS:
        raise Refusal(_("A festival lasts at most %(days)d days.", days=MAX_DAYS), "last_day")


def add_festival(region, title: str, first_day: date, last_day: date, description: str = "",
                 organizer_ids: list[int] | None = None) -> Festival:
    check_days(first_day, last_day)
    festival = Festival(region_id=region.id, title=title, first_day=first_day, last_day=last_day,
                        description=description)
    db.session.add(festival)
    db.session.flush()
    set_people(festival, FestivalOrganizer, organizer_ids or [], ORGANIZER_ROLES)
    return festival


def update_festival(festival: Festival, title: str, first_day: date, last_day: date, description: str) -> None:
    check_days(first_day, last_day)
    festival.title, festival.first_day, festival.last_day = title, first_day, last_day
    festival.description = description
    db.session.flush()


def region_people(region, roles) -> list[User]:
    """Active, not disabled people of the region holding one of ``roles``."""
    return list(db.session.scalars(
        select(User).join(Membership, Membership.user_id == User.id).where(
            Membership.region_id == region.id, Membership.status == MembershipStatus.active,
            Membership.role.in_([Role(r) for r in roles]), User.is_disabled.is_(False))
        .distinct().order_by(User.name)))


def set_people(festival: Festival, model, user_ids: list[int], roles) -> None:
    """Make exactly ``user_ids`` (those who may be) the festival's organizers or jurors."""
    allowed = {u.id for u in region_people(festival.region, roles)}
    wanted = [i for i in dict.fromkeys(user_ids) if i in allowed]
    attribute = "organizers" if model is FestivalOrganizer else "jurors"
    rows = getattr(festival, attribute)
    setattr(festival, attribute, [row for row in rows if row.user_id in wanted])
    have = {row.user_id for row in getattr(festival, attribute)}
    getattr(festival, attribute).extend(model(user_id=i) for i in wanted if i not in have)
    db.session.flush()


def is_organizer(user, festival: Festival) -> bool:
    """Named an organizer and still a specialist or volunteer of the region."""
    if not user.is_authenticated or not user.has_role(festival.region, *ORGANIZER_ROLES):
        return False
    return db.session.scalar(select(FestivalOrganizer.id).where(
        FestivalOrganizer.festival_id == festival.id, FestivalOrganizer.user_id == user.id).limit(1)) is not None


def can_manage(user, festival: Festival) -> bool:
    """Staff of the region (specialists, coordinators) and the festival's own organizers."""
    return user.has_role(festival.region, *STAFF) or is_organizer(user, festival)


def is_juror(user, festival: Festival) -> bool:
    if not user.has_role(festival.region, *JUROR_ROLES):
        return False
    return db.session.scalar(select(FestivalJuror.id).where(
        FestivalJuror.festival_id == festival.id, FestivalJuror.user_id == user.id).limit(1)) is not None


def region_festivals(region, limit: int = 50) -> list[Festival]:
    return list(db.session.scalars(select(Festival).where(Festival.region_id == region.id)
                                   .order_by(Festival.first_day.desc()).limit(limit)))


def managed_festival_ids(user, region) -> set[int]:
    if user.has_role(region, *STAFF):
        return set(db.session.scalars(select(Festival.id).where(Festival.region_id == region.id)))
    if not user.has_role(region, *ORGANIZER_ROLES):
        return set()
    return set(db.session.scalars(select(FestivalOrganizer.festival_id).join(Festival).where(
        FestivalOrganizer.user_id == user.id, Festival.region_id == region.id)))


# --- programme and nominations ---------------------------------------------------

def add_venue(festival: Festival, name: str, address: str = "") -> FestivalVenue:
    venue = FestivalVenue(festival=festival, name=name, address=address)
    db.session.add(venue)
    db.session.flush()
    return venue


def check_times(festival: Festival, starts_at: datetime, ends_at: datetime, field: str = "starts_at") -> None:
    if not all(EARLIEST_YEAR <= moment.year <= LATEST_YEAR for moment in (starts_at, ends_at)):
        raise Refusal(_("Give a year from %(first)d to %(last)d.", first=EARLIEST_YEAR, last=LATEST_YEAR), field)
    if ends_at <= starts_at:
        raise Refusal(_("It must end after it starts."), "ends_at")
    if (ends_at - starts_at).total_seconds() > 24 * 3600:
        raise Refusal(_("It lasts at most a day."), "ends_at")


def add_item(festival: Festival, title: str, starts_at: datetime, ends_at: datetime,
             venue_id: int | None = None, description: str = "") -> ProgrammeItem:
    check_times(festival, starts_at, ends_at)
    if venue_id is not None and venue_id not in {v.id for v in festival.venues}:
        raise Refusal(_("Choose one of the festival's venues."), "venue")
    item = ProgrammeItem(festival=festival, title=title, starts_at=starts_at, ends_at=ends_at, venue_id=venue_id,
                         description=description)
    db.session.add(item)
    db.session.flush()
    return item


def programme(festival: Festival) -> list[ProgrammeItem]:
    return list(db.session.scalars(select(ProgrammeItem).where(ProgrammeItem.festival_id == festival.id)
                                   .options(selectinload(ProgrammeItem.venue))
                                   .order_by(ProgrammeItem.starts_at, ProgrammeItem.id)))


def add_nomination(festival: Festival, name: str, criteria: list[tuple[str, int]], description: str = "") \
        -> FestivalNomination:
    """A nomination with its criteria (name, most points); each criterion is scored from 0 to its points."""
    if not criteria:
        raise Refusal(_("Give at least one criterion, one a line."), "criteria")
    nomination = FestivalNomination(festival=festival, name=name, description=description)
    nomination.criteria = [FestivalCriterion(name=text, max_points=points, position=i)
                           for i, (text, points) in enumerate(criteria)]
    db.session.add(nomination)
    db.session.flush()
    return nomination


def parse_criteria(text: str) -> list[tuple[str, int]]:
    """«Социальная значимость: 10» one a line; without a number, 10 points.

    :raises Refusal: points that are not a number from 1 to 100.
    """
    found = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        name, points = line, 10
        if ":" in line:
            name, _sep, tail = line.rpartition(":")
            try:
                points = int(tail.strip())
            except ValueError:
                raise Refusal(_("Write the points after a colon as a number: «Idea: 10»."), "criteria") from None
        name = name.strip()
        if not name or not 1 <= points <= 100:
            raise Refusal(_("Each criterion needs a name and from 1 to 100 points."), "criteria")
        found.append((name[:200], points))
    return found


# --- groups ----------------------------------------------------------------------

def region_institutions(region) -> list[Institution]:
    return list(db.session.scalars(select(Institution).where(Institution.region_id == region.id)
                                   .order_by(Institution.name)))


ALREADY_NAMED = _l("A group with this name is registered at the festival already.")


def register_group(festival: Festival, leader, name: str, project_title: str, nomination_id: int,
                   institution_id: int | None = None, organisation: str = "", project_description: str = "") -> FestivalGroup:
    """A group's application; registration must be open (read again with the festival held).

    :raises Refusal: closed registration, no institution or organisation, a nomination of
        another festival, a name taken.
    """
    hold(festival)  # registration may have closed meanwhile: read again with the row held
    if festival.status != FestivalStatus.open:
        raise Refusal(_("Group registration is not open."))
    if nomination_id not in {n.id for n in festival.nominations}:
        raise Refusal(_("Choose one of the festival's nominations."), "nomination")
    _check_behind(festival, institution_id, organisation)
    group = FestivalGroup(festival_id=festival.id, name=name, leader_id=leader.id, project_title=project_title,
                  project_description=project_description, nomination_id=nomination_id,
                  institution_id=institution_id, organisation="" if institution_id else organisation)
    with refuse_duplicates(ALREADY_NAMED, "name"):
        db.session.add(group)
        db.session.flush()
    group.members.append(FestivalGroupMember(user_id=leader.id, name=leader.name))
    db.session.flush()
    return group


def _check_behind(festival: Festival, institution_id: int | None, organisation: str) -> None:
    if institution_id:
        if institution_id not in {i.id for i in region_institutions(festival.region)}:
            raise Refusal(_("Choose one of the region's institutions."), "institution")
    elif not organisation.strip():
        raise Refusal(_("Choose the institution behind the group, or type the organisation's name."),
                      "organisation")


def update_group(group: FestivalGroup, name: str, project_title: str, nomination_id: int, institution_id: int | None,
                 organisation: str, project_description: str) -> None:
    if nomination_id not in {n.id for n in group.festival.nominations}:
        raise Refusal(_("Choose one of the festival's nominations."), "nomination")
    _check_behind(group.festival, institution_id, organisation)
    group.name, group.project_title, group.project_description = name, project_title, project_description
    group.nomination_id, group.institution_id = nomination_id, institution_id
    group.organisation = "" if institution_id else organisation
    with refuse_duplicates(ALREADY_NAMED, "name"):
        db.session.flush()


def is_leader(user, group: FestivalGroup) -> bool:
    return user.is_authenticated and group.leader_id == user.id and user.has_role(group.festival.region,
                                                                                  *LEADER_ROLES)


def add_member(group: FestivalGroup, name: str, user: User | None = None, minor: bool = False) -> FestivalGroupMember:
    """A member with an account (found by the leader by e-mail) or a name only (minors).

    :raises Refusal: the person is in the group already.
    """
    if user is not None and any(m.user_id == user.id for m in group.members):
        raise Refusal(_("This person is in the group already."), "email")
    member = FestivalGroupMember(group_id=group.id, user_id=user.id if user else None,
                         name=user.name if user else name, minor=minor and user is None)
    with refuse_duplicates(_l("This person is in the group already."), "email"):
        db.session.add(member)
        db.session.flush()
    return member


def remove_member(group: FestivalGroup, member: FestivalGroupMember) -> None:
    if member.user_id is not None and member.user_id == group.leader_id:
        raise Refusal(_("The leader stays in the group."))
    db.session.delete(member)
    db.session.flush()


def festival_groups(festival: Festival, status: GroupStatus | None = None) -> list[FestivalGroup]:
    query = (select(FestivalGroup).where(FestivalGroup.festival_id == festival.id)
             .options(selectinload(FestivalGroup.institution), selectinload(FestivalGroup.nomination),
                      selectinload(FestivalGroup.leader), selectinload(FestivalGroup.members))
             .order_by(FestivalGroup.name))
    if status is not None:
        query = query.where(FestivalGroup.status == status)
    return list(db.session.scalars(query))


def my_groups(user, region) -> list[FestivalGroup]:
    """Groups the person leads or is a member of, in this region."""
    member_of = select(FestivalGroupMember.group_id).where(FestivalGroupMember.user_id == user.id)
    return list(db.session.scalars(
        select(FestivalGroup).join(Festival).where(Festival.region_id == region.id,
                                           (FestivalGroup.leader_id == user.id) | FestivalGroup.id.in_(member_of))
        .options(selectinload(FestivalGroup.festival), selectinload(FestivalGroup.nomination)).order_by(FestivalGroup.created_at.desc())))


def group_counts(festival: Festival) -> dict[GroupStatus, int]:
    rows = db.session.execute(select(FestivalGroup.status, func.count(FestivalGroup.id)).where(FestivalGroup.festival_id == festival.id)
                              .group_by(FestivalGroup.status))
    return {status: count for status, count in rows}

"""Graduate clubs (клубы выпускников): clubs at centres and colleges, their events, registration, attendance."""
from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

from portal.kit import SUPPORT_STAFF, DashboardCard, NavItem, PluginInfo, db, hookimpl, package_folders, utcnow

portal_migrations_folder, portal_translations_folder = package_folders(__file__)
STAFF = SUPPORT_STAFF


@hookimpl
def portal_plugin_info():
    return PluginInfo(
        title=_l("Graduate clubs"),
        description=_l("Clubs at support centres and colleges: their events, registration with waiting lists, "
                       "attendance."),
        member_roles=("volunteer",),
    )


@hookimpl
def portal_blueprint():
    from plugins.graduate_clubs.views import bp

    return bp


@hookimpl
def portal_navigation(region, user):
    return [
        NavItem(_l("Graduate clubs"), "graduate_clubs.index", roles=("graduate", "volunteer", *STAFF)),
        NavItem(_l("My clubs and events"), "graduate_clubs.mine", roles=("graduate",)),
        NavItem(_l("My help at club events"), "graduate_clubs.volunteering", roles=("volunteer",)),
        NavItem(_l("Club attendance"), "graduate_clubs.stats", roles=("coordinator",)),
    ]


@hookimpl
def portal_dashboard_counts(region, user):
    from plugins.graduate_clubs import clubs as rules

    if user.has_role(region, "graduate"):
        return {"coming": rules.coming_registrations_count_query(user, region, utcnow())}
    if not user.has_role(region, "volunteer", *STAFF):
        return {}
    counts = {"upcoming": rules.upcoming_count_query(region, utcnow())}
    if user.has_role(region, "volunteer"):
        from plugins.graduate_clubs import help as helping

        counts |= helping.my_count_queries(user, region, utcnow())
    return counts


@hookimpl
def portal_dashboard_cards(region, user, counts):
    if user.has_role(region, "graduate"):
        return [DashboardCard(_l("Graduate clubs"), _l("Events you are registered for: %(count)d")
                              % {"count": counts["coming"]},
                              url_for("graduate_clubs.mine", region_code=region.code), _l("My clubs and events"))]
    if not user.has_role(region, "volunteer", *STAFF):
        return []
    cards = [DashboardCard(_l("Graduate clubs"), _l("Upcoming club events: %(count)d") % {"count": counts["upcoming"]},
                           url_for("graduate_clubs.index", region_code=region.code), _l("Clubs and events"))]
    if user.has_role(region, "volunteer"):
        cards.append(DashboardCard(
            _l("Help at club events"),
            _l("Accepted, ahead: %(accepted)d; waiting for an answer: %(waiting)d")
            % {"accepted": counts["accepted"], "waiting": counts["waiting"]},
            url_for("graduate_clubs.volunteering", region_code=region.code), _l("My help at club events")))
    return cards


@hookimpl
def portal_cli_commands():
    from plugins.graduate_clubs.cli import graduate_clubs

    return [graduate_clubs]


@hookimpl
def portal_demo_data(region, people, password):
    from plugins.graduate_clubs.demo import load

    load(region, people, password)


@hookimpl
def portal_demo_crowd(region, crowd):
    from plugins.graduate_clubs.crowd import load

    return load(region, crowd)


@hookimpl
def portal_export_person(user):
    from sqlalchemy import select

    from plugins.graduate_clubs import help as helping
    from plugins.graduate_clubs.models import Club, Member, Organizer, Registration

    return {
        "help_offers": helping.export(user),
        "clubs_joined": [club.name for club in db.session.scalars(
            select(Club).join(Member).where(Member.user_id == user.id))],
        "clubs_organized": [club.name for club in db.session.scalars(
            select(Club).join(Organizer).where(Organizer.user_id == user.id))],
        "registrations": [
            {"club": r.event.club.name, "event": r.event.title, "starts_at": r.event.starts_at.isoformat() + "Z",
             "status": r.status.value, "attended": r.attended, "registered_at": r.created_at.isoformat() + "Z"}
            for r in db.session.scalars(select(Registration).where(Registration.graduate_id == user.id))
        ],
    }


@hookimpl
def portal_erase_person(user):
    from plugins.graduate_clubs import clubs as rules
    from plugins.graduate_clubs import help as helping
    from plugins.graduate_clubs import notices

    for registration in rules.erase(user):  # the seats given back go to the waiting list, in order
        notices.moved_in(registration)  # told and audited as when a graduate cancels
    helping.erase(user)  # the offers of help, with the volunteer's notes

@hookimpl
def portal_audit_actions():
    return {
        "graduate_clubs.club.created": _l("Clubs: club created"),
        "graduate_clubs.club.changed": _l("Clubs: club changed"),
        "graduate_clubs.club.joined": _l("Clubs: joined a club"),
        "graduate_clubs.club.left": _l("Clubs: left a club"),
        "graduate_clubs.event.created": _l("Clubs: event added"),
        "graduate_clubs.event.changed": _l("Clubs: event changed"),
        "graduate_clubs.event.cancelled": _l("Clubs: event cancelled"),
        "graduate_clubs.registration.registered": _l("Clubs: registered for an event"),
        "graduate_clubs.registration.waiting": _l("Clubs: joined a waiting list"),
        "graduate_clubs.registration.cancelled": _l("Clubs: registration cancelled"),
        "graduate_clubs.registration.promoted": _l("Clubs: moved in from the waiting list"),
        "graduate_clubs.attendees.viewed": _l("Clubs: list of participants viewed"),
        "graduate_clubs.attendance.marked": _l("Clubs: attendance marked"),
        "graduate_clubs.help.offered": _l("Clubs: help offered by a volunteer"),
        "graduate_clubs.help.withdrawn": _l("Clubs: offer of help withdrawn"),
        "graduate_clubs.help.accepted": _l("Clubs: offer of help accepted"),
        "graduate_clubs.help.declined": _l("Clubs: offer of help declined"),
    }


@hookimpl
def portal_in_use(region):
    from flask_babel import ngettext
    from sqlalchemy import func, select

    from plugins.graduate_clubs.models import Club, Event, EventStatus, Registration, RegistrationStatus

    ahead = (select(Event.id).join(Club, Club.id == Event.club_id)
             .where(Club.region_id == region.id, Event.status == EventStatus.scheduled, Event.ends_at > utcnow()))
    events = db.session.scalar(select(func.count()).select_from(ahead.subquery()))
    if not events:
        return []
    people = db.session.scalar(select(func.count()).select_from(Registration).where(
        Registration.event_id.in_(ahead), Registration.status != RegistrationStatus.cancelled))
    lines = [ngettext("%(num)d event ahead", "%(num)d events ahead", events)]
    if people:
        lines.append(ngettext("%(num)d registration for them", "%(num)d registrations for them", people))
    return lines

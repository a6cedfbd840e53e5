"""Volunteer festivals (фестивали добровольческих групп): programme, groups, shifts, hours, jury, certificates."""
from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

from portal.kit import SUPPORT_STAFF, DashboardCard, NavItem, PluginInfo, db, hookimpl, package_folders

portal_migrations_folder, portal_translations_folder = package_folders(__file__)
STAFF = SUPPORT_STAFF


@hookimpl
def portal_plugin_info():
    return PluginInfo(
        title=_l("Volunteer festivals"),
        description=_l("Festivals of volunteer groups: programme, groups and their projects, volunteer shifts "
                       "with suggested matches, check-in and hours, jury, certificates."),
        demo_regions=("smolensk",),
        member_roles=("volunteer",),
    )


@hookimpl
def portal_blueprint():
    from plugins.volunteer_festivals.views import bp

    return bp


@hookimpl
def portal_navigation(region, user):
    return [
        NavItem(_l("Volunteer festivals"), "volunteer_festivals.index",
                roles=("graduate", "pupil", "volunteer", "mentor", *STAFF)),
        NavItem(_l("My shifts and hours"), "volunteer_festivals.mine", roles=("volunteer",)),
        NavItem(_l("Festival figures"), "volunteer_festivals.figures", roles=STAFF),
    ]


@hookimpl
def portal_dashboard_counts(region, user):
    from plugins.volunteer_festivals import shifts

    if user.has_role(region, "volunteer"):
        return {"coming": shifts.coming_shifts_count_query(user, region, shifts.utcnow())}
    return {}


@hookimpl
def portal_dashboard_cards(region, user, counts):
    if user.has_role(region, "volunteer"):
        return [DashboardCard(_l("Volunteer festivals"), _l("Your coming shifts: %(count)d") % {"count": counts["coming"]},
                              url_for("volunteer_festivals.mine", region_code=region.code),
                              _l("My shifts and hours"))]
    return []


@hookimpl
def portal_demo_data(region, people, password):
    from plugins.volunteer_festivals.demo import load

    load(region, people, password)


@hookimpl
def portal_demo_crowd(region, crowd):
    from plugins.volunteer_festivals.crowd import load

    return load(region, crowd)


@hookimpl
def portal_export_person(user):
    from sqlalchemy import select

    from plugins.volunteer_festivals.models import (FestivalGroup, FestivalGroupMember, FestivalScore,
                                                    ShiftAssignment, VolunteerProfile)

    return {
        "profiles": [{"interests": p.interests, "skills": p.skills,
                      "birth_date": p.birth_date.isoformat() if p.birth_date else None, "free": p.free}
                     for p in db.session.scalars(select(VolunteerProfile).where(VolunteerProfile.user_id == user.id))],
        "shifts": [{"festival": a.shift.role.festival.title, "role": a.shift.role.name,
                    "starts_at": a.shift.starts_at.isoformat() + "Z", "status": a.status.value,
                    "checked_in_at": a.checked_in_at.isoformat() + "Z" if a.checked_in_at else None,
                    "hours_approved": a.approved_at is not None}
                   for a in db.session.scalars(select(ShiftAssignment).where(ShiftAssignment.volunteer_id == user.id))],
        "groups": [{"festival": m.group.festival.title, "group": m.group.name,
                    "leader": m.group.leader_id == user.id}
                   for m in db.session.scalars(select(FestivalGroupMember).where(FestivalGroupMember.user_id == user.id))],
        "groups_led": [g.name for g in db.session.scalars(select(FestivalGroup).where(FestivalGroup.leader_id == user.id))],
        "jury_scores": len(db.session.scalars(select(FestivalScore.id).where(FestivalScore.juror_id == user.id)).all()),
    }


@hookimpl
def portal_erase_person(user):
    from plugins.volunteer_festivals import notices, shifts

    for assignment in shifts.erase(user):  # the places given back go to the waiting list, in order
        notices.moved_in(assignment)


@hookimpl
def portal_audit_actions():
    return {
        "volunteer_festivals.festival.created": _l("Festivals: festival created"),
        "volunteer_festivals.festival.changed": _l("Festivals: festival changed"),
        "volunteer_festivals.festival.opened": _l("Festivals: group registration opened"),
        "volunteer_festivals.festival.closed": _l("Festivals: group registration closed"),
        "volunteer_festivals.programme.changed": _l("Festivals: programme changed"),
        "volunteer_festivals.programme.published": _l("Festivals: programme published"),
        "volunteer_festivals.programme.withdrawn": _l("Festivals: programme hidden"),
        "volunteer_festivals.jurors.named": _l("Festivals: jury named"),
        "volunteer_festivals.group.registered": _l("Festivals: group registered"),
        "volunteer_festivals.group.changed": _l("Festivals: group changed"),
        "volunteer_festivals.group.accepted": _l("Festivals: group accepted"),
        "volunteer_festivals.group.declined": _l("Festivals: group declined"),
        "volunteer_festivals.group.member_added": _l("Festivals: group member added"),
        "volunteer_festivals.group.member_removed": _l("Festivals: group member removed"),
        "volunteer_festivals.group.scored": _l("Festivals: project scored"),
        "volunteer_festivals.results.published": _l("Festivals: results published"),
        "volunteer_festivals.profile.saved": _l("Festivals: volunteer profile saved"),
        "volunteer_festivals.shift.created": _l("Festivals: shift added"),
        "volunteer_festivals.shift.taken": _l("Festivals: shift taken"),
        "volunteer_festivals.shift.waiting": _l("Festivals: joined a shift's waiting list"),
        "volunteer_festivals.shift.dropped": _l("Festivals: shift dropped"),
        "volunteer_festivals.shift.promoted": _l("Festivals: moved in from a waiting list"),
        "volunteer_festivals.shift.assigned": _l("Festivals: volunteer assigned to a shift"),
        "volunteer_festivals.check_in.marked": _l("Festivals: check-in marked"),
        "volunteer_festivals.hours.approved": _l("Festivals: hours approved"),
        "volunteer_festivals.certificate.made": _l("Festivals: certificate downloaded"),
        "volunteer_festivals.people.viewed": _l("Festivals: list of people viewed"),
    }


@hookimpl
def portal_in_use(region):
    from flask_babel import ngettext
    from sqlalchemy import func, select

    from plugins.volunteer_festivals.models import Festival
    from portal.kit import today

    count = db.session.scalar(select(func.count()).select_from(Festival).where(
        Festival.region_id == region.id, Festival.last_day >= today(region)))
    return [ngettext("%(num)d festival not over yet", "%(num)d festivals not over yet", count)] if count else []

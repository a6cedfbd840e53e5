"""Mentorship (наставничество): the service suggests mentor–graduate pairs, coordinators decide."""
from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

from portal.kit import DashboardCard, NavItem, PluginInfo, hookimpl, package_folders

portal_migrations_folder, portal_translations_folder = package_folders(__file__)


@hookimpl
def portal_plugin_info():
    return PluginInfo(
        title=_l("Mentorship"),
        description=_l("Volunteer mentors for graduates: suggested pairs with their reasons, approved by "
                       "coordinators; meeting logs."),
        member_roles=("mentor",),
        demo_regions=("belgorod",),  # Smolensk does not run mentorship: its demo shows a region without it
    )


@hookimpl
def portal_blueprint():
    from plugins.mentorship.views import bp

    return bp


@hookimpl
def portal_navigation(region, user):
    return [
        NavItem(_l("Mentorship"), "mentorship.index", roles=("graduate", "mentor", "specialist")),
        NavItem(_l("Matching board"), "mentorship.board", roles=("coordinator",)),
        NavItem(_l("Mentorships"), "mentorship.mentorships", roles=("specialist", "coordinator")),
    ]


@hookimpl
def portal_dashboard_counts(region, user):
    from plugins.mentorship import pairs

    if user.has_role(region, "coordinator"):
        return {"waiting": pairs.waiting_count_query(region), **pairs.waiting_count_queries(region),
                "flagged": pairs.flagged_count_query(region)}
    if user.has_role(region, "specialist"):
        return {"following": pairs.active_followed_count_query(user, region)}
    for side in ("mentor", "graduate"):
        if user.has_role(region, side):
            return {"asked": pairs.answers_awaited_query(user, region, side)}
    return {}


@hookimpl
def portal_dashboard_cards(region, user, counts):
    link = url_for("mentorship.index", region_code=region.code)
    if user.has_role(region, "coordinator"):
        board = url_for("mentorship.board", region_code=region.code)
        waiting = counts["waiting"]
        cards = [DashboardCard(_l("Mentorship"), _l("Graduates waiting for a mentor: %(count)d") % {"count": waiting},
                               board, _l("Matching board"), count=waiting)]
        cards.append(DashboardCard(
            _l("Proposals to decide"), _l("Waiting for your decision: %(count)d") % {"count": counts["coordinator"]},
            board + "#proposals", _l("Decide"), count=counts["coordinator"]))
        if counts["graduate"] or counts["mentor"]:
            cards.append(DashboardCard(
                _l("Proposals waiting for an answer"),
                _l("From the graduate: %(graduates)d; from the mentor: %(mentors)d")
                % {"graduates": counts["graduate"], "mentors": counts["mentor"]},
                board + "#proposals", _l("Matching board")))
        if counts["flagged"]:
            cards.append(DashboardCard(
                _l("Pairs to look at"),
                _l("Pairs whose mentor or graduate stopped (suspended or ended): %(count)d")
                % {"count": counts["flagged"]},
                url_for("mentorship.mentorships", region_code=region.code, flagged=1), _l("Mentorships")))
        return cards
    if user.has_role(region, "specialist"):
        return [DashboardCard(_l("Mentorship"), _l("Active pairs you follow: %(count)d")
                              % {"count": counts["following"]},
                              url_for("mentorship.mentorships", region_code=region.code), _l("Mentorships"))]
    if user.has_role(region, "mentor"):
        asked = counts["asked"]
        if asked:
            return [DashboardCard(_l("Mentorship"), _l("Proposals waiting for your answer: %(count)d")
                                  % {"count": asked}, link + "#mentor-proposals", _l("Answer"), count=asked)]
        return [DashboardCard(_l("Mentorship"), _l("Your mentees, proposals and meeting log."), link,
                              _l("My mentorship"))]
    if user.has_role(region, "graduate"):
        asked = counts["asked"]
        if asked:
            return [DashboardCard(_l("Mentorship"), _l("A mentor is proposed to you: see why and say whether you "
                                                       "agree."), link, _l("Answer"), count=asked)]
        return [DashboardCard(_l("Mentorship"), _l("An adult who is on your side: ask for a mentor."), link,
                              _l("Mentorship"))]
    return []


@hookimpl
def portal_demo_data(region, people, password):
    from plugins.mentorship.demo import load

    load(region, people, password)


@hookimpl
def portal_demo_crowd(region, crowd):
    from plugins.mentorship.crowd import load

    return load(region, crowd)


@hookimpl
def portal_support_needs(graduate, region):
    from plugins.mentorship.pairs import graduate_profile

    profile = graduate_profile(graduate, region)
    return list(profile.areas or ()) if profile is not None else []


@hookimpl
def portal_support_needs_of(graduate_ids, region):
    from plugins.mentorship.pairs import own_needs

    return {user_id: sorted(areas) for user_id, areas in own_needs(graduate_ids, region).items()}


@hookimpl
def portal_export_person(user):
    from plugins.mentorship.export import export_person

    return export_person(user)


@hookimpl
def portal_erase_person(user):
    from plugins.mentorship.export import erase_person

    erase_person(user)


@hookimpl
def portal_membership_changed(membership, reason):
    from plugins.mentorship.export import flag_pairs_of

    flag_pairs_of(membership, reason)


@hookimpl
def portal_audit_actions():
    return {
        "mentorship.profile.changed": _l("Mentorship: profile changed"),
        "mentorship.board.viewed": _l("Mentorship: matching board viewed"),
        "mentorship.suggestions.viewed": _l("Mentorship: suggestions viewed"),
        "mentorship.proposed": _l("Mentorship: pair proposed"),
        "mentorship.optimised": _l("Mentorship: pairs proposed for everyone"),
        "mentorship.approved": _l("Mentorship: pair approved"),
        "mentorship.rejected": _l("Mentorship: pair rejected"),
        "mentorship.accepted": _l("Mentorship: proposal accepted by the graduate or the mentor"),
        "mentorship.declined": _l("Mentorship: proposal declined by the graduate or the mentor"),
        "mentorship.activated": _l("Mentorship: pair started (everyone agreed)"),
        "mentorship.pinned": _l("Mentorship: pair pinned"),
        "mentorship.unpinned": _l("Mentorship: pair unpinned"),
        "mentorship.viewed": _l("Mentorship: viewed"),
        "mentorship.list.viewed": _l("Mentorship: list of mentees viewed"),
        "mentorship.specialists.named": _l("Mentorship: specialists following the pair named"),
        "mentorship.ended": _l("Mentorship: ended"),
        "mentorship.meeting.logged": _l("Mentorship: meeting logged"),
        "mentorship.model.trained": _l("Mentorship: model retrained"),
    }


@hookimpl
def portal_in_use(region):
    from flask_babel import ngettext
    from sqlalchemy import func, select

    from plugins.mentorship.models import Mentorship, MentorshipStatus
    from portal.kit import db

    counts = dict(db.session.execute(
        select(Mentorship.status, func.count()).where(Mentorship.region_id == region.id,
                                                      Mentorship.status.in_(MentorshipStatus.taking_a_place()))
        .group_by(Mentorship.status)).all())
    lines = []
    if counts.get(MentorshipStatus.active):
        lines.append(ngettext("%(num)d pair meeting now", "%(num)d pairs meeting now", counts[MentorshipStatus.active]))
    waiting = counts.get(MentorshipStatus.proposed, 0) + counts.get(MentorshipStatus.approved, 0)
    if waiting:
        lines.append(ngettext("%(num)d proposal waiting for an answer", "%(num)d proposals waiting for an answer",
                              waiting))
    return lines

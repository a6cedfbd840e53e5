"""Training apartments (тренировочные квартиры): pupils of an institution practise independent life.

Specialists named to an institution run its apartments and plan pupils' stays (places held by
the core's reservations engine), record each day's practice against the region's programme
and a budget diary, and close a stay with a signed-off readiness summary that follows the
pupil: areas still weak reach other services through ``portal_support_needs``.
"""
from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

from portal.kit import DashboardCard, NavItem, PluginInfo, Role, hookimpl, package_folders, today

portal_migrations_folder, portal_translations_folder = package_folders(__file__)
STAFF = ("specialist", "coordinator")


@hookimpl
def portal_plugin_info():
    return PluginInfo(
        title=_l("Training apartments"),
        description=_l("Supervised apartments where pupils of children's homes practise independent life: stays, "
                       "daily practice, readiness summaries, yearly monitoring."),
    )


@hookimpl
def portal_blueprint():
    from plugins.training_apartments.views import bp

    return bp


@hookimpl
def portal_navigation(region, user):
    return [
        NavItem(_l("Training apartments"), "training_apartments.index", roles=STAFF),
        NavItem(_l("My training apartment"), "training_apartments.mine", roles=("pupil",)),
        NavItem(_l("Readiness monitoring"), "training_apartments.monitoring", roles=STAFF),
    ]


@hookimpl
def portal_dashboard_counts(region, user):
    from plugins.training_apartments import rules

    if user.has_role(region, *STAFF):
        institutions = rules.visible_institution_ids(user, region)
        return {} if institutions is None else {
            "under_way": rules.under_way_count_query(institutions, today(region))}
    if user.has_role(region, Role.graduate) and not user.has_role(region, Role.pupil):
        return {"pupils": rules.my_pupils_count_query(user, region)}
    return {}


@hookimpl
def portal_dashboard_cards(region, user, counts):
    if user.has_role(region, *STAFF):
        return [DashboardCard(_l("Training apartments"),
                              _l("Stays under way today: %(count)d") % {"count": counts.get("under_way", 0)},
                              url_for("training_apartments.index", region_code=region.code), _l("Apartments"))]
    if user.has_role(region, Role.pupil) or (user.has_role(region, Role.graduate) and counts["pupils"]):
        return [DashboardCard(_l("Training apartments"), _l("Your stays, your progress and your readiness summary."),
                              url_for("training_apartments.mine", region_code=region.code),
                              _l("My training apartment"))]
    return []


@hookimpl
def portal_demo_data(region, people, password):
    from plugins.training_apartments.demo import load

    load(region, people, password)


@hookimpl
def portal_demo_crowd(region, crowd):
    from plugins.training_apartments.crowd import load

    return load(region, crowd)


@hookimpl
def portal_support_needs(graduate, region):
    from plugins.training_apartments import rules

    return rules.weak_support_areas(rules.my_pupils(graduate, region), region)


@hookimpl
def portal_support_needs_of(graduate_ids, region):
    from plugins.training_apartments import rules

    return rules.weak_support_areas_of(graduate_ids, region)


@hookimpl
def portal_export_person(user):
    from plugins.training_apartments import rules

    return {"pupil_records": rules.export(user)}


@hookimpl
def portal_erase_person(user):
    from plugins.training_apartments import rules

    rules.erase(user)


@hookimpl
def portal_audit_actions():
    return {
        "training_apartments.apartment.created": _l("Apartments: apartment added"),
        "training_apartments.apartment.changed": _l("Apartments: apartment changed"),
        "training_apartments.schedule.viewed": _l("Apartments: schedule viewed"),
        "training_apartments.pupil.added": _l("Apartments: pupil added"),
        "training_apartments.pupil.changed": _l("Apartments: pupil changed"),
        "training_apartments.pupil.linked": _l("Apartments: pupil's account linked"),
        "training_apartments.pupil.viewed": _l("Apartments: pupil's record viewed"),
        "training_apartments.pupils.viewed": _l("Apartments: list of pupils viewed"),
        "training_apartments.stay.planned": _l("Apartments: stay planned"),
        "training_apartments.stay.viewed": _l("Apartments: stay viewed"),
        "training_apartments.stay.cancel": _l("Apartments: stay cancelled"),
        "training_apartments.stay.close": _l("Apartments: stay closed with a summary"),
        "training_apartments.practice.recorded": _l("Apartments: practice recorded"),
        "training_apartments.budget.recorded": _l("Apartments: budget diary line added"),
        "training_apartments.rating.saved": _l("Apartments: pupil rated themself"),
        "training_apartments.programme.changed": _l("Apartments: programme changed"),
        "training_apartments.settings.changed": _l("Apartments: settings changed"),
    }


@hookimpl
def portal_in_use(region):
    from flask_babel import ngettext
    from sqlalchemy import func, select

    from plugins.training_apartments.models import Apartment, Stay, StayStatus
    from portal.kit import Institution, db

    day = today(region)
    stays = db.session.execute(
        select(func.count().filter(Stay.arrival <= day), func.count().filter(Stay.arrival > day))
        .join(Apartment, Apartment.id == Stay.apartment_id).join(Institution, Institution.id == Apartment.institution_id)
        .where(Institution.region_id == region.id, Stay.status == StayStatus.planned, Stay.departure > day)).one()
    lines = []
    if stays[0]:
        lines.append(ngettext("%(num)d pupil living in an apartment now", "%(num)d pupils living in apartments now",
                              stays[0]))
    if stays[1]:
        lines.append(ngettext("%(num)d stay planned ahead", "%(num)d stays planned ahead", stays[1]))
    return lines

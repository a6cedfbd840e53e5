"""Social hotel (социальная гостиница): beds by the night for graduates with nowhere to live."""
from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

from portal.kit import (SUPPORT_STAFF, DashboardCard, HelpOffer, NavItem, PluginInfo, db, hold, hookimpl,
                        package_folders, reservations)

portal_migrations_folder, portal_translations_folder = package_folders(__file__)
STAFF = SUPPORT_STAFF


@hookimpl
def portal_plugin_info():
    return PluginInfo(
        title=_l("Social hotel"),
        description=_l("Short stays for graduates in a crisis or between places: requests, beds by the night, "
                       "occupancy."),
    )


@hookimpl
def portal_blueprint():
    from plugins.social_hotel.views import bp

    return bp


@hookimpl
def portal_navigation(region, user):
    return [
        NavItem(_l("Social hotel"), "social_hotel.index", roles=("graduate", *STAFF)),
        NavItem(_l("Occupancy"), "social_hotel.chart", roles=STAFF),
        NavItem(_l("Hotel figures"), "social_hotel.stats", roles=("coordinator",)),
    ]


@hookimpl
def portal_dashboard_counts(region, user):
    from plugins.social_hotel import stays

    if user.has_role(region, *STAFF):
        return {"waiting": stays.requests_count_query(region)}
    return {}


@hookimpl
def portal_dashboard_cards(region, user, counts):
    if user.has_role(region, *STAFF):
        waiting = counts["waiting"]
        return [DashboardCard(_l("Social hotel"), _l("Requests waiting: %(count)d") % {"count": waiting},
                              url_for("social_hotel.chart", region_code=region.code), _l("Occupancy"), count=waiting)]
    if user.has_role(region, "graduate"):
        return [DashboardCard(_l("Social hotel"), _l("A place to stay for a few days or weeks."),
                              url_for("social_hotel.index", region_code=region.code), _l("Free places"))]
    return []


@hookimpl
def portal_demo_data(region, people, password):
    from plugins.social_hotel.demo import load

    load(region, people, password)


@hookimpl
def portal_demo_crowd(region, crowd):
    from plugins.social_hotel.crowd import load

    return load(region, crowd)


@hookimpl
def portal_support_needs(graduate, region):
    from sqlalchemy import select

    from plugins.social_hotel.models import Hotel, Stay, StayStatus

    open_stay = db.session.scalar(select(Stay.id).join(Hotel).where(
        Stay.graduate_id == graduate.id, Hotel.region_id == region.id, Stay.status.in_(StayStatus.open())).limit(1))
    return ["housing"] if open_stay else []


@hookimpl
def portal_support_needs_of(graduate_ids, region):
    """Every graduate with an open stay in the region's hotels: one query."""
    from sqlalchemy import select

    from plugins.social_hotel.models import Hotel, Stay, StayStatus

    staying = db.session.scalars(select(Stay.graduate_id).join(Hotel).where(
        Stay.graduate_id.in_(graduate_ids), Hotel.region_id == region.id, Stay.status.in_(StayStatus.open()))
        .distinct())
    return {graduate_id: ["housing"] for graduate_id in staying}


#: The needs the hotel answers (another plugin, e.g. case work's resolved appeal, asks) and the reason it prefills.
HELP_REASONS = {
    "temporary_housing": _l("I need a place to stay for a while."),
    "housing": _l("I need a place to stay until my housing is ready."),
    "utility_debts": _l("I may lose my housing because of debts for utilities and need a place to stay."),
}


@hookimpl
def portal_help_offers(region, graduate, need):
    """A stay request, prefilled with the reason, when the region has a hotel and the person is its graduate."""
    from sqlalchemy import select

    from plugins.social_hotel.models import Hotel

    if need not in HELP_REASONS or not graduate.has_role(region, "graduate"):
        return []
    if db.session.scalar(select(Hotel.id).where(Hotel.region_id == region.id).limit(1)) is None:
        return []
    return [HelpOffer(_l("A stay at the social hotel"),
                      url_for("social_hotel.ask", region_code=region.code, reason=str(HELP_REASONS[need])))]


@hookimpl
def portal_export_person(user):
    from sqlalchemy import select

    from plugins.social_hotel.models import Stay

    return {"stays": [
        {"hotel": s.hotel.name, "arrival": s.arrival.isoformat(), "departure": s.departure.isoformat(),
         "status": s.status.value, "reason": s.reason, "with_child": s.with_child}
        for s in db.session.scalars(select(Stay).where(Stay.graduate_id == user.id))
    ]}


@hookimpl
def portal_erase_person(user):
    from sqlalchemy import select

    from plugins.social_hotel.models import Stay

    stays = db.session.scalars(select(Stay).where(Stay.graduate_id == user.id).order_by(Stay.id)).all()
    for stay in stays:
        hold(stay)  # a confirmation at this moment finishes first; its claim is then released here
        if stay.claim is not None:
            reservations.release(stay.claim)
        db.session.delete(stay)




@hookimpl
def portal_audit_actions():
    return {
        "social_hotel.stay.requested": _l("Hotel: stay requested"),
        "social_hotel.stay.viewed": _l("Hotel: stay viewed"),
        "social_hotel.chart.viewed": _l("Hotel: occupancy viewed"),
        "social_hotel.requests.viewed": _l("Hotel: requests viewed"),
        "social_hotel.stay.confirm": _l("Hotel: stay confirmed"),
        "social_hotel.stay.reject": _l("Hotel: stay rejected"),
        "social_hotel.stay.check-in": _l("Hotel: checked in"),
        "social_hotel.stay.arrive-early": _l("Hotel: checked in before the arrival day"),
        "social_hotel.stay.check-out": _l("Hotel: checked out"),
        "social_hotel.stay.no-show": _l("Hotel: did not come"),
        "social_hotel.stay.extend": _l("Hotel: stay extended"),
        "social_hotel.stay.move": _l("Hotel: moved to another bed"),
        "social_hotel.stay.cancelled": _l("Hotel: stay cancelled"),
        "social_hotel.stay.extension_asked": _l("Hotel: extension asked"),
        "social_hotel.settings.changed": _l("Hotel: settings changed"),
        "social_hotel.room.renamed": _l("Hotel: room renamed"),
        "social_hotel.bed.renamed": _l("Hotel: bed renamed"),
        "social_hotel.bed.retired": _l("Hotel: bed retired"),
        "social_hotel.bed.returned": _l("Hotel: bed in use again"),
    }


@hookimpl
def portal_in_use(region):
    from flask_babel import ngettext
    from sqlalchemy import func, select

    from plugins.social_hotel.models import Hotel, Stay, StayStatus
    from portal.kit import today

    day = today(region)
    counts = dict(db.session.execute(
        select(Stay.status, func.count()).join(Hotel, Hotel.id == Stay.hotel_id)
        .where(Hotel.region_id == region.id,
               (Stay.status == StayStatus.checked_in) | (Stay.status == StayStatus.requested)
               | ((Stay.status == StayStatus.confirmed) & (Stay.departure > day)))
        .group_by(Stay.status)).all())
    lines = []
    if counts.get(StayStatus.checked_in):
        lines.append(ngettext("%(num)d guest checked in", "%(num)d guests checked in", counts[StayStatus.checked_in]))
    if counts.get(StayStatus.confirmed):
        lines.append(ngettext("%(num)d confirmed stay ahead", "%(num)d confirmed stays ahead",
                              counts[StayStatus.confirmed]))
    if counts.get(StayStatus.requested):
        lines.append(ngettext("%(num)d request waiting for staff", "%(num)d requests waiting for staff",
                              counts[StayStatus.requested]))
    return lines

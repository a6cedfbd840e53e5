"""What every page's layout needs: navigation, the bell, languages, formatting."""
from __future__ import annotations

from datetime import datetime

from flask import Flask, current_app, g, request, url_for
from flask_babel import format_date, format_datetime, get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup

from portal.app.plugin_types import NavItem
from portal.app.plugins import plugin_host
from portal.models import MembershipStatus, Role
from portal.services import region_time
from portal.services.labels import ROLE_LABELS, label_of, label_of_value, role_label, status_labels
from portal.services.words import gendered
from portal.web.access import roles_held
from portal.web.i18n import LANGUAGE_NAMES

MEMBERSHIP_STATUS = status_labels(MembershipStatus, {
    MembershipStatus.pending: _l("waiting for approval"),
    MembershipStatus.active: _l("active"),
    MembershipStatus.rejected: _l("declined"),
    MembershipStatus.suspended: _l("suspended"),
    MembershipStatus.ended: _l("ended"),
})

CORE_NAVIGATION = (
    NavItem(_l("Dashboard"), "regions.dashboard"),
    NavItem(_l("Pending registrations"), "regions.pending", roles=(Role.coordinator.value,)),
    NavItem(_l("Reset codes"), "regions.reset_codes", roles=(Role.coordinator.value,)),
    NavItem(_l("Services"), "admin.plugins", roles=(Role.region_admin.value,)),
    NavItem(_l("Members"), "admin.members", roles=(Role.region_admin.value, Role.coordinator.value)),
    NavItem(_l("Institutions"), "institutions.index", roles=(Role.region_admin.value, Role.coordinator.value)),
    NavItem(_l("Audit log"), "admin.audit_log", roles=(Role.region_admin.value,)),
    NavItem(_l("Privacy and contacts"), "notices.edit", roles=(Role.region_admin.value,)),
    NavItem(_l("Consent text"), "admin.consent_text", roles=(Role.region_admin.value,)),
)


#: How many menus (a kilobyte or two each) and menu addresses the app keeps before it starts again.
MENUS_KEPT = 4096


def _kept(name: str) -> dict:
    kept = current_app.extensions.setdefault(name, {})
    if len(kept) > MENUS_KEPT:
        kept.clear()
    return kept


def _entry_url(item: NavItem, region) -> str:
    """An entry's address, built once per (mount point, endpoint, region, values): the menu's url_for calls
    cost more than the rest of it. The region is given, so no request's defaults go into the address."""
    key = (request.script_root, item.endpoint, region.code, tuple(sorted(item.values.items())))
    urls = _kept("portal_menu_urls")
    try:
        url = urls.get(key)
    except TypeError:  # a value that cannot be a key: built every time
        return url_for(item.endpoint, region_code=region.code, **item.values)
    if url is None:
        url = urls[key] = url_for(item.endpoint, region_code=region.code, **item.values)
    return url


def region_menu(entries: list[dict], oob: bool = False) -> Markup:
    """The menu's HTML, rendered once per language and entries (words, addresses, the page's own): the same
    for everyone with these entries, and nothing in it is anyone's data."""
    key = (str(get_locale()), oob, tuple((e["label"], e["url"], e["plugin"], e["current"]) for e in entries))
    menus = _kept("portal_menus")
    html = menus.get(key)
    if html is None:
        template = current_app.jinja_env.get_template("partials/navigation.html")
        html = menus[key] = Markup(template.render(navigation=entries, oob_navigation=oob))
    return html


def region_navigation(region) -> list[dict]:
    """The region's menu for this person: core entries, then those of plugins that are on."""
    if region is None or not current_user.is_authenticated:
        return []
    member = bool(current_user.active_roles(region))
    held = roles_held(current_user, region)
    if not held:
        return []
    host = plugin_host()
    items = [(None, item) for item in CORE_NAVIGATION]
    for name, answer in host.each(
        "portal_navigation", only=host.enabled_in(region), tolerant=True, region=region, user=current_user
    ):
        items += [(name, item) for item in answer]
    entries = []
    for plugin, item in items:
        if (item.roles and not held & set(item.roles)) or (not item.roles and not member):
            continue
        entries.append({
            "label": str(item.label),
            "url": _entry_url(item, region),
            "plugin": plugin,
            "current": False,
        })
    # The entry for this page: its own address, or else the longest plugin address it is under
    # (so /mentorship/mentorships marks "Mentorships", not also "Mentorship").
    exact = [e for e in entries if request.path == e["url"]]
    under = [e for e in entries if e["plugin"] is not None and request.path.startswith(e["url"])]
    for entry in (exact or sorted(under, key=lambda e: len(e["url"]), reverse=True))[:1]:
        entry["current"] = True
    return entries


def _context():
    region = g.get("region")
    unread = 0
    if current_user.is_authenticated:
        from portal.services.notifications import unread_count

        unread = unread_count(current_user)
    return {
        "current_region": region,
        "navigation": region_navigation(region),
        "unread_notifications": unread,
        "language_names": LANGUAGE_NAMES,
        "role_labels": ROLE_LABELS,
    }


def _moment(value, kind: str = "moment") -> str:
    """A stored moment at the page's time zone, in one of the portal's named patterns (``MOMENT_KINDS``)."""
    if not value:
        return ""
    return format_datetime(value, region_time.MOMENT_KINDS[kind])


def _moment_span(start, end) -> str:
    """From a stored moment to another: the end's date is left out when it is the same day."""
    return region_time.format_moment_span(start, end)


def _day(value, kind: str = "day") -> str:
    """A date (or a stored moment's date at the page's time zone) in one of the portal's named patterns
    (``DAY_KINDS``); a page never spells its own."""
    if not value:
        return ""
    pattern = region_time.DAY_KINDS[kind]
    return format_datetime(value, pattern) if isinstance(value, datetime) else format_date(value, pattern)


def init_app(app: Flask) -> None:
    app.context_processor(_context)
    app.jinja_env.filters["datetime"] = _moment
    app.jinja_env.filters["date"] = _day
    app.jinja_env.filters["moment_span"] = _moment_span
    app.jinja_env.filters["zone"] = region_time.zone_label
    app.jinja_env.globals["status_label"] = label_of
    app.jinja_env.globals["gendered"] = gendered
    app.jinja_env.globals["stored_status_label"] = lambda value: label_of_value(value) or value
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.globals["role_label"] = role_label
    app.jinja_env.globals["region_menu"] = region_menu
    from portal.services.notifications import text_of

    app.jinja_env.globals["notification_text"] = text_of

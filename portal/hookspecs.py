"""The plugin contract: every hook a plugin may implement.

Hooks return data and the core does the wiring (blueprints, navigation,
dashboard cards, CLI commands, migrations, translations). A plugin never
checks whether its region has it turned on: the core gates it.
Implement a hook with ``@hookimpl`` and register the module under the
entry-point group ``portal.plugins``; the entry point's name is the plugin's
name, its URL segment and the prefix of its tables.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:  # pragma: no cover
    import click
    from flask import Blueprint

    from portal.app.plugin_types import DashboardCard, DemoCrowd, HelpOffer, NavItem, PluginInfo
    from portal.models import Membership, Region, User

PROJECT = "portal"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec(firstresult=True)
def portal_plugin_info() -> PluginInfo:
    """Describe the plugin to region admins.

    :return: a :class:`portal.app.plugin_types.PluginInfo` with a translatable
        ``title`` and ``description``, and the codes of the demo regions in
        which ``portal demo`` turns the plugin on (empty: every demo region).
    """


@hookspec(firstresult=True)
def portal_blueprint() -> Blueprint:
    """The plugin's views.

    The core mounts the blueprint under ``/<region_code>/<plugin name>/``,
    adds the region switch in front of it (404 where the plugin is off) and
    checks that every view declares an access policy (``portal.web.access``).
    The blueprint's name must be the plugin's name.

    :return: a :class:`flask.Blueprint`.
    """


@hookspec
def portal_navigation(region: Region, user: User) -> list[NavItem]:
    """Entries for the region's navigation bar.

    Called only for plugins on in ``region``; the core drops entries whose
    ``roles`` the user does not hold there.

    :param region: the region being shown.
    :param user: the person looking (may be anonymous).
    :return: a list of :class:`portal.app.plugin_types.NavItem`.
    """


@hookspec
def portal_dashboard_counts(region: Region, user: User) -> dict[str, Any]:
    """What this user's cards count, as SQL: the core asks every plugin's numbers in one statement.

    Called just before ``portal_dashboard_cards``, for the same plugins and people. Each value is a
    scalar SQL expression (a ``select(func.count())…`` or a column expression of one); the numbers
    come back to the same plugin as ``portal_dashboard_cards(counts=…)`` under the same names. A
    dashboard thus makes one round trip for all its cards whatever the plugins on; counting in the
    card hook itself still works (one more statement).

    :param region: the region whose dashboard is shown.
    :param user: the signed-in member.
    :return: ``{name: SQL expression}``; ``{}`` or None when the cards count nothing for this user.
    """


@hookspec
def portal_dashboard_cards(region: Region, user: User, counts: dict[str, int]) -> list[DashboardCard]:
    """Cards for the region's dashboard, for this user.

    Called only for plugins on in ``region`` and only for its active members.

    :param region: the region whose dashboard is shown.
    :param user: the signed-in member.
    :param counts: the plugin's own ``portal_dashboard_counts``, counted (``{}`` if it has none);
        an implementation that does not need them leaves the argument out.
    :return: a list of :class:`portal.app.plugin_types.DashboardCard`.
    """


@hookspec
def portal_in_use(region: Region) -> list[str]:
    """What of the region's current work the plugin holds: asked before a region admin switches it off.

    Called only for the plugin being switched off. The admin is shown the answer and asked to confirm;
    nothing is asked when every plugin answers with an empty list. Count with SQL (this runs on a click).

    :param region: the region whose admin is switching the plugin off.
    :return: short translated sentences with their counts ("3 guests checked in", "5 events ahead").
    """


@hookspec
def portal_cli_commands() -> list[click.Command]:
    """Commands added to the ``portal`` command line.

    :return: a list of :class:`click.Command` (groups included).
    """


@hookspec
def portal_demo_data(region: Region, people: dict[str, User], password: str) -> None:
    """Create the plugin's demo data in a demo region; must be idempotent.

    Called by ``portal demo`` for plugins on in the region, after the core
    created the region, its municipalities and one person of every role.

    :param region: the demo region.
    :param people: role name -> the demo person holding that role there.
    :param password: the shared demo password, for any people the plugin adds.
    """


@hookspec
def portal_demo_crowd(region: Region, crowd: DemoCrowd) -> dict[str, int]:
    """Fill the plugin's tables for a region of the demo at scale (``portal demo --scale region|country``).

    Called once per region, for plugins on there, after the core made the region's people in bulk
    (and after the ordinary demo). Write rows in bulk (``portal.kit.bulk_insert``,
    ``reservations.bulk_claims``), in proportion to the crowd, never one ORM object per row; do not commit.

    :param region: the region.
    :param crowd: the ids of the region's bulk people (:class:`portal.app.plugin_types.DemoCrowd`).
    :return: what was made, by name, for the command's report (``{"stays": 2494}``).
    """


@hookspec
def portal_support_needs(graduate: User, region: Region) -> list[str]:
    """Support areas a graduate needs help with, as far as the plugin knows.

    The answers of all plugins on in the region are merged by
    :func:`portal.services.support_areas.graduate_needs`.

    :param graduate: the graduate.
    :param region: the region whose services ask.
    :return: codes from :data:`portal.services.support_areas.SUPPORT_AREAS`.
    """


@hookspec
def portal_support_needs_of(graduate_ids: list[int], region: Region) -> dict[int, list[str]]:
    """:func:`portal_support_needs` for many graduates at once, in a few queries whatever their number.

    Work that pairs a region's graduates (a background job) asks this instead of one call per graduate.
    The answers of all plugins on in the region are merged by
    :func:`portal.services.support_areas.graduates_needs`.

    :param graduate_ids: the graduates' account ids.
    :param region: the region whose services ask.
    :return: account id -> codes from :data:`portal.services.support_areas.SUPPORT_AREAS` (ids without any
        may be left out).
    """


@hookspec
def portal_help_offers(region: Region, graduate: User, need: str) -> list[HelpOffer]:
    """Help the plugin offers a graduate for a need another service met or found (e.g. a resolved housing appeal).

    Called only for plugins on in ``region``, through :func:`portal.services.help_offers.help_offers`; the
    asking plugin shows the offers and never imports the one that made them.

    :param region: the region whose services ask.
    :param graduate: the graduate (an account) the offer is for.
    :param need: a code from :data:`portal.services.help_offers.HELP_NEEDS` (``"temporary_housing"``,
        ``"housing"``, ``"utility_debts"``).
    :return: a list of :class:`portal.app.plugin_types.HelpOffer` (empty: nothing to offer).
    """


@hookspec
def portal_export_person(user: User) -> dict[str, Any]:
    """The person's data the plugin holds, for their data export.

    :param user: the person asking for their data.
    :return: a JSON-serialisable dict; it appears under the plugin's name.
    """


@hookspec
def portal_erase_person(user: User) -> None:
    """Delete or anonymise what the plugin holds about the person.

    Called before the core deletes the account; do not commit.

    :param user: the person being erased.
    """


@hookspec
def portal_membership_changed(membership: Membership, reason: str) -> None:
    """A person's role in a region was suspended, ended or reinstated (``membership.status`` says which).

    Keep what the plugin holds and flag what needs a coordinator's eye when a role stops (a
    mentor's active mentorships, say), and take the flag back when it is active again: the
    record of what happened stays. Runs inside the change's transaction; do not commit.

    :param membership: the person's role in the region, with its new status.
    :param reason: why, as the coordinator wrote it ("" when reinstated).
    """


@hookspec(firstresult=True)
def portal_migrations_folder() -> str:
    """The folder of the plugin's Alembic revisions.

    Its revisions form a branch labelled with the plugin's name that depends
    on the core revision it needs; ``portal db upgrade`` applies all heads.

    :return: an absolute path.
    """


@hookspec(firstresult=True)
def portal_translations_folder() -> str:
    """The folder of the plugin's gettext catalogues (``<lang>/LC_MESSAGES``).

    They are merged into the core catalogue at start-up.

    :return: an absolute path.
    """


@hookspec
def portal_audit_actions() -> dict[str, Any]:
    """Readable labels for the audit actions the plugin records.

    The plugin writes its events with :func:`portal.services.audit.record`; these
    labels name them in the audit log's filter.

    :return: action code (e.g. ``"social_hotel.stay.viewed"``) -> lazy_gettext label.
    """

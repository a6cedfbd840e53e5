"""The plugin kit: the whole of Portal a plugin may import (docs/plugins.md says how to use each part).

A plugin imports Portal only from here (Flask, SQLAlchemy, WTForms and Babel as usual); a test
fails on any other ``portal.`` import under ``plugins/``. What two plugins both need belongs here.

- Contract: :data:`hookimpl`, :class:`PluginInfo`, :class:`NavItem`, :class:`DashboardCard`, :class:`HelpOffer`
  (:func:`help_offers`: what the region's other plugins offer for a need, :data:`HELP_NEEDS`).
- Access: :func:`public`, :func:`authenticated`, :func:`site_admin`, :func:`members`, :func:`deny`.
- Loading: :func:`region_object` (the region's row or 404, with the object-level check).
- State: :class:`Lifecycle` (guarded transitions), :func:`hold`, :class:`Refusal` (:class:`Gone`: removed
  meanwhile), :func:`refuse_duplicates`.
- Reads: :func:`render_audited`, :func:`record_read`; changes: :func:`audit`.
- Time: :func:`today`, :func:`now`, :func:`to_utc`, :func:`to_local`, :func:`format_day`, :func:`format_moment`,
  :func:`format_time`, :func:`format_moment_span` (the portal's one pattern of each, per language).
- Words: :func:`status_labels`, :func:`label_of`, :func:`role_label`, :data:`SUPPORT_AREAS`, :func:`gendered`
  (a word's form for the person spoken of, from their profile; neutral when unsaid).
- Exports: :func:`csv_response`, :class:`CalendarEntry`, :func:`calendar_response`.
- People's roles: :func:`grant_role` (an account), :func:`invite` (an address: the account at once, else an
  invitation by e-mail).
- Places: :mod:`reservations`; institutions: :class:`Institution` (staff: :class:`InstitutionStaff`),
  :func:`institutions_of` (:func:`institution_ids_of`: as SQL), :func:`is_staff_of`, :func:`region_institutions`;
  people: :func:`notify`,
  :func:`graduate_needs` (:func:`graduates_needs`: of many), :func:`demo_member`; the demo at scale:
  :class:`DemoCrowd`, :func:`bulk_insert`.
- Plugin shape: :func:`package_folders` (the folder hooks), :data:`SUPPORT_STAFF`.
- Background work: :func:`enqueue` (a job by its import path: RQ when configured, a thread otherwise); a job's
  row: :class:`JobLease` with :func:`keep_alive` and :func:`reap_lost_jobs` (a job whose process died is marked
  failed, error :data:`JOB_LOST`); :func:`pause_point` (where a fault test stops a process to kill it).
- Forms and pages: :class:`Form`, :class:`ConfirmForm`, :class:`YearsBetween`, :class:`DayField`,
  :class:`LocalTimeField`, :class:`NumberField`, :class:`PeopleField`, :func:`parse_id`,
  :func:`paginate`, :func:`redirect_to`, :func:`template_helpers`.
"""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint

from portal.accounts.demo import demo_member
from portal.accounts.invitations import invite
from portal.app.extensions import db, htmx
from portal.app.plugin_types import DashboardCard, DemoCrowd, HelpOffer, NavItem, PluginInfo
from portal.hookspecs import hookimpl
from portal.models import (ClaimStatus, Institution, InstitutionKind, InstitutionStaff, Membership,
                           MembershipStatus, Municipality, Region, ReservationClaim, ReservationResource,
                           ReservationUnit, Role, User)
from portal.models._time import utcnow
from portal.services import jobs as _jobs
from portal.services import reservations
from portal.services.audit import record as audit
from portal.services.bulk import bulk_insert
from portal.services.help_offers import HELP_NEEDS, help_offers
from portal.services.institutions import institution_ids_of, institutions_of, is_staff_of, region_institutions
from portal.services.job_lease import LOST as JOB_LOST
from portal.services.job_lease import JobLease, keep_alive
from portal.services.job_lease import reap as reap_lost_jobs
from portal.services.labels import StatusLabels, label_of, role_label, status_labels
from portal.services.locking import hold
from portal.services.notifications import notify
from portal.services.pause_points import pause_point
from portal.services.refusals import Gone, Refusal, refuse_duplicates
from portal.services.region_time import (format_day, format_moment, format_moment_span, format_span, format_time,
                                         now, region_year, to_local, to_utc, today)
from portal.services.roles import grant_role
from portal.services.support_areas import SUPPORT_AREAS, graduate_needs, graduates_needs
from portal.services.transitions import Lifecycle
from portal.services.words import gendered
from portal.web.access import authenticated, deny, members, public, site_admin
from portal.web.exports import (CalendarEntry, calendar_bytes, calendar_response, csv_response, safe_cell,
                                single_line)
from portal.web.forms import ConfirmForm, DayField, Form, LocalTimeField, NumberField, PeopleField, YearsBetween
from portal.web.http import redirect_to
from portal.web.ids import parse_id
from portal.web.loading import region_object
from portal.web.paging import paginate
from portal.web.reads import record_read, render_audited

#: The staff of a support service: who runs a plugin's daily work in a region.
SUPPORT_STAFF = ("specialist", "coordinator")


def package_folders(plugin_file: str):
    """The two folder hooks every plugin answers the same way: ``migrations/`` and ``translations/``
    next to its ``__init__.py``. ``portal_migrations_folder, portal_translations_folder = package_folders(__file__)``.
    """
    here = Path(plugin_file).resolve().parent

    @hookimpl
    def portal_migrations_folder() -> str:
        return str(here / "migrations")

    @hookimpl
    def portal_translations_folder() -> str:
        return str(here / "translations")

    return portal_migrations_folder, portal_translations_folder


def enqueue(path: str, *args) -> None:
    """Run the function at ``path`` (``"plugins.<name>.<module>.<function>"``) with ``args`` in the background.

    Pass plain values (ids), not rows: the job runs later, maybe on another machine (RQ with
    ``PORTAL_REDIS_URL``), else in a thread of this process; with its own application context and
    database session. Commit what the job must see before calling this. The tests wait for the job.
    """
    _jobs.run(path, *args)


def template_helpers(blueprint: Blueprint, **functions) -> None:
    """Functions the plugin's own templates call, visible only to its own views: two plugins cannot collide.

    Use this instead of ``app_template_global``, which puts a name in every template of the portal.
    """
    blueprint.context_processor(lambda: functions)


__all__ = [
    "CalendarEntry", "ClaimStatus", "ConfirmForm", "DashboardCard", "DayField", "DemoCrowd", "Form", "Gone", "HELP_NEEDS", "HelpOffer", "Institution", "JOB_LOST", "JobLease", "InstitutionKind",
    "InstitutionStaff", "Lifecycle", "LocalTimeField", "Membership",
    "MembershipStatus", "Municipality", "NavItem", "NumberField", "PeopleField", "PluginInfo", "Refusal", "Region", "ReservationClaim",
    "ReservationResource", "ReservationUnit", "Role", "SUPPORT_AREAS", "SUPPORT_STAFF", "StatusLabels", "User", "YearsBetween",
    "audit", "authenticated", "bulk_insert", "calendar_bytes", "calendar_response", "csv_response", "db", "demo_member", "deny", "enqueue",
    "format_day", "format_moment", "format_moment_span", "format_span", "format_time", "gendered", "grant_role",
    "graduate_needs", "graduates_needs", "keep_alive", "pause_point", "reap_lost_jobs", "help_offers", "hold", "hookimpl",
    "htmx", "invite", "label_of",
    "institution_ids_of", "institutions_of", "is_staff_of", "members", "notify", "now", "package_folders", "paginate", "parse_id", "public", "record_read", "redirect_to", "refuse_duplicates",
    "region_institutions", "region_object", "region_year", "render_audited", "reservations", "role_label", "safe_cell", "single_line",
    "site_admin", "status_labels", "template_helpers", "to_local", "to_utc", "today", "utcnow",
]

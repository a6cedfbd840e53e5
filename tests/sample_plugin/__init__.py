"""A plugin the tests register to exercise every hook of portal/hookspecs.py."""
from __future__ import annotations

import click
from flask_babel import lazy_gettext as _l

from portal.kit import DashboardCard, NavItem, PluginInfo, hookimpl, package_folders

# The two folder hooks, answered from this package: migrations/ and translations/.
portal_migrations_folder, portal_translations_folder = package_folders(__file__)
NAME = "sample"
calls: list[str] = []  # what the core asked, for the tests to see


@hookimpl
def portal_plugin_info():
    return PluginInfo(title=_l("Sample service"), description=_l("A service used by the tests."),
                      demo_regions=("belgorod",))


@hookimpl
def portal_blueprint():
    from tests.sample_plugin.views import bp

    return bp


@hookimpl
def portal_navigation(region, user):
    return [
        NavItem(_l("Sample service"), "sample.index"),
        NavItem(_l("Sample staff page"), "sample.staff", roles=("specialist", "coordinator")),
    ]


@hookimpl
def portal_dashboard_counts(region, user):
    from sqlalchemy import func, select

    from tests.sample_plugin.models import SampleNote

    return {"notes": select(func.count(SampleNote.id)).where(SampleNote.region_id == region.id)}


@hookimpl
def portal_dashboard_cards(region, user, counts):
    return [DashboardCard(title=_l("Sample service"), body=f"notes: {counts['notes']}", url=f"/{region.code}/sample/")]


@hookimpl
def portal_cli_commands():
    @click.command("sample-hello")
    def hello():
        """Say hello from the sample plugin."""
        click.echo("hello from sample")

    return [hello]


@hookimpl
def portal_demo_data(region, people, password):
    from portal.kit import db
    from tests.sample_plugin.models import SampleNote

    calls.append(f"demo:{region.code}")
    graduate = people["graduate"]
    if not SampleNote.query.filter_by(region_id=region.id, user_id=graduate.id).first():
        db.session.add(SampleNote(region_id=region.id, user_id=graduate.id, text="demo note"))


@hookimpl
def portal_demo_crowd(region, crowd):
    """A note for every tenth graduate of the crowd, in one bulk insert."""
    from portal.kit import bulk_insert
    from tests.sample_plugin.models import SampleNote

    calls.append(f"crowd:{region.code}")
    rows = [{"region_id": region.id, "user_id": user_id, "text": "crowd note"} for user_id in crowd.graduates[::10]]
    bulk_insert(SampleNote, rows)
    return {"notes": len(rows)}


@hookimpl
def portal_support_needs(graduate, region):
    from tests.sample_plugin.models import SampleNote

    notes = SampleNote.query.filter_by(region_id=region.id, user_id=graduate.id).all()
    return ["housing", "not-an-area"] if notes else []


@hookimpl
def portal_support_needs_of(graduate_ids, region):
    from tests.sample_plugin.models import SampleNote

    noted = {note.user_id for note in SampleNote.query.filter(SampleNote.region_id == region.id,
                                                              SampleNote.user_id.in_(graduate_ids))}
    return {user_id: ["housing", "not-an-area"] for user_id in noted}


@hookimpl
def portal_help_offers(region, graduate, need):
    """A note-taking offer for a housing need (the kit leaves out anything that is not a HelpOffer)."""
    from portal.kit import HelpOffer

    return [HelpOffer("Write a note", f"/{region.code}/sample/"), "not-an-offer"] if need == "housing" else []


@hookimpl
def portal_export_person(user):
    from tests.sample_plugin.models import SampleNote

    return {"notes": [n.text for n in SampleNote.query.filter_by(user_id=user.id)]}


@hookimpl
def portal_erase_person(user):
    from tests.sample_plugin.models import SampleNote

    SampleNote.query.filter_by(user_id=user.id).delete()


@hookimpl
def portal_membership_changed(membership, reason):
    calls.append(f"membership:{membership.role.value}:{membership.status.value}")


@hookimpl
def portal_audit_actions():
    return {"sample.note.viewed": _l("Sample note viewed")}


@hookimpl
def portal_in_use(region):
    from tests.sample_plugin.models import SampleNote

    count = SampleNote.query.filter_by(region_id=region.id).count()
    return [f"{count} sample notes"] if count else []

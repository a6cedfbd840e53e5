"""``portal casework …``: the registry's commands run by a schedule (cron) rather than by a person."""
from __future__ import annotations

import click
from flask.cli import with_appcontext


@click.group("casework")
def casework():
    """Case work: the graduate registry's scheduled jobs."""


@casework.command("age-out")
@click.option("--region", "region_code", default=None, help="Only this region (its code); every region otherwise.")
@with_appcontext
def age_out_command(region_code: str | None):
    """Moves every graduate of 23 to «aged out» and ends their contract (run daily; a second run changes nothing)."""
    from sqlalchemy import select

    from plugins.casework import registry
    from plugins.casework.models import GraduateRecord
    from portal.kit import Region, db, today

    regions = db.session.scalars(select(Region).where(Region.code == region_code) if region_code
                                 else select(Region).order_by(Region.id)).all()
    if region_code and not regions:
        raise click.ClickException(f"no region {region_code!r}")
    moved = 0
    for region in regions:
        day = today(region)
        for record_id in registry.due_to_age_out(region.id, day):
            record = db.session.get(GraduateRecord, record_id)
            if registry.age_out(region, record, day):
                moved += 1
            db.session.commit()  # one record at a time: a long run holds no row for long
    click.echo(f"aged out: {moved}")


@casework.command("recount")
@click.option("--region", "region_code", default=None, help="Only this region (its code); every region otherwise.")
@with_appcontext
def recount_command(region_code: str | None):
    """Counts the monitoring's kept totals again from the appeals and records (after rows were written past the
    portal, e.g. restored or loaded in bulk, or after a region's time zone changed)."""
    from sqlalchemy import select

    from plugins.casework.monitoring import tallies
    from portal.kit import Region, db

    ids = None
    if region_code:
        ids = [db.session.scalar(select(Region.id).where(Region.code == region_code))]
        if ids == [None]:
            raise click.ClickException(f"no region {region_code!r}")
    rows = tallies.recount(db.session.connection(), ids)
    db.session.commit()
    click.echo(f"monitoring totals: {rows} rows")

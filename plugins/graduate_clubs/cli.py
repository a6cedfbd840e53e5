"""``portal graduate_clubs …``: commands run by an administrator rather than by a person's page."""
from __future__ import annotations

import click
from flask.cli import with_appcontext


@click.group("graduate_clubs")
def graduate_clubs():
    """Graduate clubs: upkeep."""


@graduate_clubs.command("recount")
@click.option("--region", "region_code", default=None, help="Only this region (its code); every region otherwise.")
@with_appcontext
def recount_command(region_code: str | None):
    """Counts the events' kept figures (registrations holding a seat, who came) again from the registrations
    (after rows were written past the portal, e.g. restored or loaded in bulk)."""
    from sqlalchemy import select

    from plugins.graduate_clubs import tallies
    from portal.kit import Region, db

    ids = None
    if region_code:
        ids = list(db.session.scalars(select(Region.id).where(Region.code == region_code)))
        if not ids:
            raise click.ClickException(f"no region {region_code!r}")
    events = tallies.recount(db.session.connection(), ids)
    db.session.commit()
    click.echo(f"events counted: {events}")

"""The `portal` command: Flask's CLI with the core's commands and every plugin's."""
from __future__ import annotations

import json
import secrets
import sys
from pathlib import Path

import click
from flask.cli import FlaskGroup, with_appcontext
from flask_migrate import cli as migrate_cli
from flask_migrate import upgrade as migrate_upgrade

from portal.app.config import ConfigurationError


def _db_group() -> click.Group:
    """Flask-Migrate's commands, with `upgrade` going to every head (plugins are branches)."""
    original = migrate_cli.db
    group = click.Group("db", params=original.params, callback=original.callback,
                        help="Database migrations (Alembic via Flask-Migrate).")
    for name, command in original.commands.items():
        if name != "upgrade":
            group.add_command(command, name)

    @group.command("upgrade")
    @click.argument("revision", default="heads")
    @click.option("--sql", is_flag=True, help="Print the SQL instead of running it.")
    @with_appcontext
    def upgrade(revision: str, sql: bool):
        """Upgrade to every head: the core and each plugin's branch."""
        migrate_upgrade(revision=revision, sql=sql)

    return group


class PortalGroup(FlaskGroup):
    def get_command(self, ctx, name):
        if name == "db":
            return _db_group()
        return super().get_command(ctx, name)

    def list_commands(self, ctx):
        return sorted(set(super().list_commands(ctx)) | {"db"})


def _create_app():
    from portal import create_app

    try:
        return create_app()
    except ConfigurationError as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(2)


def main() -> None:
    PortalGroup(create_app=_create_app, add_version_option=False, load_dotenv=False,
                help="Portal: post-orphanage support services of a region.")(prog_name="portal")


def core_commands() -> list[click.Command]:
    return [demo_command, create_admin_command, grant_role_command, export_person_command, erase_person_command,
            worker_command, backup_command, restore_command]


@click.command("worker")
@click.option("--burst", is_flag=True, help="Work off what waits, then stop.")
@with_appcontext
def worker_command(burst: bool):
    """Work off the background jobs (the e-mail outbox, long work) from Redis with RQ."""
    from flask import current_app
    from rq import SimpleWorker

    from portal.services import jobs

    if not current_app.config.get("PORTAL_REDIS_URL"):
        raise click.UsageError("PORTAL_REDIS_URL is not set: without Redis, jobs run in a thread of the portal.")
    work_queue = jobs.queue()
    # SimpleWorker runs each job in this process, inside this app context, with its own session per job.
    SimpleWorker([work_queue], connection=work_queue.connection).work(burst=burst)


@click.command("demo")
@click.option("--password", default=None, help="The shared password of the demo people.")
@click.option("--force", is_flag=True, help="Load the demo outside PORTAL_ENV=development (with a random password).")
@click.option("--scale", type=click.Choice(["demo", "region", "country"]), default="demo", show_default=True,
              help="region: one region of 2,500 graduates and 600 mentors; country: 85 regions, 100,000 graduates.")
@with_appcontext
def demo_command(password: str | None, force: bool, scale: str):
    """Create the demo regions, people and every plugin's demo data (idempotent).

    The README's fixed password is published: it is used only in development. Anywhere else the
    command refuses unless given --force, and then makes up a password unless one is given.
    With --scale the demo grows to a region's or a country's size, in bulk (minutes on PostgreSQL).
    """
    from flask import current_app

    from portal.accounts.demo import DEFAULT_PASSWORD, load_demo

    development = current_app.config.get("PORTAL_ENV") == "development"
    if not development and not force:
        raise click.UsageError(
            f"PORTAL_ENV is {current_app.config.get('PORTAL_ENV')!r}: the demo creates accounts with a published "
            "password and belongs to development. Add --force to load it here anyway (with a random password).")
    password = password or (DEFAULT_PASSWORD if development else secrets.token_urlsafe(12))
    report = _demo_at_scale(scale, password) if scale != "demo" else load_demo(password)
    click.echo("Demo data is ready.")
    for region, people in report.people.items():
        click.echo(f"  {region}:")
        for role, email in people:
            click.echo(f"    {role:<13} {email}")
    if report.created_people:
        click.echo(f"  password for all of them: {password}")
    else:
        click.echo("  (the demo people existed already; their password was left as it was)")


def _demo_at_scale(scale: str, password: str):
    """The crowds of ``portal demo --scale``, timed; returns the ordinary demo's report (its logins)."""
    from portal.accounts.crowd import load_crowd

    click.echo(f"Loading the demo at the scale of a {scale}…")
    report = load_crowd(scale, password, echo=click.echo)
    made = ", ".join(f"{count:,} {name}" for name, count in sorted(report.rows.items()))
    click.echo(f"Added {report.regions} regions' crowds: {report.people:,} people, {report.audit_events:,} audit "
               f"events{', ' + made if made else ''}.")
    click.echo(f"Took {report.seconds:.0f} s ({report.demo_seconds:.0f} s of them the ordinary demo).")
    return report.demo


@click.command("create-admin")
@click.option("--email", prompt=True)
@click.option("--name", default="Site admin", show_default=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@with_appcontext
def create_admin_command(email: str, name: str, password: str):
    """Create a site admin, who creates regions."""
    from portal.accounts.passwords import hash_password
    from portal.app.extensions import db
    from portal.models import User
    from portal.models._time import utcnow

    email = email.strip().lower()
    if len(password) < 10:
        raise click.BadParameter("at least 10 characters", param_hint="--password")
    user = User.by_email(email)
    if user is None:
        user = User(email=email, name=name, password_hash=hash_password(password),
                    session_token=secrets.token_hex(16), email_confirmed_at=utcnow())  # typed by its owner
        db.session.add(user)
    user.is_site_admin = True
    db.session.commit()
    click.echo(f"Site admin {email} is ready.")


@click.command("grant-role")
@click.argument("email")
@click.argument("region_code")
@click.argument("role", type=click.Choice(["graduate", "mentor", "volunteer", "specialist", "coordinator",
                                           "region_admin", "pupil"]))
@with_appcontext
def grant_role_command(email: str, region_code: str, role: str):
    """Give a role in a region: at once to an existing account, else by an invitation mailed to EMAIL."""
    from sqlalchemy import select

    from portal.accounts import invitations
    from portal.app.extensions import db
    from portal.models import Region

    region = db.session.scalar(select(Region).where(Region.code == region_code))
    if region is None:
        raise click.ClickException(f"no region with the code {region_code}")
    from flask import current_app

    # The links in the mail are the portal's own addresses: built as a request to PORTAL_BASE_URL would.
    with current_app.test_request_context(base_url=current_app.config.get("PORTAL_BASE_URL") or None):
        user, link = invitations.invite(email, region, role)
        db.session.commit()
    if user is not None:
        click.echo(f"{user.email} is now {role} in {region.code}.")
    else:
        click.echo(f"No account has the e-mail {email.strip().lower()}: an invitation is made, valid for 7 days.")
        click.echo(f"  link: {link}")


def _person(email: str):
    from portal.models import User

    user = User.by_email(email)
    if user is None:
        raise click.ClickException(f"no account with the e-mail {email}")
    return user


@click.command("export-person")
@click.argument("email")
@with_appcontext
def export_person_command(email: str):
    """Print everything the portal holds about a person, as JSON."""
    from portal.accounts.people import export_person
    from portal.app.extensions import db
    from portal.services import audit

    user = _person(email)
    click.echo(json.dumps(export_person(user), ensure_ascii=False, indent=2, default=str))
    audit.record("person.exported", target=f"user:{user.id}")
    db.session.commit()


@click.command("erase-person")
@click.argument("email")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def erase_person_command(email: str, yes: bool):
    """Erase a person's account and what every plugin holds about them."""
    from portal.accounts.people import erase_person

    user = _person(email)
    if not yes:
        click.confirm(f"Erase {user.name} <{user.email}> and all their data?", abort=True)
    erase_person(user)
    click.echo("Erased.")


@click.command("backup")
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(target: Path):
    """Copy the whole database to a new file (SQLite: online backup; PostgreSQL: pg_dump)."""
    from portal.app.extensions import db
    from portal.services.backup import BackupError, backup

    try:
        backup(db.engine, target)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Backed up to {target}.")


@click.command("restore")
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def restore_command(source: Path, yes: bool):
    """Replace everything in the database by a backup made with `portal backup` (stop the portal first)."""
    from portal.app.extensions import db
    from portal.services.backup import BackupError, restore

    if not yes:
        click.confirm(f"Replace everything in the database by {source}?", abort=True)
    db.session.remove()
    try:
        restore(db.engine, source)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Restored from {source}.")


if __name__ == "__main__":
    main()

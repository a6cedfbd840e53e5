"""Migrations bring an empty database to the models, on SQLite and on PostgreSQL."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect

from portal import create_app
from portal.app.extensions import db
from tests import sample_plugin
from tests.conftest import TEST_SETTINGS


def test_upgraded_database_matches_the_models(app):
    """The `app` fixture upgraded an empty database to every head; autogenerate finds nothing."""
    with app.app_context():
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_every_head_is_applied(app):
    with app.app_context():
        config = app.extensions["migrate"].migrate.get_config()
        script = ScriptDirectory.from_config(config)
        heads = set(script.get_heads())
        with db.engine.connect() as connection:
            current = MigrationContext.configure(connection).get_current_heads()
        applied = {rev.revision for rev in script.iterate_revisions(current, "base")}
    assert heads <= applied
    assert {"0001_core", "s001_sample"} <= applied  # the core and the sample plugin's branch


def test_portal_db_upgrade_command_applies_every_head(tmp_path):
    url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    fresh = create_app(dict(TEST_SETTINGS, DATABASE_URL=url, INSTANCE_PATH=str(tmp_path),
                            PORTAL_EXTRA_PLUGINS=[("sample", sample_plugin)]))
    from portal.app.cli import PortalGroup

    group = PortalGroup(create_app=lambda: fresh)
    result = fresh.test_cli_runner().invoke(group, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    tables = set(inspect(create_engine(url)).get_table_names())
    assert {"region", "user_account", "membership", "audit_event", "notification", "sample_note"} <= tables

"""Fixtures: an app per database (SQLite always, PostgreSQL when configured)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from sqlalchemy import text

from tests import sample_plugin
from tests.helpers import PortalClient, make_region, make_user

ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("PORTAL_TEST_DATABASE_URL")
IN_CI = os.environ.get("CI", "").lower() == "true"
DATABASES = ["sqlite"] + (["postgresql"] if PG_URL else [])

TEST_SETTINGS = {
    "TESTING": True,
    "PORTAL_ENV": "testing",
    "SECRET_KEY": "test-secret-key",
    "PORTAL_EXTRA_PLUGINS": [("sample", sample_plugin)],
    # Cheap hashing keeps the suite fast; production uses argon2-cffi's defaults.
    "PORTAL_ARGON2_PARAMETERS": {"time_cost": 1, "memory_cost": 1024, "parallelism": 1},
    "RATELIMIT_STORAGE_URI": "memory://",
    "SERVER_NAME": None,
}


def pytest_configure(config):
    if IN_CI and not PG_URL:
        raise pytest.UsageError("CI=true needs PORTAL_TEST_DATABASE_URL: the PostgreSQL tests must run")
    compile_catalogues()


def compile_catalogues() -> None:
    """Every .po of the core, the plugins and the tests, compiled so pages are translated."""
    for po_path in list(ROOT.glob("translations/*/LC_MESSAGES/*.po")) + list(
        ROOT.glob("plugins/*/translations/*/LC_MESSAGES/*.po")
    ) + list(ROOT.glob("tests/**/translations/*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as source:
            catalog = read_po(source)
        with mo_path.open("wb") as target:
            write_mo(target, catalog)


def reset_database(db) -> None:
    engine = db.engine
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    else:
        db.drop_all()
        with engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))


def clear_tables(db) -> None:
    tables = [t for t in db.metadata.sorted_tables]
    with db.engine.begin() as conn:
        if db.engine.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(tables):
                conn.execute(table.delete())


def database_url(kind: str, tmp_path_factory) -> str:
    if kind == "postgresql":
        return PG_URL
    return f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'portal.sqlite3'}"


@pytest.fixture(scope="session", params=DATABASES)
def app(request, tmp_path_factory):
    import flask_migrate

    from portal import create_app
    from portal.app.extensions import db

    settings = dict(TEST_SETTINGS, DATABASE_URL=database_url(request.param, tmp_path_factory),
                    INSTANCE_PATH=str(tmp_path_factory.mktemp("instance")))
    application = create_app(settings)
    application.test_client_class = PortalClient
    with application.app_context():
        reset_database(db)
        db.session.remove()
        flask_migrate.upgrade(revision="heads")
    application.config["PORTAL_DATABASE_KIND"] = request.param
    return application


@pytest.fixture
def app_context(app):
    from portal.app.extensions import db, limiter

    with app.app_context():
        yield app
        db.session.remove()
        clear_tables(db)
        limiter.reset()


@pytest.fixture
def client(app_context):
    return app_context.test_client()


@pytest.fixture
def regions(app_context):
    """Belgorod and Smolensk, with every installed plugin on in both."""
    from portal.app.extensions import db
    from portal.app.plugins import plugin_host

    belgorod = make_region("belgorod", "Белгородская область", ("Белгород", "Старый Оскол"))
    smolensk = make_region("smolensk", "Смоленская область", ("Смоленск", "Вязьма"))
    for region in (belgorod, smolensk):
        for name in plugin_host().names():
            plugin_host().set_enabled(region, name, True)
    db.session.commit()
    return {"belgorod": belgorod, "smolensk": smolensk}


ROLES = ("graduate", "mentor", "volunteer", "specialist", "coordinator", "region_admin")


@pytest.fixture
def people(regions):
    """One active person of every role in Belgorod, a Smolensk region admin and a site admin."""
    belgorod, smolensk = regions["belgorod"], regions["smolensk"]
    found = {role: make_user(f"{role}@belgorod.test", {belgorod: [role]}) for role in ROLES}
    found["other_region_admin"] = make_user("region_admin@smolensk.test", {smolensk: ["region_admin"]})
    found["site_admin"] = make_user("admin@portal.test", site_admin=True)
    return found


def pytest_terminal_summary(terminalreporter):
    """Say how many tests ran on PostgreSQL and in Chromium, so CI shows they were not skipped."""
    passed = terminalreporter.stats.get("passed", [])
    postgres = sum(1 for report in passed if "[postgresql" in report.nodeid)
    browser = sum(1 for report in passed if "tests/browser/" in report.nodeid)
    terminalreporter.write_line(f"portal: {postgres} tests passed on PostgreSQL, {browser} in Chromium")

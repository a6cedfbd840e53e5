"""Fixtures: an app per database (SQLite always, PostgreSQL when configured).

Under pytest-xdist (``make test`` runs two workers) each worker has its own PostgreSQL
database, named after the configured one (``portal_test`` -> ``portal_test_gw0``) and created
when missing, its own SQLite file and instance folder (tmp_path_factory is per worker) and
its own live-server port (port 0).
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError

from tests import sample_plugin
from tests.helpers import PortalClient, make_region, make_user

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
IN_CI = os.environ.get("CI", "").lower() == "true"


def _worker_database_url(url: str | None, worker: str) -> str | None:
    """This worker's own database on the same server: two workers never share tables."""
    if not url or not worker:
        return url
    parsed = make_url(url)
    return parsed.set(database=f"{parsed.database}_{worker}").render_as_string(hide_password=False)


PG_URL = _worker_database_url(os.environ.get("PORTAL_TEST_DATABASE_URL"), WORKER)
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
    if IN_CI and not Path(CHROMIUM).exists():  # here too: under xdist the workers collect, not this process
        raise pytest.UsageError(f"CI=true but {CHROMIUM} is missing: the browser tests must run, "
                                "not be skipped (apt-get install -y chromium)")
    if not WORKER:  # the controller (or a plain run) compiles once, before the workers start
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


# PostgreSQL: the identity sequences (and their tables) that have handed out a number since they
# were last reset (a rolled-back insert leaves its table empty but its sequence moved on).
MOVED_SEQUENCES = """
SELECT t.relname, s.oid::regclass::text FROM pg_class s
JOIN pg_namespace n ON n.oid = s.relnamespace AND n.nspname = current_schema()
JOIN pg_depend d ON d.objid = s.oid AND d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass
JOIN pg_class t ON t.oid = d.refobjid
WHERE CASE WHEN s.relkind = 'S' THEN pg_sequence_last_value(s.oid) END IS NOT NULL  -- CASE: asked of sequences only
"""


def _written_tables(conn, tables) -> tuple[set[str], list[str]]:
    """The tables a test left rows in, and on PostgreSQL the sequences it drew ids from: one query each.

    Asked of the database, not tracked in this process, so writes by the live server,
    threads and subprocesses count too.
    """
    probes = " UNION ALL ".join(f"SELECT '{t.name}' WHERE EXISTS (SELECT 1 FROM \"{t.name}\")" for t in tables)
    written = {row[0] for row in conn.execute(text(probes))}
    sequences = []
    if conn.dialect.name == "postgresql":
        for table, sequence in conn.execute(text(MOVED_SEQUENCES)):
            written.add(table)
            sequences.append(sequence)
    return written, sequences


def clear_tables(db) -> None:
    """Every table as the migrations left it: empty, and on PostgreSQL its ids starting from 1 again.

    DELETE, children first, of the tables that have rows: on PostgreSQL a TRUNCATE gives every
    table and index new files and took 1-2 s after each test, a DELETE of a test's few rows
    ~50 ms. Should rows ever refer to each other in a circle, TRUNCATE ... CASCADE clears them.
    """
    tables = list(db.metadata.sorted_tables)
    with db.engine.connect() as conn:
        written, sequences = _written_tables(conn, tables)
        conn.rollback()
        if not written:
            return
        try:
            with conn.begin():
                if conn.dialect.name == "postgresql" and \
                        conn.scalar(text("SELECT current_setting('is_superuser')")) == "on":
                    # Every row of these tables goes, children first: checking each deleted row's references
                    # (a trigger a row, a scan where the referring column has no index) took 30-76 s after the
                    # test with thousands of rows. Only for this transaction, and only a superuser may.
                    conn.execute(text("SET LOCAL session_replication_role = replica"))
                for table in reversed(tables):
                    if table.name in written:
                        conn.execute(table.delete())
        except IntegrityError:
            names = ", ".join(f'"{t.name}"' for t in tables if t.name in written)
            with conn.begin():
                conn.execute(text(f"TRUNCATE {names} CASCADE"))
        if sequences:
            with conn.begin():
                conn.execute(text("SELECT setval(CAST(name AS regclass), 1, false) FROM unnest(CAST(:names AS text[])) "
                                  "AS name"), {"names": sequences})


def _ensure_database(url: str) -> None:
    """Creates this worker's PostgreSQL database when the server has none of that name."""
    target = make_url(url)
    server = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as conn:
            if conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": target.database}):
                return
            conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    finally:
        server.dispose()


def database_url(kind: str, tmp_path_factory) -> str:
    if kind == "postgresql":
        if WORKER:
            _ensure_database(PG_URL)
        return PG_URL
    return f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'portal.sqlite3'}"


@pytest.fixture(scope="session", params=DATABASES)
def app(request, tmp_path_factory):
    import flask_migrate

    from portal import create_app
    from portal.app.extensions import db

    settings = dict(TEST_SETTINGS, DATABASE_URL=database_url(request.param, tmp_path_factory),
                    INSTANCE_PATH=str(tmp_path_factory.mktemp("instance")))
    # The at_once tests start 40 threads against a pool of 15: on a loaded machine the last ones wait
    # longer than the default 30 s for a connection, which is the machine's slowness, not the race tested.
    settings["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_pre_ping": True, "pool_timeout": 180}
    if request.param == "postgresql":
        # A commit need not wait for its WAL to reach the disk (~10 ms each here): a crash of the
        # test server is the only thing that would notice. What other sessions see is unchanged.
        settings["SQLALCHEMY_ENGINE_OPTIONS"]["connect_args"] = {"options": "-c synchronous_commit=off"}
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


def _table_rows(db) -> list[tuple]:
    with db.engine.connect() as conn:
        return [(table, [dict(row) for row in conn.execute(table.select()).mappings()])
                for table in db.metadata.sorted_tables]


def _put_back(db, snapshot) -> None:
    """Writes the rows back in dependency order; PostgreSQL's sequences go on after the highest id."""
    with db.engine.begin() as conn:
        for table, rows in snapshot:
            if not rows:
                continue
            conn.execute(table.insert(), rows)
            column = table.autoincrement_column
            if conn.dialect.name == "postgresql" and column is not None:
                conn.execute(text(f'SELECT setval(pg_get_serial_sequence(:table, :column), '
                                  f'(SELECT max("{column.name}") FROM "{table.name}"))'),
                             {"table": f'"{table.name}"', "column": column.name})


@pytest.fixture
def demo(app_context):
    """The demo data exactly as ``load_demo()`` writes it into empty tables.

    It is loaded for real once per database (and worker), which takes 10-15 s, and its rows are
    kept; later tests get the same rows written back in a fraction of a second. The demo
    itself (that it loads, twice without duplicates, from the command line) is tested in
    tests/portal/test_demo_and_cli.py and the plugins' demo tests, with the real load.
    """
    from portal.accounts.demo import load_demo
    from portal.app.extensions import db

    app = app_context
    snapshot = app.extensions.get("tests_demo_rows")
    if snapshot is not None:
        _put_back(db, snapshot)
        return
    with db.engine.connect() as conn:
        empty = not any(_written_tables(conn, db.metadata.sorted_tables))
    load_demo()
    db.session.commit()
    if empty:  # only the demo's own rows are worth keeping
        app.extensions["tests_demo_rows"] = _table_rows(db)


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
    factory = getattr(terminalreporter.config, "_tmp_path_factory", None)
    folder = Path(os.environ.get("PORTAL_SCREENSHOTS") or
                  (factory.getbasetemp() / "screenshots" if factory is not None else ""))
    if str(folder) and folder.is_dir() and any(folder.glob("*.png")):
        terminalreporter.write_line(f"portal: screenshots of the main pages (1280 and 390 px) in {folder}")

"""Backup and restore of the whole database, with the tools each database trusts.

SQLite: the online backup API (a consistent copy while the portal serves). PostgreSQL: ``pg_dump`` in its
custom format and ``pg_restore`` (one transaction: a restore that fails leaves the database as it was).
A file of one kind is refused by the other, with the reason, before anything is touched.
"""
from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import Engine

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"


class BackupError(Exception):
    """Why a backup or restore could not be done, in words for the person at the console."""


def _libpq_url(engine: Engine) -> str:
    return engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client)")
    return found


def _run(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(done.stderr.strip() or f"{command[0]} failed with code {done.returncode}")


def backup(engine: Engine, target: Path) -> Path:
    """Write a copy of the database to ``target`` (a new file; an existing one is refused)."""
    target = Path(target)
    if target.exists():
        raise BackupError(f"{target} exists already: choose a new file name")
    target.parent.mkdir(parents=True, exist_ok=True)
    if engine.dialect.name == "sqlite":
        source = engine.raw_connection()
        try:
            copy = sqlite3.connect(target)
            try:
                source.driver_connection.backup(copy)
            finally:
                copy.close()
        finally:
            source.close()
    elif engine.dialect.name == "postgresql":
        _run([_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", f"--file={target}",
              f"--dbname={_libpq_url(engine)}"])
    else:
        raise BackupError(f"no backup for the {engine.dialect.name} database")
    return target


def _kind_of(path: Path) -> str:
    with path.open("rb") as file:
        head = file.read(16)
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_MAGIC):
        return "postgresql"
    return "unknown"


def restore(engine: Engine, source: Path) -> None:
    """Replace the database's contents by the backup's. The caller has confirmed; connections are closed first."""
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"{source} is not a file")
    kind = _kind_of(source)
    if kind != engine.dialect.name:
        raise BackupError(f"{source} is not a {engine.dialect.name} backup made by `portal backup` (it looks like: {kind})")
    engine.dispose()  # nothing of ours holds a lock on what the restore replaces
    if kind == "sqlite":
        backup_copy = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            target = engine.raw_connection()
            try:
                backup_copy.backup(target.driver_connection)
            finally:
                target.close()
        finally:
            backup_copy.close()
    else:
        _run([_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
              "--exit-on-error", f"--dbname={_libpq_url(engine)}", str(source)])
    engine.dispose()

"""`portal backup` and `portal restore`: a round trip finds every row again, on both databases."""
from __future__ import annotations

from sqlalchemy import func, select

from portal.app.extensions import db
from portal.models import AuditEvent, Region, User
from tests.helpers import make_user


def _rows():
    return {"users": sorted(db.session.scalars(select(User.email))),
            "regions": sorted(db.session.scalars(select(Region.code))),
            "audit": db.session.scalar(select(func.count()).select_from(AuditEvent))}


def test_a_backup_restores_every_row(app, people, tmp_path):
    runner = app.test_cli_runner()
    db.session.commit()
    before = _rows()
    target = tmp_path / "portal.backup"
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    assert target.stat().st_size > 0

    make_user("after-the-backup@belgorod.test")
    db.session.delete(db.session.scalars(select(User).filter_by(email="mentor@belgorod.test")).one())
    db.session.commit()
    assert _rows() != before
    db.session.remove()

    result = runner.invoke(args=["restore", str(target), "--yes"])
    assert result.exit_code == 0, result.output
    db.session.remove()
    assert _rows() == before
    # The restored database serves again: a person signs in.
    client = app.test_client()
    client.login_as(db.session.scalars(select(User).filter_by(email="coordinator@belgorod.test")).one())
    assert client.get("/belgorod/").status_code in (200, 302)


def test_restore_refuses_what_is_no_backup_of_this_database(app, people, tmp_path):
    runner = app.test_cli_runner()
    junk = tmp_path / "notes.txt"
    junk.write_text("not a backup")
    result = runner.invoke(args=["restore", str(junk), "--yes"])
    assert result.exit_code != 0 and "is not a" in result.output
    assert db.session.scalar(select(func.count()).select_from(User)) == len(people)
    result = runner.invoke(args=["restore", str(tmp_path / "missing.backup"), "--yes"])
    assert result.exit_code != 0 and "is not a file" in result.output


def test_a_backup_never_overwrites_a_file(app, people, tmp_path):
    existing = tmp_path / "old.backup"
    existing.write_bytes(b"keep me")
    result = app.test_cli_runner().invoke(args=["backup", str(existing)])
    assert result.exit_code != 0 and "exists already" in result.output
    assert existing.read_bytes() == b"keep me"

"""A trained model is stored as JSON numbers; a pickle stored before ms004 is discarded, never unpickled."""
from __future__ import annotations

import pickle

from sqlalchemy import create_engine, inspect, text

from portal import create_app
from tests.conftest import TEST_SETTINGS


class _Trap:
    """Unpickling this writes a file: the proof that nobody unpickled the old payload."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __reduce__(self):
        return (open, (self.path, "w"))


def test_a_stored_pickle_is_discarded_by_the_migration(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    app = create_app(dict(TEST_SETTINGS, DATABASE_URL=url, INSTANCE_PATH=str(tmp_path)))
    from portal.app.cli import PortalGroup

    group = PortalGroup(create_app=lambda: app)
    runner = app.test_cli_runner()
    before = runner.invoke(group, ["db", "upgrade", "ms003_flags_and_erased_mentors"])
    assert before.exit_code == 0, before.output
    trap = tmp_path / "unpickled"
    engine = create_engine(url)
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")  # no region needed for the old row
        connection.execute(text("INSERT INTO mentorship_trained_model (region_id, version, decisions, trained_at, "
                                "payload) VALUES (1, 1, 12, '2026-11-30 10:00:00', :payload)"),
                           {"payload": pickle.dumps(_Trap(str(trap)))})
        connection.commit()
    after = runner.invoke(group, ["db", "upgrade"])
    assert after.exit_code == 0, after.output
    columns = {c["name"] for c in inspect(create_engine(url)).get_columns("mentorship_trained_model")}
    assert "model" in columns and "payload" not in columns
    with create_engine(url).connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM mentorship_trained_model")).scalar() == 0
    assert not trap.exists()

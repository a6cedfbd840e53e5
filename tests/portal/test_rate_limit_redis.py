"""With Redis as the limiter's storage, failed sign-ins count across worker processes."""
from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("PORTAL_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")

WORKER = """
import sys
import flask_migrate
from portal import create_app
from portal.app.extensions import db
app = create_app({
    "SECRET_KEY": "test", "PORTAL_ENV": "testing", "WTF_CSRF_ENABLED": False,
    "PORTAL_LOAD_ENTRY_POINTS": False, "DATABASE_URL": sys.argv[1],
    "RATELIMIT_STORAGE_URI": sys.argv[2], "RATELIMIT_KEY_PREFIX": sys.argv[3],
})
with app.app_context():
    flask_migrate.upgrade(revision="heads")
client = app.test_client()
codes = [client.post("/login", data={"email": "someone@example.org", "password": "not the password"}).status_code
         for _ in range(int(sys.argv[4]))]
print(" ".join(map(str, codes)))
"""


def _redis_answers() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping())
    except Exception:
        return False


def _worker(database: str, prefix: str, attempts: int) -> list[int]:
    result = subprocess.run(
        [sys.executable, "-c", WORKER, database, REDIS_URL, prefix, str(attempts)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return [int(code) for code in result.stdout.split()]


def test_failed_sign_ins_are_counted_across_processes(tmp_path):
    if not _redis_answers():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"Redis does not answer at {REDIS_URL}; .ci/run should have started it")
        pytest.skip(f"Redis does not answer at {REDIS_URL}")
    database = f"sqlite:///{tmp_path / 'workers.sqlite3'}"
    prefix = f"portal-test-{uuid.uuid4().hex}"
    assert _worker(database, prefix, 3) == [200, 200, 200]
    # A second process, sharing only Redis, sees the first one's failures.
    assert _worker(database, prefix, 3) == [200, 200, 429]

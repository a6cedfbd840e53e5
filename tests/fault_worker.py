"""A real process of the portal for the fault tests: it serves one request or runs one job until a pause point.

``python -m tests.fault_worker <database url> <instance path> <what> <json args>``, with ``PORTAL_PAUSE_AT`` and
``PORTAL_PAUSE_SIGNAL`` set: it stops at the point (its writes flushed, not committed) and the test kills it.
"""
from __future__ import annotations

import json
import sys


def main(database_url: str, instance_path: str, what: str, args: dict) -> None:
    from portal import create_app
    from portal.app.extensions import db
    from portal.models import User
    from tests.conftest import TEST_SETTINGS
    from tests.helpers import PortalClient

    app = create_app(dict(TEST_SETTINGS, DATABASE_URL=database_url, INSTANCE_PATH=instance_path))
    app.test_client_class = PortalClient
    if what == "request":  # a web worker serving a signed-in person's form
        client = app.test_client()
        with app.app_context():
            client.login_as(db.session.get(User, args["user_id"]))
        client.post(args["path"], data=args["data"])
    elif what == "job":  # a worker running a background job
        from portal.services.jobs import run_in_app

        run_in_app(app, args["path"], *args["args"])
    raise SystemExit(f"{what} ended without reaching its pause point")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4]))

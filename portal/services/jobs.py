"""Background jobs: work that may take more than a second never runs inside a request.

With ``PORTAL_REDIS_URL`` the job goes to RQ (``portal worker`` works the queue, on any
machine); without Redis it runs in a thread of this process after the request has its answer.
``PORTAL_JOBS=inline`` (the tests) runs it in a thread and waits, so a test sees its effect.
A job is named by its import path (``"portal.services.outbox.deliver_pending"``) and runs with
an application context and a database session of its own.
"""
from __future__ import annotations

import importlib
import threading

from flask import current_app


def _function(path: str):
    module, _, name = path.rpartition(".")
    return getattr(importlib.import_module(module), name)


def mode(app=None) -> str:
    config = (app or current_app).config
    return config.get("PORTAL_JOBS") or ("rq" if config.get("PORTAL_REDIS_URL") else "thread")


def queue(app=None):
    """The RQ queue of this portal (RQ and redis are installed with the ``production`` extra)."""
    from redis import Redis
    from rq import Queue

    config = (app or current_app).config
    return Queue(config["PORTAL_JOBS_QUEUE"], connection=Redis.from_url(config["PORTAL_REDIS_URL"]))


def run_in_app(app, path: str, *args) -> None:
    """Run the job with its own application context (and so its own database session)."""
    from portal.app.extensions import db

    with app.app_context():
        try:
            _function(path)(*args)
        except Exception:
            db.session.rollback()
            app.logger.exception("background job %s failed", path)
        finally:
            db.session.remove()


def run_job(path: str, *args) -> None:
    """What an RQ worker runs (``portal worker`` gives it the application)."""
    run_in_app(current_app._get_current_object(), path, *args)


def run(path: str, *args) -> None:
    """Start the job ``path`` with ``args`` (plain values: ids, not rows) in the background."""
    app = current_app._get_current_object()
    how = mode(app)
    if how == "rq":
        queue(app).enqueue("portal.services.jobs.run_job", path, *args)
        return
    worker = threading.Thread(target=run_in_app, args=(app, path, *args), daemon=True, name=f"job {path}")
    worker.start()
    if how == "inline":
        worker.join()

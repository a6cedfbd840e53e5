"""Named points in the middle of a change where a fault test stops a real process to kill it.

``PORTAL_PAUSE_AT=<name>`` and ``PORTAL_PAUSE_SIGNAL=<file>`` in the environment of a process: when it
reaches :func:`pause_point` ``name`` it flushes its session (the writes are in the database, the
transaction open), writes its pid into the file and waits for ever, until the test kills it (SIGKILL).
Without them it costs one lookup.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path


def pause_point(name: str) -> None:
    if os.environ.get("PORTAL_PAUSE_AT") != name:
        return
    from portal.app.extensions import db

    db.session.flush()
    signal = Path(os.environ["PORTAL_PAUSE_SIGNAL"])
    written = signal.with_name(signal.name + ".part")
    written.write_text(str(os.getpid()))
    os.replace(written, signal)  # the test sees the file whole or not at all
    threading.Event().wait()  # nobody sets it: the test ends this process

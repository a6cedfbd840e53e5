"""Pages that show a graduate's data write their audit line where they are rendered.

A view that renders the page again after a form error, or an htmx partial of the same record,
goes through the same call, so no path shows the record without a trace of who saw it.
"""
from __future__ import annotations

from typing import Any, Iterable

from flask import g, render_template

from portal.app.extensions import db
from portal.services import audit


def _ids(people: Iterable[Any]) -> list[int]:
    return sorted({getattr(person, "id", person) for person in people if person is not None})


def record_read(action: str, target: str, *, subject=None, names: Iterable[Any] = (), details: dict | None = None,
                region=None) -> None:
    """The audit line of a read; ``names``: the graduates (people or ids) a list shows."""
    found = dict(details or {})
    named = _ids(names)
    if named:
        found["graduates"] = named
    audit.record(action, target=target, region=region if region is not None else g.get("region"),
                 subject=subject, details=found)


def render_audited(template: str, *, action: str, target: str, subject=None, names: Iterable[Any] = (),
                   details: dict | None = None, status: int = 200, audit_if: bool = True, **context):
    """Render ``template`` and write the read to the audit log, then commit.

    The line is written after rendering: a commit before would expire every row on the page and
    reload each one. ``audit_if`` false renders without a line (a graduate reading their own record).

    :return: (page, status) for the view to return.
    """
    page = render_template(template, **context)
    if audit_if:
        record_read(action, target, subject=subject, names=names, details=details)
        db.session.commit()
    return page, status

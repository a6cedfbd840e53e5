"""Guarded status changes: hold the row, read its status again, then change it.

Checking a status in Python and then writing lets two people both succeed: two staff confirm
one request onto two beds, one coordinator approves while another rejects. A
:class:`Lifecycle` names each move (from which states to which), and :meth:`Lifecycle.apply`
takes the row first (``portal.services.locking.hold``), so the second person waits for the
first, sees the status the first left, and is refused with a clear message. Every move is
written to the audit log with the status before and after.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

from flask_babel import lazy_gettext as _l

from portal.services import audit
from portal.services.labels import label_of
from portal.services.locking import hold
from portal.services.refusals import Refusal

MOVED_ON = _l("This has just changed: it is now «%(status)s». Reload the page to see it as it is.")


@dataclass(frozen=True)
class Move:
    name: str
    sources: frozenset
    target: Any
    refused: Any = None  # a lazy_gettext message; MOVED_ON when not given


class Lifecycle:
    """The moves a record's status may make, e.g. a stay: requested → confirmed → checked in → out.

    :param audit_prefix: audit actions are ``<audit_prefix>.<move name>``.
    :param target_prefix: the audit target is ``<target_prefix>:<row id>``.
    :param attribute: the status column.
    """

    def __init__(self, audit_prefix: str, target_prefix: str, attribute: str = "status"):
        self.audit_prefix, self.target_prefix, self.attribute = audit_prefix, target_prefix, attribute
        self.moves: dict[str, Move] = {}

    def move(self, name: str, sources: Iterable[Any], target: Any = None, refused: Any = None) -> Move:
        """Allow ``name`` from ``sources`` to ``target``; no target: a change within the state
        (a stay extended or moved keeps the status it has), guarded and audited all the same."""
        found = Move(name, frozenset(sources), target, refused)
        self.moves[name] = found
        return found

    def can(self, row, name: str) -> bool:
        """Whether ``name`` is allowed from the row's status as loaded (to offer a button, not to decide)."""
        return getattr(row, self.attribute) in self.moves[name].sources

    def apply(self, row, name: str, *, region=None, subject=None, details: dict | None = None,
              record: bool = True) -> Any:
        """Move the row (held until the transaction ends); returns the status it had.

        :raises Refusal: the status, as the database has it now, does not allow the move.
        """
        move = self.moves[name]
        hold(row)
        current = getattr(row, self.attribute)
        if current not in move.sources:
            raise Refusal(move.refused or MOVED_ON % {"status": label_of(current)})
        after = current if move.target is None else move.target
        setattr(row, self.attribute, after)
        if record:
            audit.record(f"{self.audit_prefix}.{name}", target=f"{self.target_prefix}:{row.id}", region=region,
                         subject=subject, details={"from": _value(current), "to": _value(after),
                                                   **(details or {})})
        return current


def _value(status) -> str:
    return getattr(status, "value", str(status))

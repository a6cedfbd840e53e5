"""Refusals: the one way the rules say "no", with a message for the person.

A service raises :class:`Refusal` with a translated message (and, when it is about one form
field, that field's name); views show it next to the field or as the page's message, and the
core renders any refusal a view did not catch the same way everywhere (``portal.web.errors``).
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from portal.app.extensions import db
from portal.services.locking import open_transaction


class Refusal(Exception):
    """Why something cannot be done, in the user's language; ``field``: the form field it is about."""

    def __init__(self, message: Any, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return str(self.message)

    def show_on(self, form, default: str | None = None) -> None:
        """Put the message next to its field (or ``default``, or the form's first field)."""
        name = self.field if self.field in form else default
        field = form[name] if name in form else next(iter(form))
        field.errors = [*field.errors, str(self)]


class Gone(Refusal):
    """The record was removed a moment ago by someone else (found when holding its row)."""

    def __init__(self):
        super().__init__(_l("This has just been removed by someone else. Reload the page to see what is there now."))


@contextmanager
def refuse_duplicates(message: Any, field: str | None = None):
    """Inserts that a unique key may refuse: a double click becomes the same refusal as the check before it.

    The block runs under a savepoint, so the caller's other changes survive the conflict.
    """
    open_transaction()
    try:
        with db.session.begin_nested():
            yield
    except IntegrityError:
        raise Refusal(message, field) from None

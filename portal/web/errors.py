"""Friendly error pages in the user's language; a 500 shows an id, never a trace."""
from __future__ import annotations

import uuid

from flask import Flask, current_app, render_template
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import IntegrityError, OperationalError
from werkzeug.exceptions import HTTPException

from portal.app.extensions import htmx
from portal.services.refusals import Refusal

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Please go back and try again.")),
    403: (_l("Access denied"), _l("Your role in this region does not give access to this page.")),
    404: (_l("Page not found"), _l("There is no such page here, or the service is not available in this region.")),
    405: (_l("Not allowed"), _l("This address does not accept this kind of request.")),
    409: (_l("Already done"), _l("This was just done, perhaps by a second click or by someone else. "
                                 "Reload the page to see it as it is now.")),
    422: (_l("Not possible"), _l("This cannot be done.")),
    429: (_l("Too many attempts"), _l("Too many attempts in a short time. Please wait a minute and try again.")),
    503: (_l("The portal is not answering for a moment"),
          _l("Its database is not answering right now, perhaps while it restarts. Nothing you sent was half-saved: "
             "please try again in a minute.")),
    500: (_l("Something went wrong"), _l("An error occurred on our side. It has been recorded; please try again later.")),
}


def _page(status: int, error_id: str | None = None, message=None):
    """The error page; for htmx, only its message, which base.html's htmx config puts in #request-error.

    Without it a refused htmx click (an expired form, a lost right) would change nothing on screen.
    """
    title, text = MESSAGES.get(status, MESSAGES[500] if status >= 500 else MESSAGES[400])
    template = "errors/partial.html" if htmx else "errors/error.html"
    try:
        return render_template(
            template, status=status, title=title, text=message or text, error_id=error_id
        ), status
    except Exception:  # the layout itself failed: answer plainly rather than not at all
        current_app.logger.exception("error page failed")
        return f"{status} {title}. {error_id or ''}", status, {"Content-Type": "text/plain; charset=utf-8"}


def _unavailable(error: OperationalError) -> bool:
    """A database that does not answer (down, restarting, locked), not a mistake in a query."""
    if error.connection_invalidated:
        return True
    message = str(error.orig).lower()
    if type(error.orig).__module__.startswith("sqlite3"):
        return "locked" in message or "unable to open" in message or "disk i/o" in message
    return "no such table" not in message and "syntax" not in message


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return _page(400, message=_l("The form has expired or was not sent from this site. "
                                     "Please reload the page and try again."))

    @app.errorhandler(Refusal)
    def refused(refusal: Refusal):
        """A refusal no view caught: its message, on the page or in #request-error for htmx."""
        from portal.app.extensions import db

        db.session.rollback()
        return _page(422, message=str(refusal))

    @app.errorhandler(IntegrityError)
    def conflict(error: IntegrityError):
        """A unique key refused a second, identical change (a double click): say so, never a 500."""
        from portal.app.extensions import db

        db.session.rollback()
        app.logger.warning("conflict answered with 409: %s", error.orig)
        return _page(409)

    @app.errorhandler(OperationalError)
    def database_down(error: OperationalError):
        """The database went away (a restart, a lost connection): a plain page that needs no database.

        The pool checks each connection before use (``pool_pre_ping``), so once the database is back
        the next request is served as usual, without restarting the portal.
        """
        from flask import g

        from portal.app.extensions import db, login_manager

        if not _unavailable(error):
            return unexpected(error)
        app.logger.warning("database unavailable: %s", error.orig)
        try:
            db.session.rollback()
        except Exception:  # the connection is gone; the session is thrown away below
            pass
        db.session.remove()
        if "_login_user" not in g:  # nobody could be loaded: the page is anonymous
            g._login_user = login_manager.anonymous_user()
        title, text = MESSAGES[503]
        try:
            body = (render_template("errors/partial.html", status=503, title=title, text=text, error_id=None)
                    if htmx else render_template("errors/unavailable.html", title=title, text=text))
        except Exception:
            app.logger.exception("the unavailable page failed")
            body = f"503 {title}. {text}"
        return body, 503, {"Retry-After": "30"}

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code and error.code < 400:
            return error
        return _page(error.code or 500)

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        from portal.app.extensions import db

        error_id = uuid.uuid4().hex[:12]
        app.logger.exception("unexpected error %s", error_id)
        db.session.rollback()
        return _page(500, error_id=error_id)

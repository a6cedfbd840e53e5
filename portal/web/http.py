"""Answers that work the same for a full page and for an htmx request."""
from __future__ import annotations

from flask import Response, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import login_fresh

from portal.app.extensions import htmx


def redirect_to(url: str) -> Response:
    """A redirect the browser follows as a whole page, also when htmx asked."""
    if htmx:
        response = Response(status=204)
        response.headers["HX-Redirect"] = url
        return response
    return redirect(url)


def require_fresh_login(back_to: str) -> Response | None:
    """Sensitive changes need a recent password; None when it is recent enough."""
    if login_fresh():
        return None
    flash(_("Please confirm your password to continue."), "info")
    return redirect_to(url_for("auth.reauthenticate", next=back_to))

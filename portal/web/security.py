"""Headers, session limits and safe redirects (OWASP ASVS level 2 where it applies)."""
from __future__ import annotations

from datetime import datetime, timezone
from urllib.parse import urlsplit

from flask import Flask, flash, redirect, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_babel import gettext as _
from flask_login import current_user, logout_user, user_loaded_from_cookie

from portal.app.extensions import login_manager

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


class PortalSessionInterface(SecureCookieSessionInterface):
    """Secure cookies whenever the request came over HTTPS, or when configured."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"] or request.is_secure)


def safe_next(target: str | None, fallback: str) -> str:
    """Only local paths: the `next` parameter never sends anyone off-site."""
    if not target or any(ord(c) < 32 or ord(c) == 127 for c in target.strip()):
        return fallback  # a line break in a redirect would split the response's headers
    target = target.strip().replace("\\", "/")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return fallback
    return target


def _now() -> float:
    return datetime.now(timezone.utc).timestamp()


def start_session(user, fresh: bool = True) -> None:
    """Called right after login: the time stamps the limits are measured from."""
    now = _now()
    session["login_at"] = now
    session["seen_at"] = now
    if fresh:
        session["fresh_at"] = now


def _enforce_session_limits(app: Flask):
    if not current_user.is_authenticated:
        return None
    now = _now()
    fresh_at = session.get("fresh_at")
    window = app.config["PORTAL_FRESH_LOGIN_WINDOW"].total_seconds()
    if session.get("_fresh") and (fresh_at is None or now - fresh_at > window):
        session["_fresh"] = False
    if current_user.is_staff:
        idle = app.config["PORTAL_STAFF_IDLE_TIMEOUT"].total_seconds()
        absolute = app.config["PORTAL_STAFF_ABSOLUTE_TIMEOUT"].total_seconds()
        login_at = session.get("login_at", 0)
        seen_at = session.get("seen_at", 0)
        if now - seen_at > idle or now - login_at > absolute:
            from portal.services.audit import record

            record("session.expired", target=f"user:{current_user.id}", commit=True)
            logout_user()
            session.clear()
            flash(_("Your session has ended. Please sign in again."), "info")
            return redirect(url_for("auth.login", next=request.full_path if request.method == "GET" else None))
    session["seen_at"] = now
    return None


def _security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    if request.endpoint != "static" and not request.path.startswith("/static/"):
        # Pages carry personal data: never keep them in a browser or proxy cache.
        headers["Cache-Control"] = "no-store"
        headers["Pragma"] = "no-cache"
    return response


def _restore_remembered_session(app, user):
    """A session brought back by "remember me": never for staff, never fresh, bound to this client.

    Staff sessions must start with a password, so their limits mean something. Flask-Login
    does not stamp a restored session with the client's identifier, and the "strong"
    protection would then end it on the very next request.
    """
    if user.is_staff:
        logout_user()
        return
    session["_id"] = login_manager._session_identifier_generator()
    start_session(user, fresh=False)


def init_app(app: Flask) -> None:
    app.session_interface = PortalSessionInterface()
    app.before_request(lambda: _enforce_session_limits(app))
    app.after_request(_security_headers)
    user_loaded_from_cookie.connect(_restore_remembered_session, app)

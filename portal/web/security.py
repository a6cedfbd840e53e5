"""Headers, session limits and safe redirects (OWASP ASVS level 2 where it applies)."""
from __future__ import annotations

from datetime import datetime, timezone
from urllib.parse import urlsplit

from flask import Flask, after_this_request, current_app, flash, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, logout_user, user_loaded_from_cookie, user_logged_in

from portal.accounts import sessions
from portal.app.extensions import db, login_manager
from portal.services import audit
from portal.web import access
from portal.web.http import redirect_to
from portal.web.i18n import LANGUAGE_COOKIE, set_language_cookie

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


def sign_out(keep_language: bool = True) -> None:
    """Forgets the session and asks the browser to delete the remember-me cookie.

    In this order: Flask-Login's request to delete the cookie is a mark in the session, which
    clearing the session afterwards would remove, and the cookie would sign the person in again.
    The person's language stays: for the rest of this request (its messages) and, in the
    language cookie, for the pages they see signed out.
    """
    if keep_language:
        language = str(get_locale())
        if current_user.is_authenticated and request.cookies.get(LANGUAGE_COOKIE) != language:
            after_this_request(lambda response: set_language_cookie(response, language))
    session.clear()
    logout_user()


def _public_page() -> bool:
    view = current_app.view_functions.get(request.endpoint or "")
    policy = getattr(view, "access_policy", None)
    return policy is None or policy.kind == access.PUBLIC


def _to_sign_in():
    return redirect_to(url_for("auth.login", next=request.full_path if request.method == "GET" else None))


def _refuse_session(claimed: str):
    """A cookie named a session that opens nothing (ended, expired, another network): signed out for good."""
    if sessions.end_refused(claimed):
        db.session.commit()
    sign_out()
    flash(_("Your session has ended. Please sign in again."), "info")
    return None if _public_page() else _to_sign_in()


def _enforce_session_limits(app: Flask):
    claimed = session.get("_user_id")  # read first: Flask-Login drops it when the session moved
    if not current_user.is_authenticated:
        claimed = claimed or session.get("_user_id")  # or a remember-me cookie named it
        return _refuse_session(claimed) if claimed else None
    user = current_user._get_current_object()
    if user.current_session is None or user.current_session.ended_at is not None:
        return _refuse_session(claimed or "")  # e.g. a remember-me cookie refused as it was read
    now = _now()
    fresh_at = session.get("fresh_at")
    window = app.config["PORTAL_FRESH_LOGIN_WINDOW"].total_seconds()
    if session.get("_fresh") and (fresh_at is None or now - fresh_at > window):
        session["_fresh"] = False
    if sessions.short_sessions(user):
        idle = app.config["PORTAL_STAFF_IDLE_TIMEOUT"].total_seconds()
        absolute = app.config["PORTAL_STAFF_ABSOLUTE_TIMEOUT"].total_seconds()
        login_at = session.get("login_at", 0)
        seen_at = session.get("seen_at", 0)
        if now - seen_at > idle or now - login_at > absolute:
            sessions.end_session(user.current_session, "expired")
            audit.record("session.expired", target=f"user:{user.id}", commit=True)
            sign_out()
            flash(_("Your session has ended. Please sign in again."), "info")
            return _to_sign_in()
    if sessions.touch(user.current_session):
        db.session.commit()
    if now - session.get("seen_at", 0) >= sessions.TOUCH_EVERY.total_seconds():
        # Moved on at most once a minute, as the row's last-seen is: a cookie that did not change is not signed
        # and sent again. The idle limit then counts from up to a minute earlier (ends early, never late).
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
    """A session brought back by "remember me": never for staff or mentors, never fresh, bound to this client.

    Their sessions must start with a password, so their limits mean something: the row ends
    (a person who became a coordinator since). Flask-Login does not stamp a restored session
    with the client's identifier, and the "strong" protection would then end it on the very
    next request.
    """
    if sessions.short_sessions(user):
        sessions.end_session(user.current_session, "remember_refused")
        db.session.commit()
        sign_out(keep_language=False)  # the person is being loaded: nothing may ask who they are
        return
    session["_id"] = login_manager._session_identifier_generator()
    start_session(user, fresh=False)


def _open_server_session(app, user):
    """Every login_user opens a server-side session, whoever calls it; remember-me only for people
    without the short limits. The session and remember-me cookies then carry its key."""
    remember = session.get("_remember") == "set"
    if remember and sessions.short_sessions(user):
        session.pop("_remember")
        session.pop("_remember_seconds", None)
        remember = False
    sessions.open_session(user, remembered=remember, user_agent=request.headers.get("User-Agent", ""),
                          address=request.remote_addr or "")
    session["_user_id"] = user.get_id()


def init_app(app: Flask) -> None:
    app.session_interface = PortalSessionInterface()
    app.before_request(lambda: _enforce_session_limits(app))
    app.after_request(_security_headers)
    user_loaded_from_cookie.connect(_restore_remembered_session, app)
    user_logged_in.connect(_open_server_session, app)

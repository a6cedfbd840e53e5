"""Choosing the language and time zone of each page."""
from __future__ import annotations

from flask import current_app, g, has_request_context, request
from flask_login import current_user

LANGUAGE_COOKIE = "portal_lang"
LANGUAGE_NAMES = {"ru": "Русский", "en": "English"}


def set_language_cookie(response, language: str):
    """The language of the pages seen signed out: chosen in the header, or the person's at signing out."""
    response.set_cookie(
        LANGUAGE_COOKIE, language, max_age=365 * 24 * 3600, samesite="Lax", httponly=True,
        secure=bool(current_app.config["SESSION_COOKIE_SECURE"] or request.is_secure),
    )
    return response


def select_locale() -> str:
    """The person's language, else the cookie's, the region's, the portal's; outside a request (CLI) the portal's."""
    languages = current_app.config["PORTAL_LANGUAGES"]
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen in languages:
        return chosen
    region = g.get("region")
    if region is not None and region.default_locale in languages:
        return region.default_locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    region = g.get("region")
    if region is not None:
        return region.timezone
    if current_user and current_user.is_authenticated:
        regions = current_user.regions()
        if regions:
            return regions[0].timezone
    return "Europe/Moscow"

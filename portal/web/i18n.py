"""Choosing the language and time zone of each page."""
from __future__ import annotations

from babel import support
from flask import current_app, g, has_request_context, request
from flask_babel import Domain
from flask_babel import _get_current_context as babel_context
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


class RequestDomain(Domain):
    """Flask-Babel's message domain, finding the page's catalogue once instead of at every string.

    A page asks for hundreds of strings; each would look up the locale and its name in the cache again.
    The catalogue is kept on the app context's Babel namespace next to the locale it is for, so a
    language switch (``refresh``) or ``force_locale`` (a notification in its reader's language), which
    put another locale there, find the right catalogue. Nothing outlives the request.
    """

    def get_translations(self):
        ctx = babel_context()
        if ctx is None:
            return support.NullTranslations()
        kept = getattr(ctx, "portal_translations", None)
        locale = getattr(ctx, "babel_locale", None)
        if kept is not None and locale is not None and kept[0] is locale and kept[1] is self:
            return kept[2]
        translations = super().get_translations()
        ctx.portal_translations = (ctx.babel_locale, self, translations)
        return translations

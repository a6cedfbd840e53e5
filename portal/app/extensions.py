"""The Flask extensions, created once and bound in create_app."""
from flask import current_app, request
from flask_babel import Babel
from flask_htmx import HTMX
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData

# Named constraints keep Alembic migrations identical on SQLite and PostgreSQL.
naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

db = SQLAlchemy(metadata=MetaData(naming_convention=naming_convention))
migrate = Migrate()


class PortalLoginManager(LoginManager):
    """The remember cookie is Secure whenever the request came over HTTPS, as the session cookie is.

    Flask-Login only reads a fixed REMEMBER_COOKIE_SECURE; behind a TLS proxy that was not
    told (PORTAL_HTTPS unset) the long-lived cookie would otherwise travel in clear text.
    """

    def _set_cookie(self, response):
        super()._set_cookie(response)
        if not request.is_secure:
            return
        prefix = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") + "="
        cookies = response.headers.getlist("Set-Cookie")
        response.headers.remove("Set-Cookie")
        for cookie in cookies:
            if cookie.startswith(prefix) and "; Secure" not in cookie:
                cookie += "; Secure"
            response.headers.add("Set-Cookie", cookie)


login_manager = PortalLoginManager()
babel = Babel()
csrf = CSRFProtect()
htmx = HTMX()
limiter = Limiter(key_func=get_remote_address, default_limits=[])

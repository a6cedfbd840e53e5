"""How Flask-Login finds the person behind a session."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.app.extensions import db, login_manager
from portal.models import User

login_manager.login_view = "auth.login"
login_manager.refresh_view = "auth.reauthenticate"
login_manager.login_message = _l("Please sign in to see this page.")
login_manager.needs_refresh_message = _l("Please confirm your password to continue.")
login_manager.login_message_category = "info"
login_manager.needs_refresh_message_category = "info"
login_manager.session_protection = "strong"


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    try:
        raw_id, token = user_id.split(":", 1)
        user = db.session.get(User, int(raw_id))
    except (ValueError, TypeError):
        return None
    if user is None or user.session_token != token or user.is_disabled:
        return None
    return user

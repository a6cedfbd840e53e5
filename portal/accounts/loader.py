"""How Flask-Login finds the person behind a session."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.accounts.sessions import resume_session
from portal.app.extensions import login_manager
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
    """Only a live server-side session opens anything (portal/accounts/sessions.py)."""
    return resume_session(user_id)

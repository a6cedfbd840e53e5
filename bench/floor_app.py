"""bench/web.py's floors: the portal itself with two pages more, signed-in region pages that do (almost) nothing.

What every signed-in page under /<region_code>/ pays before it shows anything of its own: the request's one
statement (the region with its plugins on, the session with the person's roles and the bell), the menu from
every plugin that is on, the layout's links and words, the session cookie and the security headers. Served by
gunicorn with the portal's settings, next to the bare route, it tells how much of a page's ratio is left for
the page itself. The second page answers "ok" once the session is resumed: what a signed-in request costs even
if its page were kept ready-made (the one statement, Flask-Login, the cookie, the headers).
"""
from flask import render_template
from flask_login import login_required

from portal import create_app

app = create_app()


@app.get("/<region_code>/bench-floor")
@login_required  # a refused session answers 302, which bench/web.py counts as a failed run
def floor() -> str:
    return render_template("base.html")


@app.get("/<region_code>/bench-session")
@login_required
def session_only() -> str:
    return "ok"

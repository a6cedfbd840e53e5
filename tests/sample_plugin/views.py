from flask import Blueprint, g, render_template_string
from flask_babel import gettext as _

from portal.web import access

from portal.services import audit
from portal.app.extensions import db
from tests.sample_plugin.models import SampleNote

bp = Blueprint("sample", __name__)


@bp.route("/")
@access.members()
def index():
    notes = SampleNote.query.filter_by(region_id=g.region.id).all()
    return render_template_string(
        "{% extends 'base.html' %}{% block content %}<h1>{{ title }}</h1>"
        "<ul>{% for n in notes %}<li>{{ n.text }}</li>{% endfor %}</ul>{% endblock %}",
        title=_("Sample service"), notes=notes)


@bp.route("/staff")
@access.members("specialist", "coordinator")
def staff():
    return _("Sample staff page")


@bp.route("/notes/<int:note_id>")
@access.members("specialist", "coordinator")
def note(note_id: int):
    item = db.get_or_404(SampleNote, note_id)
    audit.record("sample.note.viewed", target=f"sample_note:{item.id}", region=g.region, commit=True)
    return item.text

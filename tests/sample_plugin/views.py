from flask import Blueprint, g, redirect, render_template_string, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import StringField
from wtforms.validators import DataRequired

from portal.kit import Form, audit, db, members, region_object
from tests.sample_plugin.models import SampleNote

bp = Blueprint("sample", __name__)


class NoteForm(Form):
    text = StringField(_l("Sample note"), validators=[DataRequired()])


@bp.route("/")
@members()
def index():
    notes = SampleNote.query.filter_by(region_id=g.region.id).all()
    return render_template_string(
        "{% extends 'base.html' %}{% block content %}<h1>{{ title }}</h1>"
        "<ul>{% for n in notes %}<li>{{ n.text }}</li>{% endfor %}</ul>{% endblock %}",
        title=_("Sample service"), notes=notes)


@bp.route("/notes", methods=["POST"])
@members("specialist", "coordinator")
def add_note():
    """A plain form post: what a switched-off plugin must answer with 404, token or not."""
    form = NoteForm()
    if not form.validate_on_submit():
        return "; ".join(str(e) for errors in form.errors.values() for e in errors), 422
    db.session.add(SampleNote(region_id=g.region.id, user_id=current_user.id, text=form.text.data))
    db.session.commit()
    return redirect(url_for("sample.index"))


@bp.route("/staff")
@members("specialist", "coordinator")
def staff():
    return _("Sample staff page")


@bp.route("/notes/<int:note_id>")
@members("specialist", "coordinator")
def note(note_id: int):
    item = region_object(SampleNote, note_id)
    audit("sample.note.viewed", target=f"sample_note:{item.id}", region=g.region, commit=True)
    return item.text

"""The region admin sets the region's consent text (152-FZ); every change is a new version, the old ones stay."""
from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from wtforms import SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from portal.app.extensions import db
from portal.models import ConsentText, Role
from portal.pages.admin.views import bp
from portal.services import audit, consent
from portal.services.refusals import Refusal, refuse_duplicates
from portal.web import access
from portal.web.forms import Form

MAX_TEXT = 20000


class ConsentTextForm(Form):
    text_ru = TextAreaField(_l("Text in Russian"), validators=[DataRequired(), Length(max=MAX_TEXT)])
    text_en = TextAreaField(_l("Text in English (optional; without it English readers see the Russian text)"),
                            validators=[Optional(), Length(max=MAX_TEXT)])
    submit = SubmitField(_l("Save as a new version"))


def _versions(region):
    return db.session.scalars(select(ConsentText).where(ConsentText.region_id == region.id)
                              .order_by(ConsentText.version.desc())).all()


@bp.route("/<region_code>/admin/consent", methods=["GET", "POST"])
@access.members(Role.region_admin)
def consent_text():
    region = g.region
    current = consent.latest(region)
    form = ConsentTextForm()
    if request.method == "GET":
        form.text_ru.data = current.text_ru if current else consent.current_text(region, "ru")[1]
        form.text_en.data = current.text_en if current else consent.current_text(region, "en")[1]
    if form.validate_on_submit():
        text_ru, text_en = form.text_ru.data.strip(), (form.text_en.data or "").strip()
        if current is not None and (current.text_ru, current.text_en) == (text_ru, text_en):
            flash(_("The text is unchanged; no new version."), "info")
            return redirect(url_for("admin.consent_text"))
        version = consent.next_version(region)
        try:
            with refuse_duplicates(_l("Someone saved a new version a moment ago. Reload the page and compare.")):
                db.session.add(ConsentText(region_id=region.id, version=version, text_ru=text_ru, text_en=text_en,
                                           created_by_id=current_user.id))
                db.session.flush()
        except Refusal as refusal:
            db.session.rollback()
            refusal.show_on(form, "text_ru")
            return render_template("admin/consent.html", form=form, versions=_versions(region),
                                   current=consent.latest(region)), 409
        audit.record("consent.text_changed", target=f"consent:{version}", region=region,
                     details={"version": version})
        db.session.commit()
        flash(_("Version %(version)d of the consent text is in force; new registrations agree to it.",
                version=version), "success")
        return redirect(url_for("admin.consent_text"))
    status = 422 if form.is_submitted() else 200
    return render_template("admin/consent.html", form=form, versions=_versions(region), current=current), status

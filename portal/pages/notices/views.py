"""A region's privacy notice and contacts: public pages every footer links to (152-FZ asks that the
person whose data is processed can learn who holds it, why, for how long and whom to ask)."""
from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from portal.app.extensions import db
from portal.models import Region, Role
from portal.pages.notices.forms import RegionNoticesForm
from portal.services import audit
from portal.web import access

bp = Blueprint("notices", __name__)

FIELDS = ("contacts", "privacy_holder", "privacy_purpose", "privacy_retention", "privacy_contact")


def default_texts(region: Region) -> dict[str, str]:
    """What a region shows until its admin writes its own, in the reader's language."""
    return {
        "contacts": _("The support service of %(region)s has not published its contacts here yet. Ask the "
                      "coordinator who registered you, or the children's home you left.", region=region.name),
        "privacy_holder": _("The regional support service for graduates of organisations for orphans and children "
                            "left without parental care of %(region)s (the operator of personal data).",
                            region=region.name),
        "privacy_purpose": _("To support you after you leave care, as you agreed: to follow your requests for help, "
                             "to arrange mentorship, places to stay, clubs and events. Your data is not used for "
                             "anything else and is passed to nobody except as the law requires."),
        "privacy_retention": _("While you are supported and for three years after support ends, unless the law asks "
                               "for longer. You can download everything the portal holds about you from your "
                               "profile and ask for it to be erased."),
        "privacy_contact": _("The coordinator of the support service (see the contacts)."),
    }


def notice_texts(region: Region) -> dict[str, str]:
    defaults = default_texts(region)
    return {name: (getattr(region, name) or "").strip() or defaults[name] for name in FIELDS}


@bp.route("/<region_code>/privacy")
@access.public
def privacy():
    return render_template("notices/privacy.html", region=g.region, texts=notice_texts(g.region))


@bp.route("/<region_code>/contacts")
@access.public
def contacts():
    return render_template("notices/contacts.html", region=g.region, texts=notice_texts(g.region))


@bp.route("/privacy")
@access.public
def every_region():
    regions = db.session.scalars(select(Region).order_by(Region.name)).all()
    return render_template("notices/regions.html", regions=regions)


@bp.route("/<region_code>/admin/notices", methods=["GET", "POST"])
@access.members(Role.region_admin)
def edit():
    region = g.region
    form = RegionNoticesForm(obj=region) if request.method == "GET" else RegionNoticesForm()
    if form.validate_on_submit():
        changed = [name for name in FIELDS if (getattr(region, name) or "") != (form[name].data or "").strip()]
        for name in FIELDS:
            setattr(region, name, (form[name].data or "").strip())
        audit.record("region.notices_changed", target=f"region:{region.code}", region=region,
                     details={"fields": changed})
        db.session.commit()
        flash(_("The privacy notice and contacts are saved."), "success")
        return redirect(url_for("notices.edit"))
    status = 422 if form.errors else 200
    return render_template("notices/edit.html", region=region, form=form, defaults=default_texts(region)), status

"""The support contract's actions on a record: sign, end, record a withdrawal of consent."""
from __future__ import annotations

from flask import flash, g, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from plugins.casework import contracts as rules
from plugins.casework.forms.contracts import ContractForm, EndForm
from plugins.casework.models import SupportContract
from plugins.casework.views import bp
from plugins.casework.views.records import EXPIRED, STAFF, _reach, _record, record_page
from portal.kit import ConfirmForm, Refusal, db, members, redirect_to, region_object, today

ACTIONS = {
    "casework.contract.signed": _l("Case work: support contract signed"),
    "casework.contract.end": _l("Case work: support contract ended"),
    "casework.contract.withdraw": _l("Case work: consent withdrawn"),
}


@bp.route("/records/<int:record_id>/contract", methods=["POST"])
@members(*STAFF)
def sign_contract(record_id: int):
    found = _record(record_id)
    form = ContractForm()
    if form.validate_on_submit():
        terms = rules.Terms(starts_on=form.starts_on.data, ends_on=form.ends_on.data, consent_on=form.consent_on.data,
                            number=form.number.data or "", service_undertakes=form.service_undertakes.data or "",
                            graduate_undertakes=form.graduate_undertakes.data or "",
                            representative=form.representative.data or "")
        try:
            rules.sign(g.region, found, terms, current_user, today(g.region))
        except Refusal as refusal:
            db.session.rollback()
            refusal.show_on(form, default="starts_on")
        else:
            db.session.commit()
            flash(_("The contract is signed: support has started."), "success")
            return redirect_to(url_for("casework.record", record_id=found.id))
    return record_page(_record(record_id), 422, contract_form=form)


@bp.route("/contracts/<int:contract_id>/end", methods=["POST"])
@members(*STAFF)
def end_contract(contract_id: int):
    contract = region_object(SupportContract, contract_id, via="record.region_id",
                             allowed=lambda c: _reach().sees(c.record))
    form = EndForm()
    if form.validate_on_submit():
        try:
            rules.end(g.region, contract, form.ended_on.data, form.reason.data or "", current_user, today(g.region))
        except Refusal as refusal:
            db.session.rollback()
            refusal.show_on(form, default="ended_on")
        else:
            db.session.commit()
            flash(_("The contract is ended."), "success")
            return redirect_to(url_for("casework.record", record_id=contract.record_id))
    return record_page(_record(contract.record_id), 422, end_form=form)


@bp.route("/records/<int:record_id>/withdraw", methods=["POST"])
@members(*STAFF)
def withdraw_consent(record_id: int):
    """Staff record that the graduate (or a minor's representative) withdrew consent."""
    found = _record(record_id)
    if not ConfirmForm().validate_on_submit():
        flash(str(EXPIRED), "error")
    else:
        try:
            rules.withdraw_consent(g.region, found, current_user, today(g.region), by_graduate=False)
        except Refusal as refusal:
            db.session.rollback()
            flash(str(refusal), "error")
        else:
            db.session.commit()
            flash(_("Consent is withdrawn: support has ended and the record is restricted."), "success")
    return redirect_to(url_for("casework.record", record_id=record_id))

"""The support contract (договор о сопровождении) and the graduate's consent.

One contract is in force at a time: signing holds the record first, so two specialists signing for
one graduate at once queue up and the second is refused. Signing starts support (the record moves to
under support and its first assessment falls due); ending or withdrawing consent ends it.

After 18 support is voluntary. Withdrawing consent ends active support and restricts the record:
what the law keeps (the name, birth date, legal status, the contracts' and consents' dates) stays
visible to staff; contacts, address, notes, assessments and plans are no longer shown to them
(:func:`plugins.casework.scope.sees_details`). They are kept, not deleted: an erasure request
(:func:`plugins.casework.registry` via ``portal_erase_person``) is what deletes.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l

from plugins.casework import due, registry
from plugins.casework.models import ContractStatus, GraduateRecord, SupportContract
from portal.kit import Lifecycle, Refusal, User, db, hold, utcnow

C = ContractStatus
CONTRACTS = Lifecycle("casework.contract", "casework_contract")
CONTRACTS.move("end", {C.active}, C.ended, refused=_l("This contract is no longer in force."))
CONTRACTS.move("withdraw", {C.active}, C.withdrawn, refused=_l("This contract is no longer in force."))

ADULT = 18
AGED_OUT_REASON = _l("The graduate turned 23: support ends.")
WITHDRAWN_REASON = _l("The graduate withdrew their consent.")

START_BEFORE_BIRTH = _l("A contract cannot start before the graduate was born.")
END_BEFORE_START = _l("The contract must end after it starts.")
CONSENT_AFTER_START = _l("Consent is given before the contract starts, or on that day.")
CONSENT_IN_FUTURE = _l("The date of consent cannot be in the future.")
REPRESENTATIVE_NEEDED = _l("The graduate is under 18 on the start date: name their legal representative.")
ONE_IN_FORCE = _l("This graduate already has a contract in force; end it before signing a new one.")
END_BEFORE_CONTRACT = _l("A contract cannot end before it started.")
END_IN_FUTURE = _l("The end date cannot be in the future.")
MINOR_WITHDRAWS = _l("Under 18, consent is withdrawn by your legal representative: please talk to your "
                     "specialist.")


@dataclass
class Terms:
    starts_on: date
    ends_on: date
    consent_on: date
    number: str = ""
    service_undertakes: str = ""
    graduate_undertakes: str = ""
    representative: str = ""


def check(record: GraduateRecord, terms: Terms, day: date) -> None:
    if terms.starts_on < record.birth_date:
        raise Refusal(START_BEFORE_BIRTH, "starts_on")
    if terms.ends_on <= terms.starts_on:
        raise Refusal(END_BEFORE_START, "ends_on")
    if terms.consent_on > day:
        raise Refusal(CONSENT_IN_FUTURE, "consent_on")
    if terms.consent_on > terms.starts_on:
        raise Refusal(CONSENT_AFTER_START, "consent_on")
    if terms.consent_on < record.birth_date:
        raise Refusal(START_BEFORE_BIRTH, "consent_on")
    if record.age_on(terms.starts_on) < ADULT and not terms.representative.strip():
        raise Refusal(REPRESENTATIVE_NEEDED, "representative")


def sign(region, record: GraduateRecord, terms: Terms, by: User, day: date) -> SupportContract:
    """Signs the contract: the record goes under support, its first assessment falls due.

    A consent given anew lifts the restriction of an earlier withdrawal.
    """
    hold(record)
    check(record, terms, day)
    if registry.active_contract(record) is not None:
        raise Refusal(ONE_IN_FORCE)
    if record.merged_into_id is not None:
        raise Refusal(registry.MERGED_ALREADY)
    registry.move(region, record, "support", by)
    contract = SupportContract(record_id=record.id, number=terms.number.strip(), starts_on=terms.starts_on,
                               ends_on=terms.ends_on, consent_on=terms.consent_on,
                               service_undertakes=terms.service_undertakes.strip(),
                               graduate_undertakes=terms.graduate_undertakes.strip(),
                               representative=terms.representative.strip(), status=C.active, signed_by_id=by.id)
    db.session.add(contract)
    record.assessment_due_on = due.first_due(terms.starts_on)
    record.restricted_at = None
    db.session.flush()
    from portal.kit import audit

    audit("casework.contract.signed", target=f"casework_contract:{contract.id}", region=region,
          subject=record.user, details={"record": record.id})
    return contract


def end(region, contract: SupportContract, on: date, reason: str, by: User, day: date) -> None:
    """Support ends by agreement or when its term ran out; the record stays, back to «contacted»."""
    record = contract.record
    hold(record)
    if on < contract.starts_on:
        raise Refusal(END_BEFORE_CONTRACT, "ended_on")
    if on > day:
        raise Refusal(END_IN_FUTURE, "ended_on")
    CONTRACTS.apply(contract, "end", region=region, subject=record.user)
    contract.ended_on, contract.end_reason = on, reason.strip()
    if record.status == registry.S.under_support:
        registry.move(region, record, "support_ended", by)
    record.assessment_due_on = None
    db.session.flush()


def withdraw_consent(region, record: GraduateRecord, by: User, day: date, *, by_graduate: bool) -> None:
    """Ends active support and restricts what staff see (see the module's docstring for what is kept)."""
    hold(record)
    if by_graduate and record.age_on(day) < ADULT:
        raise Refusal(MINOR_WITHDRAWS)
    contract = registry.active_contract(record)
    if contract is not None:
        CONTRACTS.apply(contract, "withdraw", region=region, subject=record.user,
                        details={"by_graduate": by_graduate})
        contract.ended_on, contract.end_reason = day, str(WITHDRAWN_REASON)
    if registry.RECORDS.can(record, "withdraw"):
        registry.move(region, record, "withdraw", by, details={"by_graduate": by_graduate})
    elif record.restricted_at is not None:
        raise Refusal(_l("Consent has already been withdrawn."))
    record.assessment_due_on = None
    record.restricted_at = utcnow()
    db.session.flush()


def contracts_of(record: GraduateRecord) -> list[SupportContract]:
    return list(db.session.scalars(db.select(SupportContract).where(SupportContract.record_id == record.id)
                                   .order_by(SupportContract.starts_on.desc(), SupportContract.id.desc())))

"""The graduate registry: records, their status, possible duplicates and merging, moves, accounts, notes, aging out.

Every status change goes through :data:`RECORDS` (the row is held and read again first), so two
staff acting on one record at once queue up and the second is told what the first did.
Import (another part) creates records through :func:`create_record` as well, so the rules hold for
both ways in.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import g, has_request_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import joinedload

from plugins.casework import names
from plugins.casework.models import (AGE_OUT, Appeal, Assessment, ConsiliumDecision, ContractStatus,
                                     GraduateRecord, LevelChange, PlanGoal, PlanTask, RecordHandover, RecordNote,
                                     RecordStatus, ServiceStaff, StatusChange, SupportContract, SupportService,
                                     name_key)
from plugins.casework.monitoring import tallies
from plugins.casework.services import service_of_municipality
from portal.kit import (Institution, Lifecycle, Municipality, Refusal, Role, User, audit, db, hold,
                        refuse_duplicates)

S = RecordStatus
RECORDS = Lifecycle("casework.record", "casework_record")
RECORDS.move("contact", {S.identified}, S.contacted)
RECORDS.move("support", {S.identified, S.contacted, S.declined}, S.under_support,
             refused=_l("A contract can be signed only with a graduate who is in the region and not yet 23."))
RECORDS.move("support_ended", {S.under_support}, S.contacted)
RECORDS.move("decline", {S.identified, S.contacted}, S.declined)
RECORDS.move("withdraw", {S.under_support, S.identified, S.contacted}, S.declined)
RECORDS.move("left_region", {S.identified, S.contacted, S.under_support, S.declined}, S.left_region)
RECORDS.move("returned", {S.left_region}, S.identified)
RECORDS.move("age_out", {S.identified, S.contacted, S.under_support, S.declined, S.left_region}, S.aged_out)

#: Moves a page offers as buttons (the others follow from contracts and from age).
MANUAL_MOVES = ("contact", "decline", "left_region", "returned")

#: The youngest graduate a record is opened for.
YOUNGEST = 14

BORN_IN_FUTURE = _l("The birth date cannot be in the future.")
TOO_YOUNG = _l("A record is opened for a graduate of %(young)d to %(old)d: this birth date makes them %(age)d.")
TOO_OLD = _l("Support ends at %(old)d: this birth date makes them %(age)d already.")
LEFT_BEFORE_BIRTH = _l("The graduate cannot have left care before they were born.")
LEFT_IN_FUTURE = _l("The date of leaving care cannot be in the future.")
UNKNOWN_MUNICIPALITY = _l("Choose a municipality of this region.")
UNKNOWN_SERVICE = _l("Choose a support service of this region.")
NO_SERVICE = _l("No support service serves this municipality yet: choose the service responsible.")
NOT_SPECIALIST = _l("The specialist must work in the record's service.")
UNKNOWN_INSTITUTION = _l("Choose an institution of this region.")
SAME_MUNICIPALITY = _l("The graduate already lives in this municipality.")
MERGE_SELF = _l("A record cannot be merged with itself.")
MERGED_ALREADY = _l("One of these records has just been merged; reload the page to see it as it is.")
MERGE_TWO_CONTRACTS = _l("Both records have a contract in force: end one of them before merging.")
MERGE_TWO_ACCOUNTS = _l("The records are linked to two different accounts: unlink one before merging.")
NOT_A_GRADUATE = _l("Only an account with the role graduate in this region can be linked to a record.")
LINKED_ELSEWHERE = _l("This account is already linked to another record of the region.")
AGED_OUT_EARLY = _l("The graduate is not %(old)d yet.")
EMPTY_NOTE = _l("Write the note first.")


@dataclass
class Fields:
    """What a record's form gives; the same for a new record, an edit and an imported row."""

    last_name: str
    first_name: str
    middle_name: str
    birth_date: date
    gender: object
    legal_status: object
    institution_id: int | None = None
    placement: str = ""
    left_care_on: date | None = None
    municipality_id: int | None = None
    address: str = ""
    phone: str = ""
    email: str = ""
    contacts: str = ""
    service_id: int | None = None
    specialist_id: int | None = None


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def check(region, fields: Fields, day: date, *, creating: bool) -> None:
    """Refuses what cannot be true (born tomorrow, left care before birth) and what is no graduate of ours."""
    if fields.birth_date > day:
        raise Refusal(BORN_IN_FUTURE, "birth_date")
    age = age_on(fields.birth_date, day)
    if creating and age < YOUNGEST:
        raise Refusal(TOO_YOUNG % {"young": YOUNGEST, "old": AGE_OUT, "age": age}, "birth_date")
    if creating and age >= AGE_OUT:
        raise Refusal(TOO_OLD % {"old": AGE_OUT, "age": age}, "birth_date")
    if fields.left_care_on is not None:
        if fields.left_care_on < fields.birth_date:
            raise Refusal(LEFT_BEFORE_BIRTH, "left_care_on")
        if fields.left_care_on > day:
            raise Refusal(LEFT_IN_FUTURE, "left_care_on")
    if fields.municipality_id is not None:
        found = db.session.get(Municipality, fields.municipality_id)
        if found is None or found.region_id != region.id:
            raise Refusal(UNKNOWN_MUNICIPALITY, "municipality")
    if fields.institution_id is not None:
        found = db.session.get(Institution, fields.institution_id)
        if found is None or found.region_id != region.id:
            raise Refusal(UNKNOWN_INSTITUTION, "institution")


def responsible_service(region, municipality_id: int | None, service_id: int | None) -> SupportService:
    """The service chosen, else the one serving the municipality where the graduate lives."""
    if service_id is not None:
        found = db.session.get(SupportService, service_id)
        if found is None or found.region_id != region.id:
            raise Refusal(UNKNOWN_SERVICE, "service")
        return found
    found = service_of_municipality(municipality_id)
    if found is None or found.region_id != region.id:
        raise Refusal(NO_SERVICE, "service")
    return found


def works_in(user_id: int | None, service_id: int | None) -> bool:
    if user_id is None or service_id is None:
        return False
    return db.session.scalar(select(ServiceStaff.id).where(ServiceStaff.user_id == user_id,
                                                           ServiceStaff.service_id == service_id)) is not None


def _write(record: GraduateRecord, fields: Fields) -> None:
    record.last_name, record.first_name = fields.last_name.strip(), fields.first_name.strip()
    record.middle_name = (fields.middle_name or "").strip()
    record.name_key = name_key(record.last_name, record.first_name, record.middle_name)
    record.birth_date, record.gender, record.legal_status = fields.birth_date, fields.gender, fields.legal_status
    record.institution_id, record.placement = fields.institution_id, (fields.placement or "").strip()
    record.left_care_on = fields.left_care_on
    record.address, record.phone = (fields.address or "").strip(), (fields.phone or "").strip()
    record.email, record.contacts = (fields.email or "").strip(), (fields.contacts or "").strip()


def create_record(region, by: User | None, fields: Fields, day: date) -> GraduateRecord:
    """A new record; the service of the municipality becomes responsible unless one is chosen.

    The creator becomes its specialist when none is named and they work in that service.
    Duplicates are looked for beforehand (:func:`possible_duplicates`): the page asks first.
    """
    check(region, fields, day, creating=True)
    service = responsible_service(region, fields.municipality_id, fields.service_id)
    specialist_id = fields.specialist_id
    if specialist_id is None and by is not None and by.has_role(region, Role.specialist) and works_in(by.id,
                                                                                                    service.id):
        specialist_id = by.id
    if specialist_id is not None and not works_in(specialist_id, service.id):
        raise Refusal(NOT_SPECIALIST, "specialist")
    record = GraduateRecord(region_id=region.id, status=RecordStatus.identified, service_id=service.id,
                            specialist_id=specialist_id, municipality_id=fields.municipality_id,
                            created_by_id=by.id if by else None)
    _write(record, fields)
    db.session.add(record)
    db.session.flush()
    db.session.add(StatusChange(record_id=record.id, from_status=None, to_status=record.status,
                                by_id=by.id if by else None))
    return record


def edit_record(region, record: GraduateRecord, fields: Fields, day: date) -> None:
    """Changes what the form shows; a move to another municipality is :func:`move_record` (a handover)."""
    hold(record)
    check(region, fields, day, creating=False)
    if fields.specialist_id is not None and not works_in(fields.specialist_id, record.service_id):
        raise Refusal(NOT_SPECIALIST, "specialist")
    _write(record, fields)
    record.specialist_id = fields.specialist_id
    db.session.flush()


# --- possible duplicates ---------------------------------------------------------------------------------

def possible_duplicates(region, last_name: str, first_name: str, birth_date: date | None,
                        exclude_id: int | None = None) -> list[GraduateRecord]:
    """Records of the region born the same day with a similar name (Настя/Анастасия, ё/е, one letter off).

    One indexed query (region, birth date), then the names are compared here: few people share a birthday.
    """
    if birth_date is None:
        return []
    query = (select(GraduateRecord).where(GraduateRecord.region_id == region.id,
                                          GraduateRecord.birth_date == birth_date,
                                          GraduateRecord.merged_into_id.is_(None))
             .options(joinedload(GraduateRecord.service), joinedload(GraduateRecord.municipality))
             .order_by(GraduateRecord.id))
    if exclude_id is not None:
        query = query.where(GraduateRecord.id != exclude_id)
    return [r for r in db.session.scalars(query)
            if names.same_first_name(r.first_name, first_name) and names.similar_surname(r.last_name, last_name)]


# --- merging ----------------------------------------------------------------------------------------------

#: The tables whose rows follow a merged record to the one kept.
FOLLOW = (SupportContract, Assessment, PlanGoal, PlanTask, RecordNote, RecordHandover, LevelChange, Appeal)


def merge(region, keep: GraduateRecord, gone: GraduateRecord, by: User) -> None:
    """``gone`` is the same graduate as ``keep``: its contracts, assessments, plan, notes and handovers move over.

    Both rows are held (in id order, so two merges of one pair cannot deadlock) and read again: the second of
    two coordinators merging the same pair at once is refused.
    """
    if keep.id == gone.id:
        raise Refusal(MERGE_SELF)
    hold(*sorted((keep, gone), key=lambda r: r.id))
    if keep.merged_into_id is not None or gone.merged_into_id is not None:
        raise Refusal(MERGED_ALREADY)
    if keep.user_id and gone.user_id and keep.user_id != gone.user_id:
        raise Refusal(MERGE_TWO_ACCOUNTS)
    active = {r.id: active_contract(r) for r in (keep, gone)}
    if active[keep.id] is not None and active[gone.id] is not None:
        raise Refusal(MERGE_TWO_CONTRACTS)
    with tallies.changing(records=[keep.id, gone.id]):
        for model in FOLLOW:
            db.session.execute(update(model).where(model.record_id == gone.id).values(record_id=keep.id)
                               .execution_options(synchronize_session=False))
    # A consilium discussed both: its decision on the kept record stands.
    both = select(ConsiliumDecision.consilium_id).where(ConsiliumDecision.record_id == keep.id).scalar_subquery()
    for decision in db.session.scalars(select(ConsiliumDecision).where(ConsiliumDecision.record_id == gone.id,
                                                                       ConsiliumDecision.consilium_id.in_(both))):
        db.session.delete(decision)
    db.session.flush()
    db.session.execute(update(ConsiliumDecision).where(ConsiliumDecision.record_id == gone.id)
                       .values(record_id=keep.id).execution_options(synchronize_session=False))
    if gone.user_id and not keep.user_id:
        keep_user, gone.user_id = gone.user_id, None
        db.session.flush()
        keep.user_id = keep_user
    else:
        gone.user_id = None
    if active[gone.id] is not None and active[keep.id] is None:
        # The kept record takes over the support the other had.
        if RECORDS.can(keep, "support"):
            move(region, keep, "support", by, details={"merged": gone.id})
        keep.assessment_due_on, keep.level = gone.assessment_due_on, gone.level or keep.level
    for attribute in ("phone", "email", "address", "contacts", "placement", "middle_name"):
        if not getattr(keep, attribute) and getattr(gone, attribute):
            setattr(keep, attribute, getattr(gone, attribute))
    for attribute in ("institution_id", "left_care_on", "municipality_id", "level"):
        if getattr(keep, attribute) is None and getattr(gone, attribute) is not None:
            setattr(keep, attribute, getattr(gone, attribute))
    keep.name_key = name_key(keep.last_name, keep.first_name, keep.middle_name)
    gone.merged_into_id = keep.id
    gone.assessment_due_on = None
    db.session.flush()
    audit("casework.record.merged", target=f"casework_record:{keep.id}", region=region,
          subject=db.session.get(User, keep.user_id) if keep.user_id else None, details={"merged": gone.id})


# --- moves, accounts, notes -------------------------------------------------------------------------------

def move_record(region, record: GraduateRecord, municipality_id: int, service_id: int | None, reason: str,
                by: User) -> RecordHandover:
    """The graduate moved: the record goes to the service of the new municipality (or the one chosen)."""
    hold(record)
    found = db.session.get(Municipality, municipality_id) if municipality_id else None
    if found is None or found.region_id != region.id:
        raise Refusal(UNKNOWN_MUNICIPALITY, "municipality")
    if found.id == record.municipality_id and (service_id is None or service_id == record.service_id):
        raise Refusal(SAME_MUNICIPALITY, "municipality")
    service = responsible_service(region, found.id, service_id)
    handover = RecordHandover(record_id=record.id, from_service_id=record.service_id, to_service_id=service.id,
                              from_municipality_id=record.municipality_id, to_municipality_id=found.id,
                              reason=reason.strip(), by_id=by.id)
    db.session.add(handover)
    record.municipality_id, record.service_id = found.id, service.id
    if not works_in(record.specialist_id, service.id):
        record.specialist_id = None
    from plugins.casework import appeals

    appeals.hand_over(record, service.id, record.specialist_id)
    db.session.flush()
    audit("casework.record.moved", target=f"casework_record:{record.id}", region=region, subject=record.user,
          details={"from": handover.from_service_id, "to": service.id})
    return handover


def linkable_account(region, email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def link_account(region, record: GraduateRecord, user: User | None, by: User) -> None:
    """The graduate's own account: they see their record, plan, assessments and what staff wrote for them."""
    if user is None or not user.has_role(region, Role.graduate):
        raise Refusal(NOT_A_GRADUATE, "email")
    hold(record)
    other = db.session.scalar(select(GraduateRecord.id).where(GraduateRecord.region_id == region.id,
                                                              GraduateRecord.user_id == user.id))
    if other is not None and other != record.id:
        raise Refusal(LINKED_ELSEWHERE, "email")
    with refuse_duplicates(LINKED_ELSEWHERE, "email"):
        record.user_id = user.id
        db.session.flush()
    audit("casework.record.linked", target=f"casework_record:{record.id}", region=region, subject=user)


def unlink_account(region, record: GraduateRecord, by: User) -> User | None:
    hold(record)
    user = record.user
    if user is not None:
        record.user_id = None
        db.session.flush()
        audit("casework.record.unlinked", target=f"casework_record:{record.id}", region=region, subject=user)
    return user


def add_note(region, record: GraduateRecord, by: User, text: str, for_graduate: bool) -> RecordNote:
    text = (text or "").strip()
    if not text:
        raise Refusal(EMPTY_NOTE, "text")
    note = RecordNote(record_id=record.id, author_id=by.id, text=text, for_graduate=for_graduate)
    db.session.add(note)
    db.session.flush()
    audit("casework.note.added", target=f"casework_record:{record.id}", region=region, subject=record.user,
          details={"for_graduate": for_graduate})
    return note


def notes_of(record: GraduateRecord, *, for_graduate_only: bool = False) -> list[RecordNote]:
    query = (select(RecordNote).where(RecordNote.record_id == record.id)
             .options(joinedload(RecordNote.author)).order_by(RecordNote.created_at.desc(), RecordNote.id.desc()))
    if for_graduate_only:
        query = query.where(RecordNote.for_graduate.is_(True))
    return list(db.session.scalars(query))


def handovers_of(record: GraduateRecord) -> list[RecordHandover]:
    return list(db.session.scalars(
        select(RecordHandover).where(RecordHandover.record_id == record.id)
        .options(joinedload(RecordHandover.from_service), joinedload(RecordHandover.to_service))
        .order_by(RecordHandover.at.desc(), RecordHandover.id.desc())))


def level_history(record: GraduateRecord) -> list[LevelChange]:
    """The approved level changes, latest first: the level's history (set by consilia, approved by coordinators)."""
    from plugins.casework.models import LevelChangeStatus

    return list(db.session.scalars(
        select(LevelChange).where(LevelChange.record_id == record.id,
                                  LevelChange.status == LevelChangeStatus.approved)
        .options(joinedload(LevelChange.decided_by))
        .order_by(LevelChange.decided_at.desc(), LevelChange.id.desc())))


def status_history(record: GraduateRecord) -> list[StatusChange]:
    """The record's moves, latest first (its creation is the first line)."""
    return list(db.session.scalars(
        select(StatusChange).where(StatusChange.record_id == record.id).options(joinedload(StatusChange.by))
        .order_by(StatusChange.at.desc(), StatusChange.id.desc())))


def move(region, record: GraduateRecord, name: str, by: User | None = None, details: dict | None = None):
    """A status move through :data:`RECORDS`, with its line in the record's history."""
    before = RECORDS.apply(record, name, region=region, subject=record.user, details=details)
    db.session.add(StatusChange(record_id=record.id, from_status=before, to_status=record.status,
                                by_id=by.id if by else None))
    return before


def active_contract(record: GraduateRecord) -> SupportContract | None:
    return db.session.scalar(select(SupportContract).where(SupportContract.record_id == record.id,
                                                           SupportContract.status == ContractStatus.active)
                             .order_by(SupportContract.id.desc()).limit(1))


def record_of(user: User, region) -> GraduateRecord | None:
    """The graduate's own record in the region (linked to their account), if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    key = (user.id, region.id)  # the navigation and the dashboard card both ask: one query per request
    known = g.setdefault("casework_own_record", {}) if has_request_context() else {}
    if key not in known:
        known[key] = db.session.scalar(select(GraduateRecord).where(GraduateRecord.region_id == region.id,
                                                                    GraduateRecord.user_id == user.id,
                                                                    GraduateRecord.merged_into_id.is_(None)))
    return known[key]


# --- aging out --------------------------------------------------------------------------------------------

def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return date(day.year - years, 2, 28)


def quarter_of(day: date) -> tuple[date, date]:
    """The calendar quarter ``day`` is in: its first and last day."""
    first_month = 3 * ((day.month - 1) // 3) + 1
    first = date(day.year, first_month, 1)
    last = date(day.year + 1, 1, 1) if first_month == 10 else date(day.year, first_month + 3, 1)
    return first, date.fromordinal(last.toordinal() - 1)


def ageing_out_filter(day: date):
    """Records turning 23 in the calendar quarter of ``day`` and not yet moved to aged out (an indexed range)."""
    first, last = quarter_of(day)
    return and_(GraduateRecord.birth_date >= _years_before(first, AGE_OUT),
                GraduateRecord.birth_date <= _years_before(last, AGE_OUT),
                GraduateRecord.status != RecordStatus.aged_out)


def ageing_out(record_filter, day: date, limit: int = 200) -> list[GraduateRecord]:
    return list(db.session.scalars(
        select(GraduateRecord).where(record_filter, ageing_out_filter(day))
        .options(joinedload(GraduateRecord.specialist), joinedload(GraduateRecord.service))
        .order_by(GraduateRecord.birth_date, GraduateRecord.id).limit(limit)))


def age_out(region, record: GraduateRecord, day: date, by: User | None = None) -> bool:
    """Moves a graduate of 23 to aged out and ends their contract; False when there was nothing to do."""
    hold(record)
    if record.status == RecordStatus.aged_out or record.merged_into_id is not None:
        return False
    if age_on(record.birth_date, day) < AGE_OUT:
        raise Refusal(AGED_OUT_EARLY % {"old": AGE_OUT})
    from plugins.casework import contracts

    contract = active_contract(record)
    if contract is not None:
        contracts.CONTRACTS.apply(contract, "end", region=region, subject=record.user,
                                  details={"reason": "aged_out"})
        contract.ended_on, contract.end_reason = day, str(contracts.AGED_OUT_REASON)
    move(region, record, "age_out", by)
    record.assessment_due_on = None
    db.session.flush()
    return True


def due_to_age_out(region_id: int | None, day: date) -> list[int]:
    """Ids of records of 23 and over not yet moved (every region when ``region_id`` is None)."""
    query = select(GraduateRecord.id).where(GraduateRecord.birth_date <= _years_before(day, AGE_OUT),
                                            GraduateRecord.status != RecordStatus.aged_out,
                                            GraduateRecord.merged_into_id.is_(None))
    if region_id is not None:
        query = query.where(GraduateRecord.region_id == region_id)
    return list(db.session.scalars(query.order_by(GraduateRecord.id)))


# --- the registry list -------------------------------------------------------------------------------------

def search_filter(text: str):
    """Every word typed is the start of some word of the name, in any order, case- and ё-insensitively."""
    clauses = []
    for word in name_key(text).split()[:5]:
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        clauses.append(or_(GraduateRecord.name_key.like(f"{escaped}%", escape="\\"),
                           GraduateRecord.name_key.like(f"% {escaped}%", escape="\\")))
    return and_(*clauses) if clauses else None


# --- the dashboard ------------------------------------------------------------------------------------------

def dashboard_count_queries(user: User, region, day: date) -> dict:
    """A specialist's own records (assigned to them), and how many records they see age out this quarter: SQL."""
    from plugins.casework import scope

    return {"mine": select(func.count()).select_from(GraduateRecord).where(
                GraduateRecord.region_id == region.id, GraduateRecord.specialist_id == user.id,
                GraduateRecord.merged_into_id.is_(None)),
            "ageing": select(func.count()).select_from(GraduateRecord).where(
                scope.reach(user, region).record_filter(), ageing_out_filter(day))}


# --- export and erasure --------------------------------------------------------------------------------------

def export(user: User) -> dict:
    """The graduate's record linked to their account, their contracts and what staff wrote for them.

    Staff's own notes are not the graduate's data to take; the assessments and plan parts add theirs.
    """
    from plugins.casework import appeals, assessments, contracts, plans

    out = []
    for record in db.session.scalars(select(GraduateRecord).where(GraduateRecord.user_id == user.id)
                                     .order_by(GraduateRecord.id)):
        entry = {
            "record": record.id, "region_id": record.region_id, "name": record.full_name,
            "birth_date": record.birth_date.isoformat(), "gender": record.gender.value,
            "legal_status": record.legal_status.value, "status": record.status.value,
            "level": record.level.value if record.level else None,
            "came_from": record.institution.name if record.institution else record.placement,
            "left_care_on": record.left_care_on.isoformat() if record.left_care_on else None,
            "municipality": record.municipality.name if record.municipality else None,
            "address": record.address, "phone": record.phone, "email": record.email, "contacts": record.contacts,
            "service": record.service.name if record.service else None,
            "contracts": [{"number": c.number, "starts_on": c.starts_on.isoformat(), "ends_on": c.ends_on.isoformat(),
                           "consent_on": c.consent_on.isoformat(), "status": c.status.value,
                           "ended_on": c.ended_on.isoformat() if c.ended_on else None,
                           "service_undertakes": c.service_undertakes, "graduate_undertakes": c.graduate_undertakes,
                           "representative": c.representative} for c in contracts.contracts_of(record)],
            "notes_for_you": [{"text": n.text, "written_at": n.created_at.isoformat()}
                              for n in notes_of(record, for_graduate_only=True)],
        }
        entry.update(assessments.export_of(record))
        entry.update(plans.export_of(record))
        entry.update(appeals.export_of(record))
        out.append(entry)
    return {"records": out}


ERASED_NAME = "—"


def erase(user: User) -> None:
    """A graduate asks to be forgotten: their record is unlinked and anonymised where the law does not keep it.

    Contacts, address and every note go. A record with a support contract keeps the name, birth date,
    legal status and the contracts' and consents' dates: the service must be able to show whom it
    supported under which contract (the law keeps them; staff then see only these, as after a
    withdrawal of consent). A record without a contract keeps nothing that names the person: the
    name becomes «—» and the birth date stays only as the year's first day (for counts by age).
    Audit lines about the person lose their details by the core's rule (``person.erased``).
    """
    for record in db.session.scalars(select(GraduateRecord).where(GraduateRecord.user_id == user.id)
                                     .order_by(GraduateRecord.id)).all():
        hold(record)
        from plugins.casework import appeals, assessments, contracts, plans

        active = active_contract(record)
        if active is not None:
            contracts.CONTRACTS.apply(active, "withdraw", region=None, subject=user, details={"erased": True})
            active.ended_on = active.ended_on or date.today()
        if RECORDS.can(record, "withdraw"):
            move(None, record, "withdraw")
        assessments.erase_of(record)  # the free text written about them; scores stay for the counts
        plans.erase_of(record)
        appeals.erase_of(record)  # what was asked and written; the dated appeals stay for the region's counts
        has_contract = db.session.scalar(select(SupportContract.id).where(SupportContract.record_id == record.id)
                                         .limit(1)) is not None
        record.user_id = None
        record.address = record.phone = record.email = record.contacts = ""
        record.placement = ""
        for note in db.session.scalars(select(RecordNote).where(RecordNote.record_id == record.id)).all():
            db.session.delete(note)
        db.session.execute(update(RecordHandover).where(RecordHandover.record_id == record.id).values(reason="")
                           .execution_options(synchronize_session=False))
        for contract in db.session.scalars(select(SupportContract).where(SupportContract.record_id == record.id)):
            contract.service_undertakes = contract.graduate_undertakes = ""
            contract.end_reason = ""
        if not has_contract:
            record.last_name, record.first_name, record.middle_name = ERASED_NAME, ERASED_NAME, ""
            record.birth_date = date(record.birth_date.year, 1, 1)
            record.name_key = name_key(ERASED_NAME)
        if record.restricted_at is None:
            from portal.kit import utcnow

            record.restricted_at = utcnow()
        record.assessment_due_on = None
    db.session.flush()


def search_order(narrow: bool):
    """The list's order. By name through the (region, name_key) index; for a narrow filter on PostgreSQL, by the same
    key compared byte by byte (``COLLATE "C"``: name_key is lower case with ё as е, so that is the alphabet's
    order), which no index offers: the planner then takes the few matches from the trigram index and sorts them,
    instead of walking the whole name index in order testing every row to fill one page."""
    if narrow and db.session.get_bind().dialect.name == "postgresql":
        return (GraduateRecord.name_key.collate("C"), GraduateRecord.id)
    return (GraduateRecord.name_key, GraduateRecord.id)

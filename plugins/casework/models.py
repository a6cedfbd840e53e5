"""Case work: the region's support services, graduates' records, contracts, assessments, consilia, levels, plans.

Most graduates on record have no account: a record stands on its own and may be linked to one.
Names are kept as typed and once more as ``name_key`` (lower case, ё → е), so a search is case- and
ё-insensitive on both databases with one indexed column.
"""
from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import lazy_pgettext
from sqlalchemy import Boolean, Enum, ForeignKey, Index, Integer, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.kit import Institution, Municipality, User, db, status_labels, utcnow


def _enum(kind: type[enum.Enum], length: int = 20):
    return Enum(kind, native_enum=False, length=length)


def name_key(*parts: str) -> str:
    """The form a name is searched by: words joined by one space, lower case, ё as е."""
    words = " ".join(" ".join(p.split()) for p in parts if p).strip()
    return words.lower().replace("ё", "е")


# --- support services --------------------------------------------------------------------------------

class SupportService(db.Model):
    """A municipal support service (служба сопровождения), or the region's resource centre.

    The resource centre's coordinators see every record of the region; a service's staff see the service's.
    """

    __tablename__ = "casework_service"
    __table_args__ = (UniqueConstraint("region_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    is_resource_centre: Mapped[bool] = mapped_column(Boolean, default=False)
    address: Mapped[str] = mapped_column(String(300), default="")
    contact: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    municipalities: Mapped[list[ServiceMunicipality]] = relationship(back_populates="service",
                                                                     cascade="all, delete-orphan")
    staff: Mapped[list[ServiceStaff]] = relationship(back_populates="service", cascade="all, delete-orphan")


class ServiceMunicipality(db.Model):
    """A municipality a service is responsible for; each municipality has at most one service."""

    __tablename__ = "casework_service_municipality"

    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id", ondelete="CASCADE"),
                                                 primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("casework_service.id", ondelete="CASCADE"), index=True)

    service: Mapped[SupportService] = relationship(back_populates="municipalities")
    municipality: Mapped[Municipality] = relationship()


class ServiceStaff(db.Model):
    """A specialist or the coordinator of a service (the person also holds that role in the region)."""

    __tablename__ = "casework_service_staff"
    __table_args__ = (UniqueConstraint("service_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("casework_service.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    is_coordinator: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    service: Mapped[SupportService] = relationship(back_populates="staff")
    user: Mapped[User] = relationship()


# --- the graduate's record ------------------------------------------------------------------------------

class Gender(str, enum.Enum):
    female = "female"
    male = "male"


GENDER_LABELS = status_labels(Gender, {
    Gender.female: lazy_pgettext("casework", "female"),
    Gender.male: lazy_pgettext("casework", "male"),
})


class LegalStatus(str, enum.Enum):
    orphan = "orphan"  # дети-сироты
    without_care = "without_care"  # оставшиеся без попечения родителей


LEGAL_STATUS_LABELS = status_labels(LegalStatus, {
    LegalStatus.orphan: lazy_pgettext("casework", "orphan"),
    LegalStatus.without_care: lazy_pgettext("casework", "left without parental care"),
})


class RecordStatus(str, enum.Enum):
    identified = "identified"  # known to the service, no contact yet
    contacted = "contacted"
    under_support = "under_support"  # a contract is in force
    declined = "declined"  # the graduate does not want support (after 18 it is voluntary)
    left_region = "left_region"
    aged_out = "aged_out"  # 23 and over


RECORD_STATUS_LABELS = status_labels(RecordStatus, {
    RecordStatus.identified: lazy_pgettext("casework", "identified"),
    RecordStatus.contacted: lazy_pgettext("casework", "contacted"),
    RecordStatus.under_support: lazy_pgettext("casework", "under support"),
    RecordStatus.declined: lazy_pgettext("casework", "declined support"),
    RecordStatus.left_region: lazy_pgettext("casework", "left the region"),
    RecordStatus.aged_out: lazy_pgettext("casework", "aged out"),
})


class SupportLevel(str, enum.Enum):
    intensive = "intensive"
    supporting = "supporting"
    monitoring = "monitoring"


SUPPORT_LEVEL_LABELS = status_labels(SupportLevel, {
    SupportLevel.intensive: lazy_pgettext("casework", "intensive"),
    SupportLevel.supporting: lazy_pgettext("casework", "supporting"),
    SupportLevel.monitoring: lazy_pgettext("casework", "monitoring"),
})

#: The age support ends at (Belgorod: graduates of 15 to 23).
AGE_OUT = 23


class GraduateRecord(db.Model):
    """A graduate's social card (социальная карта): who they are, where they live, who supports them."""

    __tablename__ = "casework_record"
    __table_args__ = (
        UniqueConstraint("region_id", "user_id"),
        Index("ix_casework_record_region_name", "region_id", "name_key"),
        Index("ix_casework_record_region_birth", "region_id", "birth_date"),
        Index("ix_casework_record_service_status", "service_id", "status"),
        Index("ix_casework_record_region_due", "region_id", "assessment_due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id", ondelete="CASCADE"))
    last_name: Mapped[str] = mapped_column(String(100))
    first_name: Mapped[str] = mapped_column(String(100))
    middle_name: Mapped[str] = mapped_column(String(100), default="")  # отчество, may be absent
    name_key: Mapped[str] = mapped_column(String(310))  # see name_key()
    birth_date: Mapped[date]
    gender: Mapped[Gender] = mapped_column(_enum(Gender, 10))
    legal_status: Mapped[LegalStatus] = mapped_column(_enum(LegalStatus))
    # Where they came from: an institution of the region, or a foster family (named in words).
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("institution.id", ondelete="SET NULL"), index=True)
    placement: Mapped[str] = mapped_column(String(300), default="")  # e.g. «приёмная семья Ивановых»
    left_care_on: Mapped[date | None]
    # Where they actually live: support is given there.
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipality.id", ondelete="SET NULL"),
                                                        index=True)
    address: Mapped[str] = mapped_column(String(300), default="")
    phone: Mapped[str] = mapped_column(String(50), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    contacts: Mapped[str] = mapped_column(Text, default="")  # other ways to reach them, relatives
    service_id: Mapped[int | None] = mapped_column(ForeignKey("casework_service.id", ondelete="SET NULL"))
    specialist_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    status: Mapped[RecordStatus] = mapped_column(_enum(RecordStatus), default=RecordStatus.identified)
    level: Mapped[SupportLevel | None] = mapped_column(_enum(SupportLevel))  # approved current level
    assessment_due_on: Mapped[date | None]  # the next assessment's date while support runs (see due.py)
    # Consent withdrawn (after 18): support ended, staff see only what the law keeps.
    restricted_at: Mapped[datetime | None]
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("casework_record.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    service: Mapped[SupportService | None] = relationship()
    specialist: Mapped[User | None] = relationship(foreign_keys=[specialist_id])
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    institution: Mapped[Institution | None] = relationship()
    municipality: Mapped[Municipality | None] = relationship()

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.last_name, self.first_name, self.middle_name) if p)

    def age_on(self, day: date) -> int:
        return day.year - self.birth_date.year - ((day.month, day.day) < (self.birth_date.month, self.birth_date.day))

    @property
    def ages_out_on(self) -> date:
        try:
            return self.birth_date.replace(year=self.birth_date.year + AGE_OUT)
        except ValueError:  # born on 29 February
            return date(self.birth_date.year + AGE_OUT, 3, 1)


class RecordHandover(db.Model):
    """A record handed from one service to another (the graduate moved); the history stays with the record."""

    __tablename__ = "casework_handover"

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("casework_record.id", ondelete="CASCADE"), index=True)
    from_service_id: Mapped[int | None] = mapped_column(ForeignKey("casework_service.id", ondelete="SET NULL"))
    to_service_id: Mapped[int | None] = mapped_column(ForeignKey("casework_service.id", ondelete="SET NULL"))
    from_municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipality.id", ondelete="SET NULL"))
    to_municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipality.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text, default="")
    by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(default=utcnow)

    from_service: Mapped[SupportService | None] = relationship(foreign_keys=[from_service_id])
    to_service: Mapped[SupportService | None] = relationship(foreign_keys=[to_service_id])


class RecordNote(db.Model):
    """A note on a record; ``for_graduate`` notes are what staff wrote for the graduate to see."""

    __tablename__ = "casework_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("casework_record.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    for_graduate: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author: Mapped[User | None] = relationship()


# --- the support contract ---------------------------------------------------------------------------------

class ContractStatus(str, enum.Enum):
    active = "active"
    ended = "ended"  # its term ran out or support ended by agreement
    withdrawn = "withdrawn"  # the graduate withdrew consent


CONTRACT_STATUS_LABELS = status_labels(ContractStatus, {
    ContractStatus.active: lazy_pgettext("casework", "in force"),
    ContractStatus.ended: lazy_pgettext("casework", "ended"),
    ContractStatus.withdrawn: lazy_pgettext("casework", "consent withdrawn"),
})


class SupportContract(db.Model):
    """The support contract (договор о сопровождении): mutual obligations and the graduate's consent."""

    __tablename__ = "casework_contract"
    __table_args__ = (Index("ix_casework_contract_record_status", "record_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("casework_record.id", ondelete="CASCADE"))
    number: Mapped[str] = mapped_column(String(50), default="")
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    service_undertakes: Mapped[str] = mapped_column(Text, default="")
    graduate_undertakes: Mapped[str] = mapped_column(Text, default="")
    consent_on: Mapped[date]  # the graduate's (or a minor's representative's) consent, dated
    representative: Mapped[str] = mapped_column(String(300), default="")  # for a minor
    status: Mapped[ContractStatus] = mapped_column(_enum(ContractStatus), default=ContractStatus.active)
    ended_on: Mapped[date | None]
    end_reason: Mapped[str] = mapped_column(Text, default="")
    signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    record: Mapped[GraduateRecord] = relationship()
    signed_by: Mapped[User | None] = relationship()


# --- the quarterly life-situation assessment -----------------------------------------------------------------

class AssessmentArea(str, enum.Enum):
    legal_status = "legal_status"
    education = "education"
    housing = "housing"
    income = "income"
    employment = "employment"
    behaviour = "behaviour"
    children = "children"
    army_service = "army_service"
    other = "other"


ASSESSMENT_AREA_LABELS = status_labels(AssessmentArea, {
    AssessmentArea.legal_status: lazy_pgettext("casework", "legal status"),
    AssessmentArea.education: lazy_pgettext("casework", "education"),
    AssessmentArea.housing: lazy_pgettext("casework", "housing"),
    AssessmentArea.income: lazy_pgettext("casework", "income"),
    AssessmentArea.employment: lazy_pgettext("casework", "employment"),
    AssessmentArea.behaviour: lazy_pgettext("casework", "behaviour"),
    AssessmentArea.children: lazy_pgettext("casework", "children"),
    AssessmentArea.army_service: lazy_pgettext("casework", "army service"),
    AssessmentArea.other: lazy_pgettext("casework", "other"),
})


class Score(str, enum.Enum):
    """The four steps, from good to critical; ``problem`` and ``critical`` are difficulties found."""

    good = "good"
    not_ideal = "not_ideal"
    problem = "problem"
    critical = "critical"


SCORE_LABELS = status_labels(Score, {
    Score.good: lazy_pgettext("casework", "good"),
    Score.not_ideal: lazy_pgettext("casework", "not ideal"),
    Score.problem: lazy_pgettext("casework", "problem"),
    Score.critical: lazy_pgettext("casework", "critical"),
})
SCORE_RANK = {Score.good: 0, Score.not_ideal: 1, Score.problem: 2, Score.critical: 3}
DIFFICULTIES = (Score.problem, Score.critical)


class Assessment(db.Model):
    """One quarter's assessment of a graduate's life situation (карта оценки жизненной ситуации)."""

    __tablename__ = "casework_assessment"
    __table_args__ = (Index("ix_casework_assessment_record_quarter", "record_id", "quarter_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("casework_record.id", ondelete="CASCADE"))
    quarter_start: Mapped[date]  # the first day of the quarter of support it is for
    assessed_on: Mapped[date]
    specialist_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("casework_assessment.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The areas scored «problem» or «critical», one bit per area (difficulty_mask): the monitoring counts a
    # period's difficulties per area from the assessments alone, without reading nine area scores each.
    difficulties: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    record: Mapped[GraduateRecord] = relationship()
    specialist: Mapped[User | None] = relationship()
    areas: Mapped[list[AreaScore]] = relationship(back_populates="assessment", cascade="all, delete-orphan",
                                                  order_by="AreaScore.id")


def difficulty_mask(scores) -> int:
    """``(area, score)`` pairs -> the bits of the areas scored «problem» or «critical» (area k: bit k)."""
    order = list(AssessmentArea)
    return sum(1 << order.index(AssessmentArea(area)) for area, score in scores if Score(score) in DIFFICULTIES)


@event.listens_for(Assessment, "before_insert")
def _difficulties(mapper, connection, assessment: Assessment) -> None:
    """An assessment is written once with its scores (never edited): its bits are set as it goes in."""
    if assessment.areas:
        assessment.difficulties = difficulty_mask((a.area, a.score) for a in assessment.areas)


class AreaScore(db.Model):
    """An area's score with the reason and the goal, as OSCaR's assessments keep them."""

    __tablename__ = "casework_area_score"
    __table_args__ = (UniqueConstraint("assessment_id", "area"), Index("ix_casework_area_score_area", "area", "score"))

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("casework_assessment.id", ondelete="CASCADE"))
    area: Mapped[AssessmentArea] = mapped_column(_enum(AssessmentArea))
    score: Mapped[Score] = mapped_column(_enum(Score))
    reason: Mapped[str] = mapped_column(Text, default="")
    goal: Mapped[str] = mapped_column(Text, default="")

    assessment: Mapped[Assessment] = relationship(back_populates="areas")


# --- the consilium and support levels ---------------------------------------------------------------------

class Consilium(db.Model):
    """A quarterly case conference (консилиум) of a service's specialists."""

    __tablename__ = "casework_consilium"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("casework_service.id", ondelete="CASCADE"), index=True)
    held_on: Mapped[date]
    notes: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    service: Mapped[SupportService] = relationship()
    attendees: Mapped[list[ConsiliumAttendee]] = relationship(cascade="all, delete-orphan")
    decisions: Mapped[list[ConsiliumDecision]] = relationship(back_populates="consilium",
                                                              cascade="all, delete-orphan")


class ConsiliumAttendee(db.Model):
    __tablename__ = "casework_consilium_attendee"

    consilium_id: Mapped[int] = mapped_column(ForeignKey("casework_consilium.id", ondelete="CASCADE"),
                                              primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)

    user: Mapped[User] = relationship()


class ConsiliumDecision(db.Model):
    """What the consilium decided for one graduate discussed, and the level it set."""

    __tablename__ = "casework_consilium_decision"
    __table_args__ = (UniqueConstraint("consilium_id", "record_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consilium_id: Mapped[int] = mapped_column(ForeignKey("casework_consilium.id", ondelete="CASCADE"))
    record_id: Mapped[int] = mapped_column(ForeignKey("casework_record.id", ondelete="CASCADE"), index=True)
    decision: Mapped[str] = mapped_column(Text, default="")
    level: Mapped[SupportLevel] = mapped_column(_enum(SupportLevel))

    consilium: Mapped[Consilium] = relationship(back_populates="decisions")
    record: Mapped[GraduateRecord] = relationship()


class LevelChangeStatus(str, enum.Enum):
    pending = "pending"
    approved = "approved"
    rejected = "rejected"


LEVEL_CHANGE_LABELS = status_labels(LevelChangeStatus, {
    LevelChangeStatus.pending: lazy_pgettext("casework", "awaiting approval"),
    LevelChangeStatus.approved: lazy_pgettext("casework", "approved"),
    LevelChangeStatus.rejected: lazy_pgettext("casework", "rejected"),
})


class LevelChange(db.Model):
    """A change of a graduate's support level, proposed (by a consilium) and approved by the service's coordinator.

    The approved ones, in order, are the level's history; the record keeps the current level.
    """

    __tablename__ = "casework_level_change"
    __table_args__ = (Index("ix_casework_level_change_record_status", "record_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("casework_record.id", ondelete="CASCADE"))
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("casework_consilium_decision.id",
                                                               ondelete="SET NULL"))
    from_level: Mapped[SupportLevel | None] = mapped_column(_enum(SupportLevel))
    to_level: Mapped[SupportLevel] = mapped_column(_enum(SupportLevel))
    status: Mapped[LevelChangeStatus] = mapped_column(_enum(LevelChangeStatus), default=LevelChangeStatus.pending)
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    proposed_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]
    reason: Mapped[str] = mapped_column(Text, default="")  # why it was rejected

    record: Mapped[GraduateRecord] = relationship()
    decision: Mapped[ConsiliumDecision | None] = relationship()
    proposed_by: Mapped[User | None] = relationship(foreign_keys=[proposed_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])


# --- the individual plan -----------------------------------------------------------------------------------

class GoalStatus(str, enum.Enum):
    open = "open"
    achieved = "achieved"
    dropped = "dropped"


GOAL_STATUS_LABELS = status_labels(GoalStatus, {
    GoalStatus.open: lazy_pgettext("casework", "in work"),
    GoalStatus.achieved: lazy_pgettext("casework", "achieved"),
    GoalStatus.dropped: lazy_pgettext("casework", "dropped"),
})


class PlanGoal(db.Model):
    """A goal of the individual plan (индивидуальный план), usually from an assessment's problem area."""

    __tablename__ = "casework_goal"

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("casework_record.id", ondelete="CASCADE"), index=True)
    area: Mapped[AssessmentArea] = mapped_column(_enum(AssessmentArea))
    text: Mapped[str] = mapped_column(Text)
    assessment_id: Mapped[int | None] = mapped_column(ForeignKey("casework_assessment.id", ondelete="SET NULL"))
    status: Mapped[GoalStatus] = mapped_column(_enum(GoalStatus), default=GoalStatus.open)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    tasks: Mapped[list[PlanTask]] = relationship(back_populates="goal", cascade="all, delete-orphan",
                                                 order_by="PlanTask.due_on")


class TaskOwner(str, enum.Enum):
    specialist = "specialist"
    graduate = "graduate"
    mentor = "mentor"
    agency = "agency"  # another agency: named in ``owner_name``


TASK_OWNER_LABELS = status_labels(TaskOwner, {
    TaskOwner.specialist: lazy_pgettext("casework", "specialist"),
    TaskOwner.graduate: lazy_pgettext("casework", "the graduate"),
    TaskOwner.mentor: lazy_pgettext("casework", "mentor"),
    TaskOwner.agency: lazy_pgettext("casework", "another agency"),
})


class PlanTask(db.Model):
    """A task of a goal: who does it, by when, done or not (the graduate ticks their own)."""

    __tablename__ = "casework_task"
    __table_args__ = (Index("ix_casework_task_record_due", "record_id", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("casework_goal.id", ondelete="CASCADE"), index=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("casework_record.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text)
    owner: Mapped[TaskOwner] = mapped_column(_enum(TaskOwner))
    owner_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"),
                                                      index=True)
    owner_name: Mapped[str] = mapped_column(String(300), default="")
    due_on: Mapped[date]
    done_at: Mapped[datetime | None]
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    goal: Mapped[PlanGoal] = relationship(back_populates="tasks")
    owner_user: Mapped[User | None] = relationship(foreign_keys=[owner_user_id])


# --- the registry part (issue 15, A): the history of a record's status --------------------------------------

class StatusChange(db.Model):
    """One move of a record's status (who, when, from what to what), shown on the record as its history.

    The audit log has the same line, but it is not indexed by record; this table is (one page, one query).
    """

    __tablename__ = "casework_status_change"
    __table_args__ = (Index("ix_casework_status_change_record", "record_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("casework_record.id", ondelete="CASCADE"))
    from_status: Mapped[RecordStatus | None] = mapped_column(_enum(RecordStatus))
    to_status: Mapped[RecordStatus] = mapped_column(_enum(RecordStatus))
    by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(default=utcnow)

    by: Mapped[User | None] = relationship()


#: The registry's name search (every word typed: the start of some word of the name): on PostgreSQL a trigram
#: index answers ``LIKE 'word%' OR LIKE '% word%'`` at 100,000 records (migration cw002 creates pg_trgm).
Index("ix_casework_record_name_trgm", GraduateRecord.name_key, postgresql_using="gin",
      postgresql_ops={"name_key": "gin_trgm_ops"})
#: The registry's count of a page's total by reach (region; its services or specialist): an index-only scan.
Index("ix_casework_record_reach", GraduateRecord.region_id, GraduateRecord.service_id, GraduateRecord.specialist_id,
      postgresql_where=GraduateRecord.merged_into_id.is_(None), sqlite_where=GraduateRecord.merged_into_id.is_(None))


# --- indexes of the registry the benchmark asked for (bench/casework.py; migration cw003_imports) -------------
#: The registry list of a whole region (a resource centre's coordinator), in name order, and its pages far down:
#: without it PostgreSQL walks (region_id, name_key), re-reads each row for merged_into_id and sorts each name
#: again by id (page 300 of 100,000 records: 49 ms); with it an index-only scan answers (1.6 ms).
Index("ix_casework_record_region_live_name", GraduateRecord.region_id, GraduateRecord.name_key, GraduateRecord.id,
      postgresql_where=GraduateRecord.merged_into_id.is_(None), sqlite_where=GraduateRecord.merged_into_id.is_(None))
#: The pager's count of a list filtered by status and level (the usual "under support, intensive"): an index-only
#: count instead of reading the region's every row (4,000 of 100,000: 186 ms -> 1 ms under the same load).
Index("ix_casework_record_region_status_level", GraduateRecord.region_id, GraduateRecord.status, GraduateRecord.level,
      postgresql_where=GraduateRecord.merged_into_id.is_(None), sqlite_where=GraduateRecord.merged_into_id.is_(None))


# --- indexes of the monitoring (issue 16; bench/monitoring.py; migration cw005_monitoring) -------------------------
#: A period's assessments with their difficulty bits, read from the index alone.
Index("ix_casework_assessment_assessed", Assessment.assessed_on, Assessment.record_id, Assessment.difficulties)
#: A record's last approved level by a day: the top entry of this index, per record.
Index("ix_casework_level_change_approved", LevelChange.record_id, LevelChange.decided_at, LevelChange.id,
      LevelChange.to_level,
      postgresql_where=LevelChange.status == "approved", sqlite_where=LevelChange.status == "approved")
#: Who was under support on a day: the contracts' dates, per record.
Index("ix_casework_contract_record_dates", SupportContract.record_id, SupportContract.starts_on,
      SupportContract.ended_on)
#: A scope's live records (region, maybe one service) for the figures' joins, from the index alone: the
#: difficulties' and the levels' joins read 100,000 records in 5-17 ms instead of a 40-80 ms heap scan.
Index("ix_casework_record_live_scope", GraduateRecord.region_id, GraduateRecord.service_id, GraduateRecord.id,
      postgresql_where=GraduateRecord.merged_into_id.is_(None), sqlite_where=GraduateRecord.merged_into_id.is_(None))
#: Those under support today per service and their assessment's due day (overdue per service, the rating), from
#: the index alone: 50,000 of 100,000 records in 10 ms instead of a 50-80 ms heap scan (95 -> 21 ms the query); with the
#: region too, the country's overdue counts also read only the index.
Index("ix_casework_record_live_status_due", GraduateRecord.status, GraduateRecord.service_id,
      GraduateRecord.assessment_due_on, GraduateRecord.id, GraduateRecord.region_id,
      postgresql_where=GraduateRecord.merged_into_id.is_(None), sqlite_where=GraduateRecord.merged_into_id.is_(None))


# --- the appeals journal (issue 16): a graduate's appeals and what was done about them ------------------------

class AppealChannel(str, enum.Enum):
    """How the appeal came."""

    visit = "visit"  # личный приём
    phone = "phone"
    message = "message"  # a letter, an e-mail, a messenger
    portal = "portal"  # the graduate filed it on the portal themself


APPEAL_CHANNEL_LABELS = status_labels(AppealChannel, {
    AppealChannel.visit: lazy_pgettext("casework", "in person"),
    AppealChannel.phone: lazy_pgettext("casework", "by phone"),
    AppealChannel.message: lazy_pgettext("casework", "by message"),
    AppealChannel.portal: lazy_pgettext("casework", "on the portal"),
})


class AppealType(str, enum.Enum):
    """What the appeal is about (the journal's types, as Belgorod's «Выпускник Плюс» counts them)."""

    medical = "medical"
    social_payments = "social_payments"
    documents = "documents"
    rights = "rights"  # rights and obligations
    employment = "employment"
    permanent_housing = "permanent_housing"
    utility_debts = "utility_debts"
    temporary_housing = "temporary_housing"
    education = "education"
    psychological = "psychological"
    legal = "legal"
    material = "material"
    other = "other"


APPEAL_TYPE_LABELS = status_labels(AppealType, {
    AppealType.medical: lazy_pgettext("casework", "medical care"),
    AppealType.social_payments: lazy_pgettext("casework", "social payments"),
    AppealType.documents: lazy_pgettext("casework", "documents"),
    AppealType.rights: lazy_pgettext("casework", "rights and obligations"),
    AppealType.employment: lazy_pgettext("casework", "a job"),
    AppealType.permanent_housing: lazy_pgettext("casework", "permanent housing"),
    AppealType.utility_debts: lazy_pgettext("casework", "debts for utilities"),
    AppealType.temporary_housing: lazy_pgettext("casework", "temporary housing"),
    AppealType.education: lazy_pgettext("casework", "education"),
    AppealType.psychological: lazy_pgettext("casework", "psychological help"),
    AppealType.legal: lazy_pgettext("casework", "legal help"),
    AppealType.material: lazy_pgettext("casework", "material help"),
    AppealType.other: lazy_pgettext("casework", "other"),
})

#: The usual time an appeal of each type takes, in days from the day it was received: its due date.
USUAL_DAYS: dict[AppealType, int] = {
    AppealType.medical: 10,
    AppealType.social_payments: 30,
    AppealType.documents: 30,
    AppealType.rights: 15,
    AppealType.employment: 30,
    AppealType.permanent_housing: 30,
    AppealType.utility_debts: 15,
    AppealType.temporary_housing: 3,
    AppealType.education: 30,
    AppealType.psychological: 7,
    AppealType.legal: 15,
    AppealType.material: 10,
    AppealType.other: 30,
}


class AppealStatus(str, enum.Enum):
    new = "new"
    in_progress = "in_progress"
    resolved = "resolved"
    referred = "referred"  # referred to another agency
    closed = "closed"  # closed unresolved, with why


APPEAL_STATUS_LABELS = status_labels(AppealStatus, {
    AppealStatus.new: lazy_pgettext("casework", "new"),
    AppealStatus.in_progress: lazy_pgettext("casework", "in progress"),
    AppealStatus.resolved: lazy_pgettext("casework", "resolved"),
    AppealStatus.referred: lazy_pgettext("casework", "referred to another agency"),
    AppealStatus.closed: lazy_pgettext("casework", "closed unresolved"),
})
#: The statuses of an appeal still being worked on (the overdue lists count these past their due date).
OPEN_APPEAL = (AppealStatus.new, AppealStatus.in_progress)
#: The statuses that end an appeal (``closed_at`` is set).
FINISHED_APPEAL = (AppealStatus.resolved, AppealStatus.referred, AppealStatus.closed)


class Appeal(db.Model):
    """A graduate's appeal (обращение) in the journal: what was asked, how it came, who works on it, by when.

    ``service_id`` is the service responsible (the record's when filed, the new one when the record is handed
    over); ``specialist_id`` the specialist working on it. Who may open an appeal is the record's rule
    (scope.py). Nothing is deleted or edited in place: what happened is in :class:`AppealAction`.
    """

    __tablename__ = "casework_appeal"
    __table_args__ = (
        Index("ix_casework_appeal_region_status", "region_id", "status", "received_at"),
        Index("ix_casework_appeal_region_received", "region_id", "received_at", "id"),
        Index("ix_casework_appeal_service_status_due", "service_id", "status", "due_on"),
        Index("ix_casework_appeal_specialist_status_due", "specialist_id", "status", "due_on"),
        # A record's appeals, and a specialist's journal read from the index alone (the filters' columns included).
        Index("ix_casework_appeal_record", "record_id", "received_at", "id",
              postgresql_include=["region_id", "type", "status", "due_on", "closed_at", "specialist_id",
                                  "service_id"]),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id", ondelete="CASCADE"))
    record_id: Mapped[int] = mapped_column(ForeignKey("casework_record.id", ondelete="CASCADE"))
    service_id: Mapped[int | None] = mapped_column(ForeignKey("casework_service.id", ondelete="SET NULL"))
    specialist_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    type: Mapped[AppealType] = mapped_column(_enum(AppealType, 30))
    channel: Mapped[AppealChannel] = mapped_column(_enum(AppealChannel))
    status: Mapped[AppealStatus] = mapped_column(_enum(AppealStatus), default=AppealStatus.new)
    request: Mapped[str] = mapped_column(Text)  # what was asked, in the graduate's or the specialist's words
    received_at: Mapped[datetime] = mapped_column(default=utcnow)  # UTC
    due_on: Mapped[date]  # the region's day received + USUAL_DAYS[type]
    taken_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))  # logged it
    closed_at: Mapped[datetime | None]  # when it was resolved, referred or closed
    outcome: Mapped[str] = mapped_column(Text, default="")  # how it was resolved, or why it was closed
    referred_to: Mapped[str] = mapped_column(String(300), default="")  # the agency it was referred to
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    record: Mapped[GraduateRecord] = relationship()
    service: Mapped[SupportService | None] = relationship()
    specialist: Mapped[User | None] = relationship(foreign_keys=[specialist_id])
    taken_by: Mapped[User | None] = relationship(foreign_keys=[taken_by_id])


class AppealActionKind(str, enum.Enum):
    action = "action"  # something done about it: a call, a visit to an agency, a document sent
    status = "status"  # a status change (from_status -> to_status)
    assigned = "assigned"  # a specialist took it, or was given it
    correction = "correction"  # corrects an earlier entry (corrects_id); the earlier entry stays as it was
    offer = "offer"  # help another service of the region offered (e.g. a social hotel stay)


APPEAL_ACTION_LABELS = status_labels(AppealActionKind, {
    AppealActionKind.action: lazy_pgettext("casework", "action"),
    AppealActionKind.status: lazy_pgettext("casework", "status change"),
    AppealActionKind.assigned: lazy_pgettext("casework", "taken"),
    AppealActionKind.correction: lazy_pgettext("casework", "correction"),
    AppealActionKind.offer: lazy_pgettext("casework", "help offered"),
})


class AppealAction(db.Model):
    """One entry of an appeal's timeline: when, who, what. Entries are never edited or deleted; a correction
    is a new entry that names the one it corrects. ``staff_only`` entries are not shown to the graduate."""

    __tablename__ = "casework_appeal_action"
    __table_args__ = (Index("ix_casework_appeal_action_appeal", "appeal_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    appeal_id: Mapped[int] = mapped_column(ForeignKey("casework_appeal.id", ondelete="CASCADE"))
    kind: Mapped[AppealActionKind] = mapped_column(_enum(AppealActionKind))
    at: Mapped[datetime] = mapped_column(default=utcnow)  # UTC
    by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text, default="")
    from_status: Mapped[AppealStatus | None] = mapped_column(_enum(AppealStatus))
    to_status: Mapped[AppealStatus | None] = mapped_column(_enum(AppealStatus))
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("casework_appeal_action.id", ondelete="SET NULL"),
                                                    index=True)
    staff_only: Mapped[bool] = mapped_column(Boolean, default=False)

    by: Mapped[User | None] = relationship()

#: The overdue lists and the dashboard's overdue count: the open appeals only (``closed_at IS NULL``: new or in
#: progress; a plain predicate PostgreSQL proves from the query, unlike ``status IN (...)`` with bound values), by
#: region and due date, with who and which service: the counts per specialist and per service come from the index
#: alone (bench: 63,756 overdue of 1,000,000 counted in 27 ms instead of 80-250).
Index("ix_casework_appeal_open_due", Appeal.region_id, Appeal.due_on, Appeal.specialist_id, Appeal.service_id,
      Appeal.record_id, postgresql_where=Appeal.closed_at.is_(None), sqlite_where=Appeal.closed_at.is_(None))

#: The monitoring's appeals not resolved and not yet due (the "resolved in time" count leaves them out): the few
#: appeals due today or later, by region, read from the index alone.
Index("ix_casework_appeal_region_due", Appeal.region_id, Appeal.due_on, Appeal.received_at, Appeal.status,
      Appeal.service_id, Appeal.type)


# --- the monitoring's kept totals (monitoring/tallies.py keeps them equal to a recount) ---------------------------

class AppealTally(db.Model):
    """How many appeals of a type a service received in a month (UTC), by whole days taken to resolve them.

    ``service_id`` 0: no service; ``taken`` -1: not resolved (yet, or referred or closed). A page sums the months
    of its period and corrects the hours where the region's quarter and the UTC months differ.
    """

    __tablename__ = "casework_appeal_tally"

    region_id: Mapped[int] = mapped_column(ForeignKey("region.id", ondelete="CASCADE"), primary_key=True,
                                           autoincrement=False)
    service_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    month: Mapped[date] = mapped_column(primary_key=True)
    type: Mapped[str] = mapped_column(String(30), primary_key=True)
    taken: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    appeals: Mapped[int] = mapped_column(default=0)
    resolved: Mapped[int] = mapped_column(default=0)
    in_time: Mapped[int] = mapped_column(default=0)  # resolved by the end of the due day, by the region's clock


class DifficultyTally(db.Model):
    """How many assessments made in a month (``area`` "") and, per area, how many scored it a difficulty,
    by the service the record is with now (merged-away records not counted)."""

    __tablename__ = "casework_difficulty_tally"

    region_id: Mapped[int] = mapped_column(ForeignKey("region.id", ondelete="CASCADE"), primary_key=True,
                                           autoincrement=False)
    service_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    month: Mapped[date] = mapped_column(primary_key=True)
    area: Mapped[str] = mapped_column(String(30), primary_key=True)
    count: Mapped[int] = mapped_column(default=0)


class RecordTally(db.Model):
    """How many records of a service are in a status with their next assessment due on a day (``due_on``
    9999-12-31: none due), merged-away records not counted: statuses, and overdue assessments for any today."""

    __tablename__ = "casework_record_tally"

    region_id: Mapped[int] = mapped_column(ForeignKey("region.id", ondelete="CASCADE"), primary_key=True,
                                           autoincrement=False)
    service_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    status: Mapped[str] = mapped_column(String(20), primary_key=True)
    due_on: Mapped[date] = mapped_column(primary_key=True)
    count: Mapped[int] = mapped_column(default=0)


class LevelTally(db.Model):
    """Changes of how many graduates are under support at a level (``level`` "": none approved yet), by the
    quarter end from which they count: the number at a quarter end is the sum of the changes up to it."""

    __tablename__ = "casework_level_tally"

    region_id: Mapped[int] = mapped_column(ForeignKey("region.id", ondelete="CASCADE"), primary_key=True,
                                           autoincrement=False)
    service_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    since: Mapped[date] = mapped_column(primary_key=True)
    level: Mapped[str] = mapped_column(String(20), primary_key=True)
    change: Mapped[int] = mapped_column(default=0)


# The kept totals follow every flush of the rows above (session events): registered wherever the models are used.
from plugins.casework.monitoring import tallies as _tallies  # noqa: E402,F401

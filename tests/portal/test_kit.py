"""The plugin kit's building blocks, each on its own (the plugins' tests use them in context)."""
from __future__ import annotations

import csv
import enum
import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask import g
from flask_babel import lazy_gettext as _l
from icalendar import Calendar
from sqlalchemy import func, select
from werkzeug.exceptions import Forbidden, NotFound
from wtforms import StringField, TextAreaField

from portal import kit
from portal.models import AuditEvent, Membership, MembershipStatus
from tests.helpers import at_once, make_user
from tests.sample_plugin.models import SampleNote

db = kit.db


def _events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


# --- guarded transitions --------------------------------------------------------------------------

DECISIONS = kit.Lifecycle("membership", "membership")
DECISIONS.move("approved", {MembershipStatus.pending}, MembershipStatus.active)
DECISIONS.move("rejected", {MembershipStatus.pending}, MembershipStatus.rejected,
               refused=_l("This proposal is already decided."))
DECISIONS.move("reopened", {MembershipStatus.rejected}, MembershipStatus.pending)


@pytest.fixture
def pending(regions):
    user = make_user("new@belgorod.test", {regions["belgorod"]: ["graduate"]}, status=MembershipStatus.pending)
    return user.memberships[0]


def test_a_move_changes_the_status_and_writes_from_and_to(app, pending, regions):
    with app.test_request_context():
        before = DECISIONS.apply(db.session.get(Membership, pending.id), "approved", region=regions["belgorod"])
        db.session.commit()
    assert before == MembershipStatus.pending
    assert db.session.get(Membership, pending.id).status == MembershipStatus.active
    event, = _events("membership.approved")
    assert event.target == f"membership:{pending.id}" and event.details == {"from": "pending", "to": "active"}


def test_a_move_from_a_state_it_does_not_start_from_is_refused_with_the_state(app, pending):
    with app.test_request_context():
        row = db.session.get(Membership, pending.id)
        assert DECISIONS.can(row, "approved") and not DECISIONS.can(row, "reopened")
        with pytest.raises(kit.Refusal, match="ждёт подтверждения|waiting for approval"):
            DECISIONS.apply(row, "reopened")
    assert _events("membership.reopened") == []


def test_the_status_is_read_again_under_the_lock(app, pending):
    """The row as loaded says pending; someone else has decided since: the move sees that and refuses."""
    with app.test_request_context():
        stale = db.session.get(Membership, pending.id)
        db.session.execute(Membership.__table__.update().where(Membership.id == pending.id)
                           .values(status=MembershipStatus.active.name))
        with pytest.raises(kit.Refusal) as refused:
            DECISIONS.apply(stale, "rejected")
        assert str(refused.value) == "Это предложение уже рассмотрено." or "already decided" in str(refused.value)
        assert stale.status == MembershipStatus.active


def test_two_contradicting_decisions_at_once_one_wins(app, pending):
    def decide(move, start):
        row = db.session.get(Membership, pending.id)
        db.session.commit()
        start()
        try:
            DECISIONS.apply(row, move)
            db.session.commit()
            return move
        except kit.Refusal:
            db.session.rollback()
            return "refused"

    outcomes = at_once(app, ["approved", "rejected"] * 3, decide)
    assert sorted(outcomes).count("refused") == 5, outcomes
    winner = next(o for o in outcomes if o != "refused")
    db.session.expire_all()
    assert db.session.get(Membership, pending.id).status.value == {"approved": "active", "rejected": "rejected"}[winner]
    assert len(_events(f"membership.{winner}")) == 1


# --- region-scoped loading --------------------------------------------------------------------------

@pytest.fixture
def notes(people, regions):
    mine = SampleNote(region_id=regions["belgorod"].id, user_id=people["graduate"].id, text="here")
    theirs = SampleNote(region_id=regions["smolensk"].id, user_id=people["graduate"].id, text="there")
    db.session.add_all([mine, theirs])
    db.session.commit()
    return mine, theirs


def test_an_object_of_another_region_is_not_found(app, notes, regions):
    mine, theirs = notes
    with app.test_request_context():
        g.region = regions["belgorod"]
        assert kit.region_object(SampleNote, mine.id).text == "here"
        for missing in (theirs.id, 987654):
            with pytest.raises(NotFound):
                kit.region_object(SampleNote, missing)


def test_the_object_level_check_hides_or_denies(app, notes, regions, people):
    mine, _theirs = notes
    with app.test_request_context():
        g.region = regions["belgorod"]
        with pytest.raises(NotFound):
            kit.region_object(SampleNote, mine.id, allowed=lambda note: note.user_id == people["mentor"].id)
        with pytest.raises(Forbidden):
            kit.region_object(SampleNote, mine.id, allowed=lambda note: False, refuse=403)
        assert kit.region_object(SampleNote, mine.id, via=lambda note: note.region_id).id == mine.id
    assert len(_events("access.denied")) == 1


# --- audited reads ------------------------------------------------------------------------------------

def test_a_rendered_read_is_audited_with_the_graduates_it_names(app, people, regions):
    with app.test_request_context():
        g.region = regions["belgorod"]
        page, status = kit.render_audited("errors/partial.html", action="sample.list.viewed", target="list",
                                          names=[people["graduate"], people["graduate"].id, None],
                                          status=422, title="t", text="the page", error_id=None)
    assert status == 422 and "the page" in page
    event, = _events("sample.list.viewed")
    assert event.details == {"graduates": [people["graduate"].id]} and event.region_id == regions["belgorod"].id


def test_a_read_of_ones_own_record_can_go_unaudited(app, regions):
    with app.test_request_context():
        g.region = regions["belgorod"]
        kit.render_audited("errors/partial.html", action="sample.own.viewed", target="x", audit_if=False,
                           title="t", text="x", error_id=None)
    assert _events("sample.own.viewed") == []


# --- exports ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_csv_cell_never_starts_a_formula(start):
    assert kit.safe_cell(f'{start}HYPERLINK("http://evil.example","x")').startswith("'")
    assert kit.safe_cell(-5) == -5 and kit.safe_cell("Смоленск") == "Смоленск"


def test_the_csv_download_has_a_bom_and_neutral_cells(app):
    with app.test_request_context():
        response = kit.csv_response("x.csv", ["=Header", "Месяц"], [['=HYPERLINK("http://evil.example","x")', 3]])
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeff") and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows == [["'=Header", "Месяц"], ["'=HYPERLINK(\"http://evil.example\",\"x\")", "3"]]


def test_a_calendar_with_line_breaks_in_one_line_values_parses_back():
    entry = kit.CalendarEntry(uid="event-1@portal", summary="Клуб\r\nс переносом", start=datetime(2026, 12, 7, 15),
                              end=datetime(2026, 12, 7, 17), location="ул. Ленина,\n1",
                              description="две\nстроки", sequence=2, cancelled=True)
    parsed = Calendar.from_ical(kit.calendar_bytes("Клуб\nимя", [entry], datetime(2026, 12, 1)))
    event, = parsed.walk("VEVENT")
    assert str(event["summary"]) == "Клуб с переносом" and str(event["location"]) == "ул. Ленина, 1"
    assert str(event["description"]) == "две\nстроки" and str(event["status"]) == "CANCELLED"
    assert str(parsed["x-wr-calname"]) == "Клуб имя"


# --- region time --------------------------------------------------------------------------------------

class Place:
    def __init__(self, timezone):
        self.timezone = timezone


def test_today_is_the_regions_not_the_servers():
    """Kiritimati (UTC+14) and Pago Pago (UTC−11) are 25 hours apart: never on the same day."""
    apart = kit.today(Place("Pacific/Kiritimati")) - kit.today(Place("Pacific/Pago_Pago"))
    assert apart in (timedelta(days=1), timedelta(days=2))
    assert kit.now(Place("Asia/Kamchatka")).utcoffset() == timedelta(hours=12)


def test_times_go_to_utc_and_back():
    moscow = Place("Europe/Moscow")
    assert kit.to_utc(datetime(2026, 12, 7, 18, 0), moscow) == datetime(2026, 12, 7, 15, 0)
    assert kit.to_local(datetime(2026, 12, 31, 22, 0), moscow) == datetime(2027, 1, 1, 1, 0)
    assert kit.region_year(moscow, datetime(2026, 12, 31, 22, 0)) == 2027


def test_one_pattern_per_language(app):
    with app.test_request_context():
        assert kit.format_day(date(2026, 12, 13), locale="ru") == "13 декабря 2026"
        assert kit.format_day(date(2026, 12, 13), locale="en") == "13 December 2026"
        assert kit.format_moment(datetime(2026, 12, 7, 15, 0), locale="en",
                                 tz=ZoneInfo("Europe/Moscow")) == "7 December 2026, 18:00"
        assert kit.format_span(date(2026, 3, 12), date(2026, 3, 14), locale="ru") == "12 марта – 14 марта"


# --- status labels ----------------------------------------------------------------------------------

class Answer(str, enum.Enum):
    pending = "pending"
    yes = "yes"
    no = "no"


def test_every_state_needs_a_label_and_the_label_is_found_by_value():
    with pytest.raises(ValueError, match="no"):
        kit.status_labels(Answer, {Answer.pending: _l("pending"), Answer.yes: _l("yes")})
    labels = kit.status_labels(Answer, {Answer.pending: "ждёт", Answer.yes: "да", Answer.no: "нет"})
    assert kit.label_of(Answer.no) == "нет" and labels("yes") == "да" and labels(Answer.no) == "нет"
    assert labels.choices()[0] == ("pending", "ждёт") and kit.label_of("elsewhere") == "elsewhere"


# --- forms --------------------------------------------------------------------------------------------

class NoteForm(kit.Form):
    class Meta:
        csrf = False

    title = StringField()
    text = TextAreaField()


@pytest.mark.parametrize("bad", ["a\x00b", "\x1b[31m", "x\x7f"])
def test_a_form_refuses_control_characters_next_to_the_field(app, bad):
    with app.test_request_context(method="POST", data={"title": bad, "text": "ok"}):
        form = NoteForm()
        assert not form.validate()
        assert form.title.errors and not form.text.errors


def test_line_breaks_and_tabs_are_typed_text(app):
    with app.test_request_context(method="POST", data={"title": "a\tb", "text": "one\r\ntwo\n"}):
        assert NoteForm().validate()


# --- reservations: units and what a person holds -------------------------------------------------------

def test_units_are_added_retired_and_resized(app, regions, people):
    resource = kit.reservations.add_resource(regions["belgorod"], "sample", "Room", ["1"])
    second = kit.reservations.add_unit(resource, "2")
    assert second.position == 1
    held = kit.reservations.claim(resource, people["graduate"], 0, 1, unit=second)
    with pytest.raises(kit.reservations.ReservationError):
        kit.reservations.resize(resource, 0)
    kit.reservations.resize(resource, 1)  # the free unit retires, the held one stays
    assert [u.active for u in resource.units] == [False, True]
    waiting = kit.reservations.claim(resource, people["mentor"], 0, 1, wait=True)
    promoted = kit.reservations.resize(resource, 3)
    assert promoted == [waiting] and sum(u.active for u in resource.units) == 3
    assert kit.reservations.claims_held_by(people["graduate"]) == [held]
    assert kit.reservations.claims_held_by(people["graduate"], owner="other") == []
    kit.reservations.retire_unit(second)
    assert [held.status, waiting.status] == [kit.ClaimStatus.held] * 2 and not second.active


def test_the_audit_log_names_a_status_change_with_its_labels(app, client, people, pending, regions):
    kit.status_labels(Answer, {Answer.pending: "ждёт ответа", Answer.yes: "да", Answer.no: "нет"})
    with app.test_request_context():
        kit.audit("sample.answered", target="answer:1", region=regions["belgorod"],
                  details={"from": "pending", "to": "yes"})
        db.session.commit()
    client.login_as(people["region_admin"])
    page = client.get("/belgorod/admin/audit").get_data(as_text=True)
    assert "→" in page and "да" in page


def test_what_was_written_under_refuse_duplicates_is_undone_by_a_rollback(app, regions, people):
    """On SQLite the savepoint used to be the whole transaction, committed when released."""
    with app.test_request_context():
        with kit.refuse_duplicates("twice"):
            db.session.add(SampleNote(region_id=regions["belgorod"].id, user_id=people["graduate"].id, text="x"))
        db.session.rollback()
    assert db.session.scalar(select(func.count(SampleNote.id))) == 0


def test_refuse_duplicates_turns_a_unique_conflict_into_the_refusal(app, regions):
    with app.test_request_context():
        with pytest.raises(kit.Refusal, match="already there"):
            with kit.refuse_duplicates("already there", "name"):
                db.session.add(kit.Municipality(region_id=regions["belgorod"].id, name="Белгород"))
        db.session.add(kit.Municipality(region_id=regions["belgorod"].id, name="Новый Оскол"))
        db.session.commit()  # the caller's other changes survive the conflict
    assert {m.name for m in db.session.get(kit.Region, regions["belgorod"].id).municipalities} >= {"Новый Оскол"}


def test_a_change_within_a_state_is_guarded_and_keeps_the_status(app, pending):
    changes = kit.Lifecycle("membership", "membership")
    changes.move("noted", {MembershipStatus.pending, MembershipStatus.active})
    with app.test_request_context():
        before = changes.apply(db.session.get(Membership, pending.id), "noted", details={"note": "x"})
        db.session.commit()
    assert before == MembershipStatus.pending == db.session.get(Membership, pending.id).status
    event, = _events("membership.noted")
    assert event.details == {"from": "pending", "to": "pending", "note": "x"}


def test_holding_a_row_changes_nothing_in_it(app, regions):
    """Holding is not changing: a column with an onupdate (changed_at, updated_at) keeps its value.

    Before, holding a graduate's profile moved its updated_at, which orders the waiting list.
    """
    from portal.models import RegionPlugin

    with app.test_request_context():
        switch = db.session.scalar(select(RegionPlugin).where(RegionPlugin.region_id == regions["belgorod"].id))
        before = switch.changed_at
        kit.hold(switch)
        db.session.commit()
        db.session.expire_all()
        assert db.session.get(RegionPlugin, switch.id).changed_at == before


def test_holding_a_row_deleted_meanwhile_says_so(app, notes):
    mine, _theirs = notes
    with app.test_request_context():
        row = db.session.get(SampleNote, mine.id)
        db.session.execute(SampleNote.__table__.delete().where(SampleNote.id == mine.id))
        with pytest.raises(kit.Gone):
            kit.hold(row)

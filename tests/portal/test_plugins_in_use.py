"""What each plugin says is in use before a region admin switches it off (``portal_in_use``), counted in SQL."""
from __future__ import annotations

from flask_babel import force_locale

from plugins.graduate_clubs import portal_in_use as clubs_in_use
from plugins.training_apartments import portal_in_use as apartments_in_use
from plugins.volunteer_festivals import portal_in_use as festivals_in_use
from portal.app.extensions import db
from tests.plugins.graduate_clubs.conftest import club, event, soon  # noqa: F401  (fixtures)
from tests.plugins.graduate_clubs.conftest import add_event
from tests.plugins.training_apartments.conftest import apartment, home, pupil, stay_now  # noqa: F401
from tests.plugins.volunteer_festivals.conftest import festival  # noqa: F401


def _english(app, answer):
    with app.test_request_context(), force_locale("en"):
        return [str(line) for line in answer()]


def test_clubs_count_the_events_ahead_and_their_registrations(app, club, regions, people, soon):  # noqa: F811
    from plugins.graduate_clubs import clubs

    belgorod = regions["belgorod"]
    assert _english(app, lambda: clubs_in_use(belgorod)) == []
    ahead = add_event(club, soon)
    add_event(club, soon)
    clubs.register(ahead, people["graduate"])
    db.session.commit()
    assert _english(app, lambda: clubs_in_use(belgorod)) == ["2 events ahead", "1 registration for them"]
    assert _english(app, lambda: clubs_in_use(regions["smolensk"])) == []


def test_apartments_count_who_lives_there_now(app, apartment, pupil, regions):  # noqa: F811
    belgorod = regions["belgorod"]
    assert _english(app, lambda: apartments_in_use(belgorod)) == []
    stay_now(apartment, pupil)
    assert _english(app, lambda: apartments_in_use(belgorod)) == ["1 pupil living in an apartment now"]
    assert _english(app, lambda: apartments_in_use(regions["smolensk"])) == []


def test_festivals_count_those_not_over(app, festival, regions):  # noqa: F811
    assert _english(app, lambda: festivals_in_use(regions["belgorod"])) == ["1 festival not over yet"]
    assert _english(app, lambda: festivals_in_use(regions["smolensk"])) == []


def test_mentorship_counts_the_pairs_meeting_and_the_proposals_waiting(app, people, regions):
    from plugins.mentorship import portal_in_use as mentorship_in_use
    from plugins.mentorship.models import Mentorship, MentorshipStatus

    belgorod = regions["belgorod"]
    assert _english(app, lambda: mentorship_in_use(belgorod)) == []
    for status in (MentorshipStatus.active, MentorshipStatus.proposed, MentorshipStatus.approved,
                   MentorshipStatus.ended):
        db.session.add(Mentorship(region_id=belgorod.id, graduate_id=people["graduate"].id,
                                  mentor_id=people["mentor"].id, status=status))
    db.session.commit()
    assert _english(app, lambda: mentorship_in_use(belgorod)) == ["1 pair meeting now",
                                                                 "2 proposals waiting for an answer"]
    assert _english(app, lambda: mentorship_in_use(regions["smolensk"])) == []


def test_case_work_counts_the_graduates_under_support_and_the_open_appeals(app, people, regions):
    from plugins.casework import portal_in_use as casework_in_use
    from plugins.casework.models import RecordStatus
    from tests.plugins.casework.conftest import make_record, make_service

    belgorod = regions["belgorod"]
    assert _english(app, lambda: casework_in_use(belgorod)) == []
    service = make_service(belgorod, "Служба", ["Белгород"])
    make_record(belgorod, service, status=RecordStatus.under_support)
    make_record(belgorod, service, "Петрова", status=RecordStatus.identified)
    assert _english(app, lambda: casework_in_use(belgorod)) == ["1 graduate under support"]
    assert _english(app, lambda: casework_in_use(regions["smolensk"])) == []

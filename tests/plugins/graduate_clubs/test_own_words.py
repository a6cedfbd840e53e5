"""The merged catalogues keep each catalogue's words: the core's and the plugins' pages say their own."""
from __future__ import annotations

import re

from flask_babel import force_locale

from plugins.graduate_clubs.models import EVENT_LABELS, REGISTRATION_LABELS, EventStatus, RegistrationStatus
from plugins.mentorship.models import STATUS_LABELS as MENTORSHIP_LABELS
from plugins.mentorship.models import MentorshipStatus
from plugins.social_hotel.models import LABELS as STAY_LABELS
from plugins.social_hotel.models import StayStatus

BASE = "/belgorod/graduate_clubs"


def _submit_words(page: str, action: str) -> list[str]:
    """What the submit buttons of the form posting to ``action`` say."""
    form = re.search(rf'<form[^>]*action="{re.escape(action)}"[^>]*>(.*?)</form>', page, re.S)
    assert form, f"no form posting to {action}"
    inputs = re.findall(r'<input[^>]*type="submit"[^>]*value="([^"]*)"', form.group(1))
    buttons = re.findall(r'<button[^>]*type="submit"[^>]*>\s*([^<]*?)\s*</button>', form.group(1))
    return inputs + buttons


def test_signing_up_for_the_portal_and_for_an_event_are_different_words(app, people, event):
    """«Register» is joining the portal on the core's page and taking a seat on a club's event page."""
    portal_page = app.test_client().get("/belgorod/register").get_data(as_text=True)
    assert _submit_words(portal_page, "/belgorod/register") == ["Зарегистрироваться"]

    graduate = app.test_client().login_as(people["graduate"])
    event_page = graduate.get(f"{BASE}/events/{event.id}").get_data(as_text=True)
    assert _submit_words(event_page, f"{BASE}/events/{event.id}/register") == ["Записаться"]


def test_each_service_names_its_states_in_its_own_words(app_context):
    """A stay is «отменено»/«отказано»/«заезд не состоялся» (neutral; «не приехала»/«не приехал» by the
    profile); a club event or seat «отменена», a mentorship «отклонено»."""
    with force_locale("ru"):
        assert STAY_LABELS(StayStatus.cancelled) == "отменено"
        assert STAY_LABELS(StayStatus.rejected) == "отказано"
        assert STAY_LABELS(StayStatus.no_show) == "заезд не состоялся"
        assert EVENT_LABELS(EventStatus.cancelled) == "отменена"
        assert REGISTRATION_LABELS(RegistrationStatus.cancelled) == "отменена"
        assert REGISTRATION_LABELS(RegistrationStatus.registered) == "есть запись"
        assert MENTORSHIP_LABELS(MentorshipStatus.rejected) == "отклонено"

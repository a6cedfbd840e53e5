"""Deep pages (one object of a list: a stay, a record, a shift...) say where the reader is: breadcrumbs."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEEP_PAGES = [
    "portal/templates/people/person.html",
    "plugins/casework/templates/casework/records/record.html",
    "plugins/casework/templates/casework/appeals/appeal.html",
    "plugins/casework/templates/casework/assessments/assessment.html",
    "plugins/casework/templates/casework/assessments/form.html",
    "plugins/casework/templates/casework/assessments/history.html",
    "plugins/casework/templates/casework/plans/plan.html",
    "plugins/casework/templates/casework/consilium/consilium.html",
    "plugins/graduate_clubs/templates/graduate_clubs/club.html",
    "plugins/graduate_clubs/templates/graduate_clubs/event.html",
    "plugins/mentorship/templates/mentorship/mentorship.html",
    "plugins/social_hotel/templates/social_hotel/stay.html",
    "plugins/training_apartments/templates/training_apartments/apartment.html",
    "plugins/training_apartments/templates/training_apartments/stay.html",
    "plugins/training_apartments/templates/training_apartments/pupil.html",
    "plugins/volunteer_festivals/templates/volunteer_festivals/festival.html",
    "plugins/volunteer_festivals/templates/volunteer_festivals/group.html",
    "plugins/volunteer_festivals/templates/volunteer_festivals/shift.html",
]


@pytest.mark.parametrize("template", DEEP_PAGES)
def test_a_deep_page_has_breadcrumbs(template):
    text = (ROOT / template).read_text(encoding="utf-8")
    assert "{% block breadcrumbs %}" in text and "breadcrumbs([" in text

"""Words that speak of a person take the form their profile asks for; dates and times have one pattern per
language, and no template spells a pattern of its own."""
from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

import pytest
from flask_babel import force_locale

from plugins.mentorship.models import ANSWER_LABELS, Answer
from plugins.social_hotel.models import LABELS as STAY_LABELS
from plugins.social_hotel.models import StayStatus
from portal.app.extensions import db
from portal.kit import gendered, label_of
from portal.services import region_time

ROOT = Path(__file__).resolve().parents[2]


class Person:
    def __init__(self, gender):
        self.gender = gender


@pytest.mark.parametrize("gender, checked_in, agreed", [
    ("female", "заселена", "согласна"), ("male", "заселён", "согласен"),
    (None, "живёт в гостинице", "согласие дано"),
    ("something else", "живёт в гостинице", "согласие дано"),
])
def test_a_status_speaks_of_the_person_as_their_profile_says(app_context, gender, checked_in, agreed):
    person = Person(gender)
    with app_context.test_request_context(), force_locale("ru"):
        assert label_of(StayStatus.checked_in, person) == checked_in
        assert STAY_LABELS.of(StayStatus.checked_in, person) == checked_in
        assert ANSWER_LABELS.of(Answer.accepted, person) == agreed
        assert label_of(StayStatus.confirmed, person) == label_of(StayStatus.confirmed)  # one form for all
    with app_context.test_request_context(), force_locale("en"):
        assert label_of(StayStatus.checked_in, person) == "checked in"
        assert gendered(person, "neutral", "hers", "his") == {"female": "hers", "male": "his"}.get(gender, "neutral")


def test_no_russian_word_is_written_with_a_bracketed_ending():
    """«заселён(а)», «согласился(-ась)», «мог(ла)»: the profile says which, or a neutral wording is used."""
    from babel.messages.pofile import read_po

    found = []
    for path in [ROOT / "translations/ru/LC_MESSAGES/messages.po",
                 *sorted(ROOT.glob("plugins/*/translations/ru/LC_MESSAGES/messages.po"))]:
        with open(path, "rb") as handle:
            for message in read_po(handle, locale="ru"):
                strings = message.string if isinstance(message.string, tuple) else (message.string,)
                found += [f"{path.parent.parent.parent.parent.name}: {s}" for s in strings
                          if s and re.search(r"\w\((-?а|-?ла|-?на|-ась|-ся)\)", s)]
    assert not found, found


def test_the_profile_keeps_the_persons_gender_and_refuses_other_values(client, people, regions):
    person = people["graduate"]
    client.login_as(person)
    page = client.get("/profile").get_data(as_text=True)
    assert 'name="gender"' in page
    base = {"name": person.name, "municipality": 0, "language": "ru"}
    assert client.post("/profile", data={**base, "gender": "female"}).status_code == 302
    db.session.expire_all()
    assert person.gender == "female"
    bad = client.post("/profile", data={**base, "gender": "robot"})
    assert bad.status_code == 200 and 'aria-invalid="true"' in bad.get_data(as_text=True)
    db.session.expire_all()
    assert person.gender == "female"
    assert client.post("/profile", data={**base, "gender": ""}).status_code == 302
    db.session.expire_all()
    assert person.gender is None


@pytest.mark.parametrize("locale, day, short, month, moment, span", [
    ("ru", "7 декабря 2026", "07.12", "декабрь 2026", "7 декабря 2026, 18:00",
     "7 декабря 2026, 18:00 – 20:30"),
    ("en", "7 December 2026", "07.12", "December 2026", "7 December 2026, 18:00",
     "7 December 2026, 18:00 – 20:30"),
])
def test_one_pattern_per_kind_and_language(app_context, locale, day, short, month, moment, span):
    filters = app_context.jinja_env.filters
    starts, ends = datetime(2026, 12, 7, 15, 0), datetime(2026, 12, 7, 17, 30)  # UTC; Moscow is UTC+3
    with app_context.test_request_context(), force_locale(locale):
        assert filters["date"](date(2026, 12, 7)) == day == region_time.format_day(date(2026, 12, 7))
        assert filters["date"](date(2026, 12, 7), "short") == short
        assert filters["date"](date(2026, 12, 1), "month") == month
        assert filters["datetime"](starts) == moment
        assert filters["datetime"](starts, "time") == "18:00"
        assert filters["moment_span"](starts, ends) == span
        next_day = filters["moment_span"](starts, datetime(2026, 12, 8, 9, 0))
        assert next_day.endswith(", 12:00") and next_day.count("2026") == 2
        with pytest.raises(KeyError):
            filters["date"](date(2026, 12, 7), "dd/MM/yy")  # a page cannot bring a pattern of its own


def test_no_template_spells_its_own_date_pattern():
    kinds = set(region_time.DAY_KINDS) | set(region_time.MOMENT_KINDS)
    found = []
    for path in [*ROOT.glob("portal/templates/**/*.html"), *ROOT.glob("plugins/*/templates/**/*.html")]:
        text = path.read_text(encoding="utf-8")
        named = re.findall(r"\|(?:date|datetime)\(\s*\"([^\"]*)\"", text)
        found += [f"{path.relative_to(ROOT)}: {kind}" for kind in named if kind not in kinds]
        found += [f"{path.relative_to(ROOT)}: strftime" for _ in re.findall(r"\.strftime\(", text)]
    assert not found, found

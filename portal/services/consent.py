"""Consent to the processing of personal data (152-FZ, art. 9): the region's text, its version, who agreed.

A region that has set no text of its own shows the one the portal ships (version 0, in both
languages); each change by the region admin is a new version, and every consent keeps the
version the person read. A graduate under 18 also needs their legal representative's consent,
which a coordinator records at approval.
"""
from __future__ import annotations

from datetime import date

from flask_babel import force_locale, get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from portal.app.extensions import db
from portal.models import ConsentKind, ConsentText, PersonalDataConsent, Region, Role, User
from portal.models._time import utcnow
from portal.services.region_time import today

ADULT_AGE = 18

DEFAULT_TEXT = _l(
    "I agree that the regional support service for graduates of organisations for orphans and children left "
    "without parental care (%(region)s), as the operator, processes my personal data: surname, name, patronymic, "
    "date of birth, contact details, place of residence, and the information about my life situation, education, "
    "housing and work that I or the specialists of the service enter here. Purpose: support after leaving the "
    "organisation, mentoring, and help from volunteers and the services of the region. Actions: collection, "
    "recording, systematisation, storage, clarification, use, transfer to the specialists of the service and the "
    "mentor assigned to me, blocking, deletion and destruction, with and without automation. The consent is valid "
    "until the support ends and for three years after that; I may withdraw it at any time by writing to the "
    "service, and then my data are deleted unless the law requires them to be kept. (Federal Law No. 152-FZ "
    "\"On Personal Data\".)")


def latest(region: Region) -> ConsentText | None:
    return db.session.scalar(select(ConsentText).where(ConsentText.region_id == region.id)
                             .order_by(ConsentText.version.desc()).limit(1))


def current_text(region: Region, locale: str | None = None) -> tuple[int, str]:
    """(version, text) a person reads now, in ``locale`` (default: the page's); English falls back to Russian."""
    locale = str(locale or get_locale() or "ru")
    row = latest(region)
    if row is None:
        with force_locale(locale):
            return 0, str(DEFAULT_TEXT) % {"region": region.name}
    text = row.text_en if locale == "en" and row.text_en.strip() else row.text_ru
    return row.version, text


def next_version(region: Region) -> int:
    highest = db.session.scalar(select(func.max(ConsentText.version)).where(ConsentText.region_id == region.id))
    return (highest or 0) + 1


def record_own(user: User, region: Region, version: int, locale: str) -> PersonalDataConsent:
    consent = PersonalDataConsent(user_id=user.id, region_id=region.id, kind=ConsentKind.own, version=version,
                                  locale=locale, given_at=utcnow())
    db.session.add(consent)
    return consent


def record_representative(user: User, region: Region, representative: str, recorded_by: User
                          ) -> PersonalDataConsent:
    """A legal representative's consent (a parent, guardian, the organisation), seen by a coordinator."""
    version, _text = current_text(region)
    consent = PersonalDataConsent(user_id=user.id, region_id=region.id, kind=ConsentKind.representative,
                                  version=version, locale=str(get_locale() or "ru"), given_at=utcnow(),
                                  representative=representative.strip()[:200], recorded_by_id=recorded_by.id)
    db.session.add(consent)
    return consent


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def born_a_minor(birth: date | None, region: Region) -> bool:
    """Under 18 on the region's today; with no birth date, not known to be a minor."""
    return birth is not None and age_on(birth, today(region)) < ADULT_AGE


def is_minor(user: User, region: Region) -> bool:
    return born_a_minor(user.birth_date, region)


def has_representative_consent(user: User, region: Region) -> bool:
    return db.session.scalar(select(PersonalDataConsent.id).where(
        PersonalDataConsent.user_id == user.id, PersonalDataConsent.region_id == region.id,
        PersonalDataConsent.kind == ConsentKind.representative).limit(1)) is not None


def needs_representative(user: User, region: Region, role: Role | str) -> bool:
    """A graduate under 18 whose legal representative's consent is not yet recorded in this region."""
    role = Role(role)
    return role == Role.graduate and is_minor(user, region) and not has_representative_consent(user, region)

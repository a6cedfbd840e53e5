"""The region's "today" and "now", and one way of writing dates and times per language.

Times are stored as naive UTC; a region lives in its own time zone, where the day may already
(or still) be another than the server's. Dates are written through Babel, in the person's
language: one pattern per kind, the same on every page, in notifications and exports.
"""
from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from babel import dates as babel_dates
from flask_babel import get_locale, get_timezone

from portal.models._time import utcnow

DAY = "d MMMM y"  # 13 декабря 2026 / 13 December 2026
DAY_MONTH = "d MMMM"  # 13 декабря / 13 December (spans inside one year)
MOMENT = "d MMMM y, HH:mm"  # 7 декабря 2026, 18:00
TIME = "HH:mm"  # 18:00 (the end of a span that starts the same day)
#: The only other ways a page may write a date, by name: ``{{ night|date("short") }}``. A page never spells
#: its own pattern (tests/portal/test_date_formats.py checks every template).
DAY_KINDS = {
    "day": DAY,
    "day_month": DAY_MONTH,
    "short": "dd.MM",  # 02.12: a column of a grid chart, where the month is in the heading
    "month": "LLLL y",  # декабрь 2026: a row of monthly figures
    "month_short": "LLL",  # дек.: a bar of a monthly chart
}
MOMENT_KINDS = {"moment": MOMENT, "time": TIME}
FALLBACK_ZONE = "Europe/Moscow"


def zone(region) -> ZoneInfo:
    return ZoneInfo(getattr(region, "timezone", None) or FALLBACK_ZONE)


def now(region) -> datetime:
    """The region's wall-clock time now (aware)."""
    return datetime.now(timezone.utc).astimezone(zone(region))


def today(region) -> date:
    """The region's date now, which on the night between two days is not the server's."""
    return now(region).date()


def to_utc(local: datetime, region) -> datetime:
    """A wall-clock time in the region -> naive UTC, as stored."""
    return local.replace(tzinfo=zone(region)).astimezone(timezone.utc).replace(tzinfo=None)


def to_local(moment: datetime | None, region) -> datetime | None:
    """Naive UTC, as stored -> the region's naive wall-clock time (for form fields)."""
    if moment is None:
        return None
    return moment.replace(tzinfo=timezone.utc).astimezone(zone(region)).replace(tzinfo=None)


def region_year(region, moment: datetime | None = None) -> int:
    return to_local(moment or utcnow(), region).year


def format_day(value: date | datetime | None, locale=None, pattern: str = DAY) -> str:
    """A date in the portal's one pattern, in ``locale`` (default: the page's language)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    return babel_dates.format_date(value, pattern, locale=locale or get_locale() or "ru")


def format_moment(value: datetime | None, locale=None, tz=None) -> str:
    """A stored (naive UTC) moment at the region's wall-clock time, in the portal's one pattern."""
    if value is None:
        return ""
    aware = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    return babel_dates.format_datetime(aware, MOMENT, tzinfo=tz or get_timezone(),
                                       locale=locale or get_locale() or "ru")


def format_time(value: datetime | None, locale=None, tz=None) -> str:
    """A stored (naive UTC) moment's wall-clock time at the region, "18:00"."""
    if value is None:
        return ""
    aware = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    return babel_dates.format_time(aware, TIME, tzinfo=tz or get_timezone(), locale=locale or get_locale() or "ru")


def format_moment_span(start: datetime | None, end: datetime | None, locale=None, tz=None) -> str:
    """"7 декабря 2026, 18:00 – 20:00" when both are on one local day, both moments in full otherwise."""
    if start is None or end is None:
        return format_moment(start or end, locale, tz)
    zone_info = tz or get_timezone()
    first, last = (m.replace(tzinfo=timezone.utc).astimezone(zone_info) for m in (start, end))
    tail = format_time(end, locale, tz) if first.date() == last.date() else format_moment(end, locale, tz)
    return f"{format_moment(start, locale, tz)} – {tail}"


def format_span(first: date, last: date, locale=None) -> str:
    """"12 – 14 марта" style spans of days; one day alone when they are the same."""
    if first == last:
        return format_day(first, locale, DAY_MONTH)
    pattern = DAY_MONTH if first.year == last.year else DAY
    return f"{format_day(first, locale, pattern)} – {format_day(last, locale, pattern)}"


#: Russia's time zones, west to east: the choices a region admin picks from.
RUSSIAN_ZONES = (
    "Europe/Kaliningrad", "Europe/Moscow", "Europe/Kirov", "Europe/Volgograd", "Europe/Samara", "Europe/Saratov",
    "Europe/Ulyanovsk", "Europe/Astrakhan", "Asia/Yekaterinburg", "Asia/Omsk", "Asia/Novosibirsk", "Asia/Barnaul",
    "Asia/Tomsk", "Asia/Novokuznetsk", "Asia/Krasnoyarsk", "Asia/Irkutsk", "Asia/Chita", "Asia/Yakutsk",
    "Asia/Khandyga", "Asia/Vladivostok", "Asia/Ust-Nera", "Asia/Sakhalin", "Asia/Magadan", "Asia/Srednekolymsk",
    "Asia/Kamchatka", "Asia/Anadyr",
)


def zone_label(name: str, locale=None) -> str:
    """A time zone as people say it: its city in the reader's language and its offset, "Москва (UTC+3)"."""
    try:
        city = babel_dates.get_timezone_location(name, locale=locale or get_locale() or "ru", return_city=True)
        offset = datetime.now(ZoneInfo(name)).utcoffset()
    except (LookupError, ValueError):
        return name
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "−"
    hours, rest = divmod(abs(minutes), 60)
    return f"{city} (UTC{sign}{hours}{f':{rest:02d}' if rest else ''})"


def zone_choices(current: str | None = None, locale=None) -> list[tuple[str, str]]:
    """Russia's zones by offset then city, in the reader's language (and the region's own if it is elsewhere)."""
    names = list(RUSSIAN_ZONES) + ([current] if current and current not in RUSSIAN_ZONES else [])
    moments = {name: datetime.now(ZoneInfo(name)).utcoffset() for name in names}
    labelled = [(name, zone_label(name, locale)) for name in names]
    return sorted(labelled, key=lambda item: (moments[item[0]], item[1]))

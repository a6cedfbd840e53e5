"""The period a monitoring page shows: a calendar quarter or a calendar year, in the region's calendar.

A period is written in URLs as ``2026-Q3`` or ``2026``; the default is the latest complete quarter before
the region's today.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _

QUARTERS_OFFERED = 12  # the period picker offers this many quarters back (the current one included)
YEARS_OFFERED = 4
_KEY = re.compile(r"^(\d{4})(?:-Q([1-4]))?$")


@dataclass(frozen=True)
class Period:
    first: date
    last: date
    quarter: int | None  # None: the whole year

    @property
    def key(self) -> str:
        return f"{self.first.year}-Q{self.quarter}" if self.quarter else str(self.first.year)

    @property
    def label(self) -> str:
        if self.quarter:
            return _("Q%(number)d %(year)d", number=self.quarter, year=self.first.year)
        return _("year %(year)d", year=self.first.year)

    @property
    def is_year(self) -> bool:
        return self.quarter is None


def quarter(year: int, number: int) -> Period:
    first = date(year, 3 * number - 2, 1)
    following = date(year + (number == 4), 1 if number == 4 else 3 * number + 1, 1)
    return Period(first, following - timedelta(days=1), number)


def year(number: int) -> Period:
    return Period(date(number, 1, 1), date(number, 12, 31), None)


def quarter_of(day: date) -> Period:
    return quarter(day.year, (day.month - 1) // 3 + 1)


def latest_complete_quarter(day: date) -> Period:
    return quarter_of(quarter_of(day).first - timedelta(days=1))


def parse(key: str | None) -> Period | None:
    """``2026-Q3`` or ``2026``; None for anything else (years 2000-2100 only)."""
    found = _KEY.match((key or "").strip())
    if not found or not 2000 <= int(found.group(1)) <= 2100:
        return None
    if found.group(2):
        return quarter(int(found.group(1)), int(found.group(2)))
    return year(int(found.group(1)))


def offered(day: date) -> list[Period]:
    """The periods the picker lists, newest first: recent quarters, then recent years."""
    found, current = [], quarter_of(day)
    for _step in range(QUARTERS_OFFERED):
        found.append(current)
        current = quarter_of(current.first - timedelta(days=1))
    found += [year(day.year - k) for k in range(YEARS_OFFERED)]
    return found

"""Quarters of support count from the contract's start; the next assessment's date moves with each one."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from plugins.casework import due


@pytest.mark.parametrize("start", [date(2024, 2, 29), date(2026, 1, 31), date(2025, 11, 30), date(2026, 3, 1)])
def test_every_day_falls_in_exactly_one_quarter(start):
    day = start
    for _ in range(800):
        first = due.quarter_start(start, day)
        assert first <= day < due.next_quarter_start(start, day)
        day += timedelta(days=1)


def test_the_next_assessment_is_due_a_month_into_the_next_quarter():
    start = date(2026, 1, 31)
    assert due.first_due(start) == date(2026, 3, 2)
    assert due.quarter_start(start, date(2026, 4, 29)) == start
    assert due.quarter_start(start, date(2026, 4, 30)) == date(2026, 4, 30)
    assert due.due_after(start, date(2026, 4, 30)) == date(2026, 8, 30)
    assert due.is_overdue(date(2026, 8, 30), date(2026, 8, 31)) and not due.is_overdue(None, date(2026, 8, 31))
    assert due.is_due_soon(date(2026, 9, 10), date(2026, 8, 31))

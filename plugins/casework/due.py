"""When a graduate's next life-situation assessment is due.

Support runs in quarters counted from the contract's start (not calendar quarters): the quarter
starting on day S has its assessment due by S + :data:`DUE_WITHIN`. The record keeps the date of
the next one due (``GraduateRecord.assessment_due_on``), so "due" and "overdue" lists are one
indexed comparison at any size; it is set when a contract is signed, moved on by each assessment,
and cleared when support ends.
"""
from __future__ import annotations

from datetime import date, timedelta

#: How long into a quarter of support its assessment may wait.
DUE_WITHIN = timedelta(days=30)
#: "Due soon" lists look this far ahead.
SOON = timedelta(days=14)


def add_months(day: date, months: int) -> date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def quarter_index(contract_start: date, day: date) -> int:
    """Which quarter of support ``day`` falls in: 0 for the first (and for days before the start)."""
    if day <= contract_start:
        return 0
    k = ((day.year - contract_start.year) * 12 + day.month - contract_start.month) // 3
    while k > 0 and add_months(contract_start, 3 * k) > day:
        k -= 1
    while add_months(contract_start, 3 * (k + 1)) <= day:
        k += 1
    return k


def quarter_start(contract_start: date, day: date) -> date:
    """The first day of the quarter of support that ``day`` falls in (the contract's start before it)."""
    return add_months(contract_start, 3 * quarter_index(contract_start, day))


def next_quarter_start(contract_start: date, start: date) -> date:
    return add_months(contract_start, 3 * (quarter_index(contract_start, start) + 1))


def first_due(contract_start: date) -> date:
    """A new contract: its first quarter's assessment."""
    return contract_start + DUE_WITHIN


def due_after(contract_start: date, assessed_quarter: date) -> date:
    """An assessment for the quarter starting ``assessed_quarter`` was saved: the next quarter's is due next."""
    return next_quarter_start(contract_start, assessed_quarter) + DUE_WITHIN


def is_overdue(due_on: date | None, day: date) -> bool:
    return due_on is not None and due_on < day


def is_due_soon(due_on: date | None, day: date) -> bool:
    return due_on is not None and day <= due_on <= day + SOON

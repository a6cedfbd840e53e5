"""Downloads: CSV that spreadsheets open safely, and iCalendar that calendar apps keep in step."""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any, Iterable

from flask import Response
from icalendar import Calendar
from icalendar import Event as CalendarEvent

#: A cell starting with one of these is a formula to Excel and LibreOffice (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_LINE_BREAKS = re.compile(r"[\x00-\x1f\x7f]+")


def safe_cell(value: Any) -> Any:
    """A text cell that cannot run as a formula: a leading quote mark makes it plain text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_text(header: Iterable[Any], rows: Iterable[Iterable[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([safe_cell(str(cell)) for cell in header])
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return out.getvalue()


def csv_response(filename: str, header: Iterable[Any], rows: Iterable[Iterable[Any]]) -> Response:
    """A CSV download: UTF-8 with a byte-order mark (so Excel reads Russian), every text cell neutralised."""
    return Response("\ufeff" + csv_text(header, rows), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename={filename}"})


def single_line(value: Any) -> str:
    """A value for a one-line iCalendar property: line breaks and control characters become spaces."""
    return _LINE_BREAKS.sub(" ", str(value or "")).strip()


@dataclass
class CalendarEntry:
    """One event for calendar apps. ``start``/``end``: dates (all-day) or naive UTC datetimes."""

    uid: str
    summary: str
    start: date | datetime
    end: date | datetime
    location: str = ""
    description: str = ""
    url: str = ""
    sequence: int = 0
    cancelled: bool = False
    last_modified: datetime | None = None


def _utc(value):
    return value.replace(tzinfo=timezone.utc) if isinstance(value, datetime) else value


def calendar_bytes(name: str, entries: Iterable[CalendarEntry], made_at: datetime) -> bytes:
    """RFC 5545: SEQUENCE and LAST-MODIFIED let an app replace its copy; a cancelled event says so."""
    cal = Calendar()
    cal.add("prodid", "-//Portal//RU")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", single_line(name))
    for entry in entries:
        item = CalendarEvent()
        item.add("uid", single_line(entry.uid))
        item.add("summary", single_line(entry.summary))
        item.add("dtstart", _utc(entry.start))
        item.add("dtend", _utc(entry.end))
        item.add("dtstamp", _utc(made_at))
        if entry.last_modified is not None:
            item.add("last-modified", _utc(entry.last_modified))
        item.add("sequence", entry.sequence)
        item.add("status", "CANCELLED" if entry.cancelled else "CONFIRMED")
        if entry.url:
            item.add("url", single_line(entry.url))
        if entry.location:
            item.add("location", single_line(entry.location))
        if entry.description:
            item.add("description", str(entry.description))
        cal.add_component(item)
    return cal.to_ical()


def calendar_response(filename: str, name: str, entries: Iterable[CalendarEntry], made_at: datetime) -> Response:
    return Response(calendar_bytes(name, entries, made_at), mimetype="text/calendar",
                    headers={"Content-Disposition": f"attachment; filename={filename}"})

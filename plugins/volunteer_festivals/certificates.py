"""PDF certificates (a volunteer's participation and hours; a group's nomination and place), made with ReportLab.

ReportLab's built-in fonts have no Cyrillic, so the DejaVu fonts are embedded (Debian's
``fonts-dejavu-core``; ``PORTAL_FONT_DIR`` points elsewhere). The text is in the reader's
language through the catalogue; names and titles are written as people typed them.
"""
from __future__ import annotations

import io
import os
from pathlib import Path

from flask_babel import gettext as _
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from portal.kit import format_day

FONT_DIRS = [os.environ.get("PORTAL_FONT_DIR", ""), "/usr/share/fonts/truetype/dejavu",
             "/usr/share/fonts/dejavu", "/usr/local/share/fonts/dejavu"]
REGULAR, BOLD = "PortalDejaVuSans", "PortalDejaVuSans-Bold"
BLUE = HexColor("#1f5fa8")


class FontsMissing(RuntimeError):
    """DejaVu fonts are not installed: ``apt-get install fonts-dejavu-core``."""


def _register_fonts() -> None:
    if REGULAR in pdfmetrics.getRegisteredFontNames():
        return
    for folder in filter(None, FONT_DIRS):
        regular, bold = Path(folder, "DejaVuSans.ttf"), Path(folder, "DejaVuSans-Bold.ttf")
        if regular.exists() and bold.exists():
            pdfmetrics.registerFont(TTFont(REGULAR, str(regular)))
            pdfmetrics.registerFont(TTFont(BOLD, str(bold)))
            return
    raise FontsMissing("DejaVuSans.ttf not found; install fonts-dejavu-core or set PORTAL_FONT_DIR")


def _page(title: str, lines: list[tuple[str, int, bool]], footer: str, author: str) -> bytes:
    """One landscape A4 page: a frame, the title, then centred lines (text, size, bold)."""
    _register_fonts()
    out = io.BytesIO()
    width, height = landscape(A4)
    page = canvas.Canvas(out, pagesize=(width, height), pageCompression=1)
    page.setTitle(title)
    page.setAuthor(author)
    page.setStrokeColor(BLUE)
    page.setLineWidth(3)
    page.rect(28, 28, width - 56, height - 56)
    page.setLineWidth(1)
    page.rect(36, 36, width - 72, height - 72)
    page.setFillColor(BLUE)
    page.setFont(BOLD, 34)
    page.drawCentredString(width / 2, height - 120, title)
    page.setFillColor(HexColor("#222222"))
    y = height - 190
    for text, size, bold in lines:
        page.setFont(BOLD if bold else REGULAR, size)
        for part in _wrap(text, size, bold, width - 140):
            page.drawCentredString(width / 2, y, part)
            y -= size * 1.45
        y -= size * 0.5
    page.setFont(REGULAR, 11)
    page.drawCentredString(width / 2, 60, footer)
    page.showPage()
    page.save()
    return out.getvalue()


def _wrap(text: str, size: int, bold: bool, room: float) -> list[str]:
    font = BOLD if bold else REGULAR
    lines, current = [], ""
    for word in text.split():
        trial = f"{current} {word}".strip()
        if pdfmetrics.stringWidth(trial, font, size) <= room or not current:
            current = trial
        else:
            lines.append(current)
            current = word
    return lines + ([current] if current else [])


def _days(festival) -> str:
    if festival.first_day == festival.last_day:
        return format_day(festival.first_day)
    return f"{format_day(festival.first_day)} – {format_day(festival.last_day)}"


def volunteer_certificate(name: str, festival, hours: float, region_name: str) -> bytes:
    return _page(_("Certificate"), [
        (_("This certifies that"), 16, False),
        (name, 28, True),
        (_("took part as a volunteer in the festival"), 16, False),
        (f"«{festival.title}»", 22, True),
        (_days(festival), 14, False),
        (_("Hours of service: %(hours)s", hours=_hours(hours)), 18, True),
    ], _footer(region_name), region_name)


def group_certificate(group, place: int | None, region_name: str) -> bytes:
    outcome = (_("Place %(place)d in the nomination", place=place) if place
               else _("Participant in the nomination"))
    lines = [
        (_("Awarded to the volunteer group"), 16, False),
        (f"«{group.name}»", 28, True),
    ]
    if group.behind:
        lines.append((group.behind, 14, False))
    lines += [
        (_("for the project «%(project)s»", project=group.project_title), 16, False),
        (outcome, 18, True),
        (f"«{group.nomination.name}»", 20, True),
        (_("festival «%(festival)s», %(days)s", festival=group.festival.title, days=_days(group.festival)), 14,
         False),
    ]
    return _page(_("Diploma") if place else _("Certificate"), lines,
                 _footer(region_name), region_name)


def _footer(region_name: str) -> str:
    return _("%(region)s · the organizers of the festival", region=region_name)


def _hours(hours: float) -> str:
    from flask_babel import format_decimal

    return format_decimal(hours, format="#,##0.#")

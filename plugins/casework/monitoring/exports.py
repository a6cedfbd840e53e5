"""Downloads of the monitoring: one figure as CSV or XLSX at once; a whole workbook as a background job.

Every text cell goes through the kit's ``safe_cell`` (no cell starts a formula); CSV is UTF-8 with a BOM.
A workbook of the region (its figures, then each service's) or of the country takes a query per service or
more, so it runs in the background (:func:`portal.kit.enqueue`) and its page shows the progress; two people
asking for the same workbook while it is being made get the one job (a partial unique index on ``key``).
"""
from __future__ import annotations

import enum
import io
from datetime import datetime

from flask import Response
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_pgettext
from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy import Enum, ForeignKey, Index, Integer, LargeBinary, String, Text, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from portal.kit import (JOB_LOST, JobLease, Region, User, csv_response, db, keep_alive, reap_lost_jobs, safe_cell,
                        status_labels, today, utcnow)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_SHEET_FORBIDDEN = str.maketrans({c: " " for c in "[]:*?/\\"})


# --- one figure, at once --------------------------------------------------------------------------------------

def _cells(row) -> list:
    return ["" if value is None else value for value in row]


def csv_download(figure, filename: str, scope_name: str, period) -> Response:
    return csv_response(filename, figure.header, [_cells(row) for row in figure.rows])


def _sheet_title(text: str, taken: set[str]) -> str:
    title = text.translate(_SHEET_FORBIDDEN)[:28].strip() or "sheet"
    base, number = title, 2
    while title in taken:
        title, number = f"{base[:25]} {number}", number + 1
    taken.add(title)
    return title


def _write_sheet(book, figure, tables: list[tuple[str, object]], taken: set[str], period) -> None:
    """A sheet: the header in the first row, the rows, then the figure's title, period and definition."""
    sheet = book.create_sheet(_sheet_title(figure.title, taken))
    many = len(tables) > 1
    header = ([_("Scope")] if many else []) + figure.header
    sheet.append([safe_cell(str(cell)) for cell in header])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for scope_name, found in tables:
        for row in found.rows:
            sheet.append([safe_cell(cell) for cell in ([scope_name] if many else []) + _cells(row)])
    sheet.append([])
    sheet.append([safe_cell(figure.title)])
    sheet.append([safe_cell(f"{_('Period')}: {period.label}")])
    sheet.append([safe_cell(figure.definition)])
    sheet.column_dimensions["A"].width = 45


def workbook_bytes(parts: list[tuple[str, list]], period) -> bytes:
    """``parts``: (scope name, its figures); one sheet per figure, every scope's rows in it."""
    book = Workbook()
    book.remove(book.active)
    taken: set[str] = set()
    if parts:
        for index, figure in enumerate(parts[0][1]):
            tables = [(name, found[index]) for name, found in parts if index < len(found)]
            _write_sheet(book, figure, tables, taken, period)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_download(found: list, filename: str, scope_name: str, period) -> Response:
    return Response(workbook_bytes([(scope_name, found)], period), mimetype=XLSX,
                    headers={"Content-Disposition": f"attachment; filename={filename}"})


# --- a whole workbook, in the background ----------------------------------------------------------------------

class ExportStatus(str, enum.Enum):
    queued = "queued"
    running = "running"
    done = "done"
    failed = "failed"


EXPORT_STATUS_LABELS = status_labels(ExportStatus, {
    ExportStatus.queued: lazy_pgettext("casework import", "queued"),
    ExportStatus.running: lazy_pgettext("casework import", "running"),
    ExportStatus.done: lazy_pgettext("casework import", "done"),
    ExportStatus.failed: lazy_pgettext("casework import", "failed"),
})
WORKING = (ExportStatus.queued, ExportStatus.running)


class ExportKind(str, enum.Enum):
    region = "region"  # the region's figures, then every service's
    country = "country"  # every region side by side (the site admin's)


class MonitoringExport(JobLease, db.Model):
    """A monitoring workbook being made (or made) in the background; the file is kept until the next one."""

    __tablename__ = "casework_monitoring_export"
    __table_args__ = (Index("ix_casework_monitoring_export_working", "key", unique=True,
                            postgresql_where=text("status IN ('queued', 'running')"),
                            sqlite_where=text("status IN ('queued', 'running')")),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id", ondelete="CASCADE"), index=True)  # asked in
    kind: Mapped[ExportKind] = mapped_column(Enum(ExportKind, native_enum=False, length=20))
    period_key: Mapped[str] = mapped_column(String(10))
    key: Mapped[str] = mapped_column(String(100))  # kind, region, period, language: the same workbook
    locale: Mapped[str] = mapped_column(String(10), default="ru")
    status: Mapped[ExportStatus] = mapped_column(Enum(ExportStatus, native_enum=False, length=20),
                                                 default=ExportStatus.queued)
    steps_total: Mapped[int] = mapped_column(Integer, default=1)
    steps_done: Mapped[int] = mapped_column(Integer, default=0)
    filename: Mapped[str] = mapped_column(String(200), default="")
    content: Mapped[bytes | None] = mapped_column(LargeBinary)
    error: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.steps_done / max(1, self.steps_total)))

    @property
    def working(self) -> bool:
        return self.status in WORKING

    @property
    def lost(self) -> bool:
        """Its process died half-way (``reap``): the page says so, not "an error"."""
        return self.status == ExportStatus.failed and self.error == JOB_LOST


def reap(now: datetime | None = None) -> int:
    """Workbooks whose job's process died are marked failed (``portal.kit.reap_lost_jobs``); the caller commits."""
    return reap_lost_jobs(MonitoringExport, queued=ExportStatus.queued, running=ExportStatus.running,
                          failed=ExportStatus.failed, now=now)


def export_key(kind: ExportKind, region_id: int, period_key: str, locale: str) -> str:
    return f"{kind.value}:{region_id if kind == ExportKind.region else '*'}:{period_key}:{locale}"


def start(region, user: User, kind: ExportKind, period, locale: str) -> tuple[MonitoringExport, bool]:
    """The workbook's job: the one already being made for the same thing, or a new one (True: enqueue it)."""
    key = export_key(kind, region.id, period.key, locale)
    reap()  # a workbook whose process died is not "the one already being made"
    running = db.session.scalar(select(MonitoringExport).where(MonitoringExport.key == key,
                                                               MonitoringExport.status.in_(WORKING)))
    if running is not None:
        return running, False
    job = MonitoringExport(region_id=region.id, kind=kind, period_key=period.key, key=key, locale=locale,
                           created_by_id=user.id)
    try:
        with db.session.begin_nested():
            db.session.add(job)
    except IntegrityError:  # someone asked a moment before: theirs is the one
        running = db.session.scalar(select(MonitoringExport).where(MonitoringExport.key == key,
                                                                   MonitoringExport.status.in_(WORKING)))
        if running is None:
            raise
        return running, False
    return job, True


def _progress(job: MonitoringExport, done: int) -> None:
    job.steps_done = done
    db.session.commit()


def run_export(export_id: int) -> None:
    """The background job: the figures scope by scope (its progress committed after each), then the file."""
    from plugins.casework.monitoring import periods

    job = db.session.get(MonitoringExport, export_id)
    if job is None or job.status != ExportStatus.queued:
        return
    region = db.session.get(Region, job.region_id)
    period = periods.parse(job.period_key)
    job.status = ExportStatus.running
    db.session.commit()
    with keep_alive(MonitoringExport, export_id):
        _make(job, export_id, region, period)


def _make(job: MonitoringExport, export_id: int, region, period) -> None:
    from plugins.casework.models import SupportService
    from plugins.casework.monitoring import country, figures

    try:
        with force_locale(job.locale):
            day = today(region)
            if job.kind == ExportKind.country:
                job.steps_total = 1
                parts = [(_("Country"), country.figures(period))]
                _progress(job, 1)
                name = f"monitoring-country-{period.key}.xlsx"
            else:
                services = db.session.scalars(select(SupportService).where(
                    SupportService.region_id == region.id, ~SupportService.is_resource_centre)
                    .order_by(SupportService.name)).all()
                job.steps_total = len(services) + 1
                parts = [(region.name, figures.for_scope(region, figures.Scope(region.id), period, day))]
                _progress(job, 1)
                for number, service in enumerate(services, start=2):
                    parts.append((service.name, figures.for_scope(region, figures.Scope(region.id, service.id),
                                                                  period, day)))
                    _progress(job, number)
                name = f"monitoring-{region.code}-{period.key}.xlsx"
            content = workbook_bytes(parts, period)
        job.content, job.filename = content, name
        job.status, job.finished_at = ExportStatus.done, utcnow()
        db.session.commit()
    except Exception:
        db.session.rollback()
        job = db.session.get(MonitoringExport, export_id)
        job.status, job.error, job.finished_at = ExportStatus.failed, "failed", utcnow()
        db.session.commit()
        raise

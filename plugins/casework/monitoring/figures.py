"""The monitoring figures: each one aggregate query (GROUP BY in the database), whatever the size of the data.

A :class:`Scope` is one service, a whole region or every region (the country's view, counts per region).
Every figure says exactly what it counts (:class:`Figure`.definition, shown on the page beside it):

- difficulties per area: the areas scored «problem» or «critical» in the assessments made in the period;
- graduates per support level at the start and at the end of the period: those under support then (a
  contract started on or before the day and not ended by it) by their last level approved by then;
- records per status, and assessments overdue per service: as they stand today;
- appeals received in the period by type, the share resolved, the median days to resolution (:mod:`.appeals`);
- the rating of services: the share of graduates under support today whose assessment is not overdue, and
  the share of the period's appeals resolved by their due day.

Records are counted by the service they are with now (a record handed over counts for its new service),
merged-away records never.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import gettext as _
from flask_babel import pgettext
from sqlalchemy import and_, func, select

from plugins.casework.models import (APPEAL_TYPE_LABELS, ASSESSMENT_AREA_LABELS, RECORD_STATUS_LABELS,
                                     SUPPORT_LEVEL_LABELS, AppealType, AssessmentArea, GraduateRecord,
                                     RecordStatus, RecordTally, SupportLevel, SupportService)
from plugins.casework.monitoring import appeals, tallies
from plugins.casework.monitoring.periods import Period
from portal.kit import db

#: Levels from the least to the most intensive, as seed 004 lists them.
LEVEL_ORDER = (SupportLevel.monitoring, SupportLevel.supporting, SupportLevel.intensive)


@dataclass(frozen=True)
class Scope:
    """Whose records: one region (``region_id``), maybe one service of it; ``region_id=None``: every region."""

    region_id: int | None
    service_id: int | None = None

    def records(self):
        clause = GraduateRecord.merged_into_id.is_(None)
        if self.region_id is not None:
            clause = clause & (GraduateRecord.region_id == self.region_id)
        if self.service_id is not None:
            clause = clause & (GraduateRecord.service_id == self.service_id)
        return clause


@dataclass
class Figure:
    """One figure as a table: the first column names the row, the others are counts (or percentages)."""

    key: str  # its name in URLs and file names
    title: str
    definition: str
    header: list[str]
    rows: list[list] = field(default_factory=list)
    percent: bool = False  # the charted numbers are percentages (0-100), not counts
    charted: int | None = None  # how many number columns the chart draws (None: all)

    @property
    def series(self) -> list[str]:
        return self.header[1:1 + self.charted] if self.charted else self.header[1:]

    @property
    def empty(self) -> bool:
        return not any(any(value for value in row[1:] if isinstance(value, (int, float))) for row in self.rows)


# --- the counts (one query each; keyed by region so the country's view reuses them) ----------------------------

def difficulty_counts(scope: Scope, period: Period) -> tuple[dict[tuple[int, AssessmentArea], int], dict[int, int]]:
    """Per region and area, the difficulties found; per region, the assessments made (the kept monthly totals of
    each assessment's areas scored «problem» or «critical», ``Assessment.difficulties``)."""
    found, made = {}, {}
    for (region_id, area), count in tallies.difficulty_sums(scope, period).items():
        if area == tallies.MADE:
            made[region_id] = count
        else:
            found[(region_id, AssessmentArea(area))] = count
    return found, made


def level_counts(scope: Scope, start: date, end: date) -> tuple[dict, dict]:
    """Graduates under support at the end of the quarter ends ``start`` and ``end`` by their last level approved by
    then: ({(region, level or None): n} at the start, the same at the end), summed from the kept level changes
    (a record adds one where a contract starts, moves where a level is approved, leaves where it ends)."""
    found = tallies.level_sums(scope, start, end)
    return tuple({(region_id, SupportLevel(level) if level != tallies.NO_LEVEL else None): n
                  for (region_id, level), n in part.items()} for part in found)


def status_counts(scope: Scope) -> dict[tuple[int, RecordStatus], int]:
    found: dict = {}
    for (region_id, _service_id, status), (count,) in tallies.record_sums(scope).items():
        key = (region_id, RecordStatus(status))
        found[key] = found.get(key, 0) + count
    return {key: count for key, count in found.items() if count}


def overdue_per_service(scope: Scope, day: date) -> list[tuple[int, str, int, int]]:
    """(service id, name, under support, overdue) for every service of the scope, resource centre excepted."""
    supported = RecordTally.status == RecordStatus.under_support.value
    joined = and_(RecordTally.service_id == SupportService.id, supported)
    count = func.coalesce(func.sum(RecordTally.count), 0)
    query = (select(SupportService.id, SupportService.name, count,
                    func.coalesce(func.sum(RecordTally.count).filter(RecordTally.due_on < day), 0))
             .select_from(SupportService).outerjoin(RecordTally, joined)
             .where(~SupportService.is_resource_centre)
             .group_by(SupportService.id, SupportService.name).order_by(SupportService.name, SupportService.id))
    if scope.region_id is not None:
        query = query.where(SupportService.region_id == scope.region_id)
    if scope.service_id is not None:
        query = query.where(SupportService.id == scope.service_id)
    return [(service_id, name, int(under), int(overdue)) for service_id, name, under, overdue in db.session.execute(query)]


def overdue_counts(scope: Scope, day: date) -> dict[int, tuple[int, int]]:
    """Per region: (under support today, of them with the assessment overdue)."""
    found: dict = {}
    for (region_id, _service_id, status), (count, overdue) in tallies.record_sums(scope, day).items():
        if status == RecordStatus.under_support.value:
            was = found.get(region_id, (0, 0))
            found[region_id] = (was[0] + count, was[1] + overdue)
    return {region_id: counts for region_id, counts in found.items() if counts[0]}


def share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


# --- the figures as the pages show them ---------------------------------------------------------------------------

def difficulties_figure(counts: dict, region_id: int, made: int) -> Figure:
    figure = Figure("difficulties", _("Difficulties found per area"),
                    _("Areas scored «problem» or «critical» in the life-situation assessments made in the period "
                      "(%(made)d assessments): one count per assessment and area.", made=made),
                    [pgettext("casework", "Area"), _("Difficulties")])
    figure.rows = [[str(ASSESSMENT_AREA_LABELS(area)), counts.get((region_id, area), 0)] for area in AssessmentArea]
    return figure


def levels_figure(start: dict, end: dict, region_id: int, period: Period) -> Figure:
    figure = Figure("levels", _("Graduates per support level"),
                    _("Graduates under support (a contract started and not ended) on %(first)s and on %(last)s, "
                      "by the last level their service's coordinator had approved by then.",
                      first=_day(period.first - timedelta(days=1)), last=_day(period.last)),
                    [_("Support level"), _("At the start of the period"), _("At the end of the period")])
    figure.rows = [[str(SUPPORT_LEVEL_LABELS(level)), start.get((region_id, level), 0), end.get((region_id, level), 0)]
                   for level in LEVEL_ORDER]
    if start.get((region_id, None)) or end.get((region_id, None)):
        figure.rows.append([_("no level approved yet"), start.get((region_id, None), 0),
                            end.get((region_id, None), 0)])
    return figure


def statuses_figure(counts: dict, region_id: int, day: date) -> Figure:
    figure = Figure("statuses", _("Records per status"),
                    _("Graduates' records by their status today (%(day)s); merged duplicates are not counted.",
                      day=_day(day)), [_("Status"), _("Records")])
    figure.rows = [[str(RECORD_STATUS_LABELS(status)), counts.get((region_id, status), 0)] for status in RecordStatus]
    return figure


def overdue_figure(rows, day: date) -> Figure:
    figure = Figure("overdue", _("Assessments overdue per service"),
                    _("Graduates under support today (%(day)s) whose next life-situation assessment was due "
                      "before today.", day=_day(day)), [_("Service"), _("Under support"), _("Assessment overdue")])
    figure.rows = [[name, supported, overdue] for _id, name, supported, overdue in rows]
    return figure


def rating_figure(rows, in_time: dict, day: date, period: Period) -> Figure:
    """The rating of services (Krasnoyarsk's regulation): the best share of current assessments first."""
    figure = Figure("rating", _("Rating of services"), " ".join([
        _("With a current assessment: of the graduates under support today (%(day)s), the share whose next "
          "assessment is not overdue (made for the current quarter of support, or still within the month it may "
          "wait).", day=_day(day)),
        _("Resolved in time: of the appeals received in %(period)s that are resolved or past their due date, the "
          "share resolved by the end of their due day.", period=period.label)]),
        [_("Service"), _("With a current assessment, %"), _("Appeals resolved in time, %"), _("Under support"),
         _("Appeals counted")], percent=True, charted=2)
    ranked = []
    for service_id, name, supported, overdue in rows:
        counted, timely = in_time.get(service_id, (0, 0))
        ranked.append([name, share(supported - overdue, supported), share(timely, counted), supported, counted])
    ranked.sort(key=lambda row: (row[1] is None, -(row[1] or 0), row[2] is None, -(row[2] or 0), row[0]))
    figure.rows = ranked
    return figure


def appeals_figure(counts: dict, region_id: int, period: Period) -> Figure:
    figure = Figure("appeals", _("Appeals by type"),
                    _("Appeals received in %(period)s, by type; resolved: those of them resolved by now (not "
                      "referred elsewhere or closed unresolved).", period=period.label),
                    [_("Type"), _("Received"), _("Resolved"), _("Resolved, %")], charted=2)
    total = [0, 0]
    for kind in AppealType:
        received, resolved, _counted, _timely = counts.get((region_id, kind), (0, 0, 0, 0))
        figure.rows.append([str(APPEAL_TYPE_LABELS(kind)), received, resolved, share(resolved, received)])
        total = [total[0] + received, total[1] + resolved]
    figure.rows.append([_("All appeals"), total[0], total[1], share(total[1], total[0])])
    return figure


def resolution_figure(by_type: dict, overall: dict, region_id: int, period: Period) -> Figure:
    figure = Figure("resolution", _("Median time to resolution"),
                    _("Of the appeals received in %(period)s and resolved, the median number of whole days (24 "
                      "hours) from receiving to resolving: half took no longer, half no less.", period=period.label),
                    [_("Type"), _("Median, days")])
    figure.rows = [[str(APPEAL_TYPE_LABELS(kind)), by_type.get((region_id, kind))] for kind in AppealType]
    figure.rows.append([_("All appeals"), overall.get(region_id)])
    return figure


def _day(day: date) -> str:
    from portal.kit import format_day

    return format_day(day)


def for_scope(region, scope: Scope, period: Period, day: date) -> list[Figure]:
    """The figures of one region or one service of it: a fixed number of queries (ten)."""
    region_id = region.id
    difficulties, made = difficulty_counts(scope, period)
    start_day = period.first - timedelta(days=1)
    kinds, by_type, overall = appeals.figures(scope, [region], period, day)
    at_start, at_end = level_counts(scope, start_day, period.last)
    figures = [
        difficulties_figure(difficulties, region_id, made.get(region_id, 0)),
        levels_figure(at_start, at_end, region_id, period),
        statuses_figure(status_counts(scope), region_id, day),
        overdue_figure(overdue_per_service(scope, day), day),
        appeals_figure(kinds, region_id, period),
        resolution_figure(by_type, overall, region_id, period),
    ]
    return figures


def rating(region, period: Period, day: date) -> Figure:
    """The region's services ranked (three queries)."""
    scope = Scope(region.id)
    return rating_figure(overdue_per_service(scope, day), appeals.service_counts(scope, [region], period, day),
                         day, period)

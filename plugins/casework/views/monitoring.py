"""Monitoring pages: the region's figures, a service's, the rating of services and the country's view.

Who sees what: the region's figures and the rating, the resource centre's coordinators and the region admin;
a service's figures, its own staff (and those who see the region); the country's view, the site admin.
Figures are counts only (no graduate is named), so reading them is not a read of anyone's record.
"""
from __future__ import annotations

from flask import Response, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from plugins.casework import scope as reach_of
from plugins.casework.forms.monitoring import PeriodForm
from plugins.casework.models import SupportService
from plugins.casework.monitoring import charts, country, exports, figures, periods
from plugins.casework.views import bp
from portal.kit import (ConfirmForm, db, enqueue, htmx, members, redirect_to, region_object, site_admin,
                        template_helpers, today)

ACTIONS: dict = {}
FORMATS = ("csv", "xlsx")

template_helpers(bp, casework_chart=charts.bars)


def sees_region(user, region) -> bool:
    """The resource centre's coordinators and the region admin (a site admin runs every region's admin pages)."""
    return (user.is_site_admin or user.has_role(region, "region_admin")
            or reach_of.reach(user, region).whole_region)


def sees_service(user, region, service: SupportService) -> bool:
    return sees_region(user, region) or service.id in reach_of.reach(user, region).services


def chosen_period():
    """The period asked for (``?period=2026-Q3``), the latest complete quarter by default; a bad one -> 422."""
    day = today(g.region)
    offered = periods.offered(day)
    form = PeriodForm([(p.key, p.label) for p in offered], request.args)
    default = periods.latest_complete_quarter(day)
    if "period" not in request.args:
        form.period.data = default.key
        return form, default, 200
    found = periods.parse(form.period.data)
    if found is None or not form.validate():
        form.period.errors = [_("Choose a quarter or a year from the list.")]
        return form, default, 422
    return form, found, 200


def _service(service_id: int) -> SupportService:
    found = region_object(SupportService, service_id, allowed=lambda s: sees_service(current_user, g.region, s))
    if found.is_resource_centre:
        abort(404)  # the resource centre has no graduates of its own: the region's page is its page
    return found


def _services():
    return db.session.scalars(select(SupportService).where(SupportService.region_id == g.region.id,
                                                           ~SupportService.is_resource_centre)
                              .order_by(SupportService.name)).all()


@bp.route("/monitoring")
@members("specialist", "coordinator", "region_admin")
def monitoring():
    """The region's figures; a service's staff go to their service's."""
    if not sees_region(current_user, g.region):
        own = sorted(reach_of.reach(current_user, g.region).services)
        service = db.session.scalar(select(SupportService).where(SupportService.id.in_(own or [0]),
                                                                 ~SupportService.is_resource_centre)
                                    .order_by(SupportService.name))
        if service is None:
            abort(404)  # staff of no service: there are no figures of theirs
        return redirect(url_for("casework.service_monitoring", service_id=service.id, **request.args))
    form, period, status = chosen_period()
    day = today(g.region)
    found = figures.for_scope(g.region, figures.Scope(g.region.id), period, day)
    links = {f.key: {fmt: url_for("casework.monitoring_download", key=f.key, fmt=fmt, period=period.key)
                     for fmt in FORMATS} for f in found}
    return render_template("casework/monitoring/page.html", form=form, period=period, figures=found, links=links,
                           service=None, services=_services(), day=day), status


@bp.route("/monitoring/services/<int:service_id>")
@members("specialist", "coordinator", "region_admin")
def service_monitoring(service_id: int):
    service = _service(service_id)
    form, period, status = chosen_period()
    day = today(g.region)
    found = figures.for_scope(g.region, figures.Scope(g.region.id, service.id), period, day)
    links = {f.key: {fmt: url_for("casework.service_monitoring_download", service_id=service.id, key=f.key,
                                  fmt=fmt, period=period.key) for fmt in FORMATS} for f in found}
    return render_template("casework/monitoring/page.html", form=form, period=period, figures=found, links=links,
                           service=service, services=None, day=day,
                           region_link=sees_region(current_user, g.region)), status


@bp.route("/monitoring/rating")
@members("coordinator", "region_admin")
def monitoring_rating():
    if not sees_region(current_user, g.region):
        abort(404)  # the region's figures are the resource centre's and the region admin's
    form, period, status = chosen_period()
    day = today(g.region)
    return render_template("casework/monitoring/rating.html", form=form, period=period,
                           figure=figures.rating(g.region, period, day), day=day), status


def _download(figure, period, fmt: str, scope_name: str):
    name = f"monitoring-{figure.key}-{period.key}"
    if fmt == "csv":
        return exports.csv_download(figure, name + ".csv", scope_name, period)
    return exports.xlsx_download([figure], name + ".xlsx", scope_name, period)


def _pick(found, key: str):
    for figure in found:
        if figure.key == key:
            return figure
    abort(404)


@bp.route("/monitoring/figures/<key>.<fmt>")
@members("coordinator", "region_admin")
def monitoring_download(key: str, fmt: str):
    """One figure of the region (or the rating) as CSV or XLSX."""
    if fmt not in FORMATS:
        abort(404)
    if not sees_region(current_user, g.region):
        abort(404)  # the region's figures are the resource centre's and the region admin's
    _form, period, status = chosen_period()
    if status != 200:
        abort(422)
    day = today(g.region)
    if key == "rating":
        figure = figures.rating(g.region, period, day)
    else:
        figure = _pick(figures.for_scope(g.region, figures.Scope(g.region.id), period, day), key)
    return _download(figure, period, fmt, g.region.name)


@bp.route("/monitoring/services/<int:service_id>/figures/<key>.<fmt>")
@members("specialist", "coordinator", "region_admin")
def service_monitoring_download(service_id: int, key: str, fmt: str):
    if fmt not in FORMATS:
        abort(404)
    service = _service(service_id)
    _form, period, status = chosen_period()
    if status != 200:
        abort(422)
    found = figures.for_scope(g.region, figures.Scope(g.region.id, service.id), period, today(g.region))
    return _download(_pick(found, key), period, fmt, service.name)


@bp.route("/monitoring/country")
@site_admin
def country_monitoring():
    """Every region side by side: counts only, small counts hidden (see :mod:`..monitoring.country`)."""
    form, period, status = chosen_period()
    found = country.figures(period)
    return render_template("casework/monitoring/country.html", form=form, period=period, country=found,
                           threshold=country.SMALL), status


# --- workbooks made in the background ------------------------------------------------------------------------

def _may_have(job: exports.MonitoringExport) -> bool:
    if job.kind == exports.ExportKind.country:
        return current_user.is_site_admin
    return sees_region(current_user, g.region)


def _start(kind):
    _form, period, status = chosen_period()
    if status != 200 or not ConfirmForm().validate_on_submit():
        flash(_("The form has expired. Please send it again."), "error")
        return redirect_to(url_for("casework.monitoring"))
    job, new = exports.start(g.region, current_user, kind, period, str(get_locale() or "ru"))
    db.session.commit()
    if new:
        enqueue("plugins.casework.monitoring.exports.run_export", job.id)
    return redirect_to(url_for("casework.monitoring_export", export_id=job.id))


@bp.route("/monitoring/workbook", methods=["POST"])
@members("coordinator", "region_admin")
def monitoring_workbook():
    """The region's figures and every service's, one workbook, made in the background."""
    if not sees_region(current_user, g.region):
        abort(404)  # the region's figures are the resource centre's and the region admin's
    return _start(exports.ExportKind.region)


@bp.route("/monitoring/country/workbook", methods=["POST"])
@site_admin
def country_workbook():
    return _start(exports.ExportKind.country)


@bp.route("/monitoring/workbooks/<int:export_id>")
@members("coordinator", "region_admin")
def monitoring_export(export_id: int):
    if exports.reap():
        db.session.commit()
    job = region_object(exports.MonitoringExport, export_id, allowed=_may_have)
    template = ("casework/monitoring/progress_part.html" if htmx else "casework/monitoring/progress.html")
    return render_template(template, job=job)


@bp.route("/monitoring/workbooks/<int:export_id>/file")
@members("coordinator", "region_admin")
def monitoring_export_file(export_id: int):
    job = region_object(exports.MonitoringExport, export_id, allowed=_may_have)
    if job.status != exports.ExportStatus.done or not job.content:
        abort(404)
    return Response(job.content, mimetype=exports.XLSX,
                    headers={"Content-Disposition": f"attachment; filename={job.filename}"})

"""Attendance report pages: the live daily sheet, statistics with charts, exports (A-8)."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from attendance.reports import Granularity
from webapp.blueprints.attendance import bp
from webapp.blueprints.attendance.forms import DayForm, ReportForm
from webapp.blueprints.attendance.routes import Page
from webapp.blueprints.attendance.routes_corrections import _team_for_lead
from webapp.extensions import db
from webapp.models.base import utcnow
from webapp.permissions import roles_required
from webapp.services import attendance_reports, attendance_results

MANAGERS = ("lead", "director", "admin")


@bp.get("/daily")
@roles_required(*MANAGERS)
def show_own_daily_sheet() -> Response:
    """The lead's own team's daily sheet."""
    me = current_user.employee
    team_id = me.team_id or next((t.id for t in me.site.teams), None)
    if team_id is None:
        abort(404)
    return redirect(url_for("attendance.show_daily_sheet", team_id=team_id))


@bp.get("/teams/<int:team_id>/daily")
@roles_required(*MANAGERS)
def show_daily_sheet(team_id: int) -> str:
    """Who is on duty now, who is late, who has not arrived (A-8)."""
    team = _team_for_lead(team_id)
    zone = attendance_results.settings_for(team.site).zone
    form = DayForm(request.args)
    day = form.date.data or utcnow().astimezone(zone).date()
    rows = attendance_reports.daily_sheet(db.session, team, day)
    return render_template(
        "attendance/daily.html", team=team, day=day, rows=rows, zone=zone, day_form=form
    )


def _report_rows(form: ReportForm) -> tuple[list[attendance_reports.StatRow], object, object]:
    me = current_user.employee
    zone = attendance_results.settings_for(me.site).zone
    last = form.last.data or utcnow().astimezone(zone).date()
    first = form.first.data or last - timedelta(days=27)
    if first > last or (last - first).days > 366:
        abort(400, "first/last: a range of at most one year, first before last (A-8)")
    teams = None if me.roles & {"director", "admin"} else {me.team_id or 0}
    rows = attendance_reports.statistics(
        db.session,
        me.site,
        form.scope.data or "team",
        Granularity(form.period.data or "week"),
        first,
        last,
        teams,
    )
    return rows, first, last


@bp.get("/reports")
@roles_required(*MANAGERS)
def show_reports() -> Page:
    """Weekly and monthly statistics per agent, team and site, with charts (A-8)."""
    form = ReportForm(request.args)
    if not form.validate():
        return render_template(
            "attendance/reports.html",
            form=form,
            rows=[],
            trend=[],
            coverage=[],
            first=None,
            last=None,
        ), 400
    rows, first, last = _report_rows(form)
    coverage = attendance_reports.coverage(db.session, current_user.employee.site, last)
    trend = attendance_reports.lateness_trend(rows)
    return render_template(
        "attendance/reports.html",
        form=form,
        rows=rows,
        trend=trend,
        coverage=coverage,
        first=first,
        last=last,
    )


@bp.get("/reports/export.<kind>")
@roles_required(*MANAGERS)
def export_report(kind: str) -> Response:
    """The same statistics as CSV (UTF-8 with BOM) or XLSX."""
    if kind not in ("csv", "xlsx"):
        abort(404)
    form = ReportForm(request.args)
    if not form.validate():
        abort(400)
    rows, first, last = _report_rows(form)
    mime = (
        "text/csv; charset=utf-8"
        if kind == "csv"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    name = f"attendance-{form.scope.data}-{form.period.data}-{first}-{last}.{kind}"
    return Response(
        attendance_reports.export_bytes(rows, kind),
        mimetype=mime,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )

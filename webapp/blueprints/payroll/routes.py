"""Payroll pages for agents and leads: own deductions, appeals, incidents (§6, D-appeal)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from attendance.payroll import PayPeriod
from webapp.blueprints.forms_support import show_service_error
from webapp.blueprints.payroll import bp
from webapp.blueprints.payroll.forms import AppealForm, DecisionForm, IncidentForm
from webapp.extensions import db
from webapp.models import Employee, MoneyLine
from webapp.permissions import roles_required
from webapp.services import appeals, incidents, payroll
from webapp.services.errors import NotFound, ServiceError

Page = Response | str | tuple[str, int]


def local_today(employee: Employee) -> date:
    """Today in the employee's site time zone (A-1)."""
    return datetime.now(ZoneInfo(employee.site.timezone)).date()


def recent_periods(today: date, count: int = 3) -> list[PayPeriod]:
    """This month and the ones before it, newest first."""
    periods = [PayPeriod.of(today)]
    while len(periods) < count:
        last = periods[-1]
        periods.append(PayPeriod(last.year - (last.month == 1), (last.month - 2) % 12 + 1))
    return periods


@bp.route("/mine")
@login_required
def show_my_lines() -> str:
    """My deductions and allowances of the last three months, with their appeals (D-appeal)."""
    me = current_user.employee
    periods = recent_periods(local_today(me))
    return render_template(
        "payroll/my_lines.html",
        lines=payroll.lines_for_employee(db.session, me.id, periods),
        appeals=appeals.my_appeals(db.session, me.id),
        periods=periods,
    )


def status_of(form: FlaskForm) -> int:
    """422 for a submitted form that failed its checks (nothing changed), else 200."""
    return 422 if form.is_submitted() else 200


def _own_line(line_id: int) -> MoneyLine:
    line = db.session.get(MoneyLine, line_id)
    if line is None or line.employee_id != current_user.employee.id:
        raise NotFound("No such line.")
    return line


@bp.route("/lines/<int:line_id>/appeal", methods=["GET", "POST"])
@login_required
def file_appeal(line_id: int) -> Page:
    """An agent appeals one of their own deduction lines with a reason (D-appeal)."""
    line = _own_line(line_id)
    form = AppealForm()
    if form.validate_on_submit():
        try:
            appeals.file_appeal(db.session, current_user.employee, line.id, form.reason.data or "")
        except ServiceError as error:
            return show_service_error(form, error, "payroll/appeal_new.html", line=line)
        flash(_("Appeal filed; the line is held until it is decided."), "success")
        return redirect(url_for("payroll.show_my_lines"))
    return render_template("payroll/appeal_new.html", form=form, line=line), status_of(form)


@bp.route("/appeals/<int:appeal_id>/escalate", methods=["GET", "POST"])
@login_required
def escalate_appeal(appeal_id: int) -> Page:
    """The agent takes an appeal the lead rejected to HR, whose decision is final."""
    appeal = appeals.get_appeal(db.session, appeal_id)
    if appeal.employee_id != current_user.employee.id:
        abort(404)
    form = AppealForm()
    if form.validate_on_submit():
        try:
            text = form.version.data or ""
            version = int(text) if text.isdigit() else 0  # a forged value is simply stale
            appeals.escalate(db.session, current_user.employee, appeal.id,
                             form.reason.data or "", version)  # fmt: skip
        except ServiceError as error:
            return show_service_error(form, error, "payroll/escalate.html", appeal=appeal)
        flash(_("Appeal taken to HR."), "success")
        return redirect(url_for("payroll.show_my_lines"))
    if not form.is_submitted():
        form.version.data = str(appeal.version)
    return render_template("payroll/escalate.html", form=form, appeal=appeal), status_of(form)


@bp.route("/appeals")
@roles_required("lead", "director", "hr")
def list_appeals() -> str:
    """First-level inbox of leads and directors, second-level inbox of HR, HR cases (D-11)."""
    me = current_user.employee
    first = appeals.lead_inbox(db.session, me) if me.roles & {"lead", "director"} else []
    final = appeals.hr_inbox(db.session, me) if "hr" in me.roles else []
    cases = incidents.hr_cases(db.session) if "hr" in me.roles else []
    return render_template("payroll/appeals.html", first=first, final=final, cases=cases)


@bp.route("/appeals/<int:appeal_id>", methods=["GET", "POST"])
@roles_required("lead", "director", "hr")
def decide_appeal(appeal_id: int) -> Page:
    """Decide an appeal: leads a filed one, HR an escalated one (final)."""
    appeal = appeals.get_appeal(db.session, appeal_id)
    form = DecisionForm()
    page = "payroll/appeal_decide.html"
    if form.validate_on_submit():
        uphold = form.decision.data == "uphold"
        decide = appeals.decide_final if appeal.state == "escalated" else appeals.decide_first
        try:
            decide(db.session, current_user.employee, appeal.id, uphold, form.note.data or "",
                   form.version.data or 0)  # fmt: skip
        except ServiceError as error:
            return show_service_error(form, error, page, appeal=appeal)
        flash(_("Decision recorded."), "success")
        return redirect(url_for("payroll.list_appeals"))
    if not form.is_submitted():
        form.version.data = appeal.version
    return render_template(page, form=form, appeal=appeal), status_of(form)


@bp.route("/incidents", methods=["GET", "POST"])
@roles_required("lead", "director")
def record_incident() -> Page:
    """A lead records an incident for a member of their team (D-3…D-12)."""
    me = current_user.employee
    form = IncidentForm()
    form.employee_id.choices = [
        SelectChoice(e.id, f"{e.code} {e.name}")
        for e in incidents.recordable_employees(db.session, me)
    ]
    if not form.is_submitted():
        form.date.data = local_today(me)
    context = {"recent": incidents.team_incidents(db.session, me)}
    if form.validate_on_submit() and form.date.data is not None:
        try:
            incidents.record_incident(
                db.session, me, form.employee_id.data or 0, form.rule_id.data or "",
                form.date.data, form.amount.data, form.note.data or "", local_today(me),
            )  # fmt: skip
        except ServiceError as error:
            return show_service_error(form, error, "payroll/incidents.html", **context)
        flash(_("Incident recorded."), "success")
        return redirect(url_for("payroll.record_incident"))
    return render_template("payroll/incidents.html", form=form, **context), status_of(form)

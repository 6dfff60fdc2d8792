"""Attendance pages for corrections: lead corrections, agents' requests and decisions (A-7)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms import SelectChoice

from webapp.blueprints.attendance import bp
from webapp.blueprints.attendance.forms import CorrectionForm, DayForm, DecisionForm
from webapp.blueprints.attendance.routes import Page, _local
from webapp.blueprints.forms_support import show_service_error
from webapp.extensions import db
from webapp.models import ClockEvent, Team
from webapp.models.base import utcnow
from webapp.permissions import manages_team, roles_required
from webapp.services import attendance_results, corrections, employees, org
from webapp.services.errors import ServiceError


def _own_events(employee_id: int) -> list[ClockEvent]:
    since = utcnow() - timedelta(days=31)
    return list(
        db.session.scalars(
            select(ClockEvent)
            .where(
                ClockEvent.employee_id == employee_id,
                ClockEvent.at >= since,
                ClockEvent.voided.is_(False),
            )
            .order_by(ClockEvent.at.desc())
            .limit(60)
        )
    )


@bp.route("/corrections/new", methods=["GET", "POST"])
@login_required
def request_correction() -> Page:
    """An agent asks for a time to be corrected or a missing event added (A-7)."""
    me = current_user.employee
    form = CorrectionForm()
    form.employee.choices = []
    events = _own_events(me.id)
    form.event.choices = [SelectChoice(0, _("— a missing event —"))] + [
        (e.id, f"{e.kind} {e.at}") for e in events
    ]
    page = "attendance/correction_new.html"
    context = {"requests": corrections.own_requests(db.session, me)}
    if form.validate_on_submit() and form.at.data is not None:
        try:
            corrections.request_correction(
                db.session,
                me,
                form.kind.data or "",
                _local(form.at.data, me),
                form.reason.data or "",
                form.event.data or None,
            )
        except ServiceError as error:
            return show_service_error(form, error, page, **context)
        flash(_("Request sent to your team lead."), "success")
        return redirect(url_for("attendance.request_correction"))
    return render_template(page, form=form, **context)


@bp.get("/corrections")
@roles_required("lead", "director", "admin")
def list_corrections() -> str:
    """Pending regularisation requests of the lead's people (A-7)."""
    pending = corrections.pending_requests(db.session, current_user.employee)
    return render_template("attendance/corrections.html", requests=pending, form=DecisionForm())


@bp.post("/corrections/<int:request_id>")
@roles_required("lead", "director", "admin")
def decide_correction(request_id: int) -> Page:
    """Approve (the correction is applied and audited) or reject a request."""
    form = DecisionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        corrections.decide_correction(
            db.session,
            current_user.employee,
            request_id,
            form.decision.data == "yes",
            form.note.data or "",
        )
    except ServiceError as error:
        pending = corrections.pending_requests(db.session, current_user.employee)
        return show_service_error(form, error, "attendance/corrections.html", requests=pending)
    flash(_("Decision recorded."), "success")
    return redirect(url_for("attendance.list_corrections"))


def _team_for_lead(team_id: int) -> Team:
    team = org.get_team(db.session, team_id)
    if not manages_team(current_user.employee, team.id):
        abort(403)
    return team


def _team_events(team: Team, day: date) -> list[ClockEvent]:
    zone = attendance_results.settings_for(team.site).zone
    since = datetime.combine(day, time(0), tzinfo=zone)
    return list(
        db.session.scalars(
            select(ClockEvent)
            .where(
                ClockEvent.employee_id.in_([m.id for m in team.members]),
                ClockEvent.at >= since,
                ClockEvent.at < since + timedelta(days=1),
            )
            .order_by(ClockEvent.at)
        )
    )


@bp.route("/teams/<int:team_id>/events", methods=["GET", "POST"])
@roles_required("lead", "director", "admin")
def list_team_events(team_id: int) -> Page:
    """A team's clock events of a day; the lead corrects, voids or adds one with a reason."""
    team = _team_for_lead(team_id)
    day_form = DayForm(request.args)
    day = (
        day_form.date.data
        or utcnow().astimezone(attendance_results.settings_for(team.site).zone).date()
    )
    form = CorrectionForm()
    form.employee.choices = [SelectChoice(m.id, f"{m.code} {m.name}") for m in team.members]
    events = _team_events(team, day)
    form.event.choices = [SelectChoice(0, _("— add a new event —"))] + [
        SelectChoice(e.id, str(e.id)) for e in events
    ]
    page, context = (
        "attendance/team_events.html",
        {"team": team, "day": day, "events": events, "day_form": day_form},
    )
    if form.validate_on_submit() and form.at.data is not None:
        me = current_user.employee
        try:
            if form.event.data:
                event = corrections.get_event(db.session, form.event.data)
                corrections.correct_event(
                    db.session,
                    me,
                    event.id,
                    form.kind.data or "",
                    _local(form.at.data, event.employee),
                    form.reason.data or "",
                    form.void.data == "void",
                )
            else:
                subject = employees.get_employee(db.session, form.employee.data or 0)
                corrections.add_event(
                    db.session,
                    me,
                    subject,
                    form.kind.data or "",
                    _local(form.at.data, subject),
                    form.reason.data or "",
                )
        except ServiceError as error:
            return show_service_error(form, error, page, **context)
        flash(_("Correction saved; the original stays in the audit log."), "success")
        return redirect(url_for("attendance.list_team_events", team_id=team.id, date=day))
    return render_template(page, form=form, **context)

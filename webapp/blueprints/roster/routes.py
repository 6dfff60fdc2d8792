"""Roster pages: generate with live progress, the grid, edit, re-optimise, publish, export."""

from __future__ import annotations

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from webapp.blueprints.roster import bp
from webapp.blueprints.roster.forms import CellForm, GenerateForm, PublishForm
from webapp.extensions import db
from webapp.permissions import roles_required
from webapp.services import roster as rs
from webapp.services import roster_edit, roster_export, roster_jobs, roster_runner, roster_view
from webapp.services.errors import ServiceError

Page = Response | str | tuple[str, int]
PLANNERS = ("director", "admin")


def _site_id() -> int:
    return int(current_user.employee.site_id)


@bp.route("/")
@roles_required(*PLANNERS)
def list_rosters() -> str:
    """Rosters and recent generate jobs of the director's site, with the generate form."""
    site_id = _site_id()
    return render_template(
        "roster/index.html",
        form=GenerateForm(),
        rosters=rs.list_rosters(db.session, site_id),
        jobs=roster_jobs.recent_jobs(db.session, site_id),
    )


@bp.route("/generate", methods=["POST"])
@roles_required(*PLANNERS)
def generate_roster() -> Page:
    """Queue a solve and watch it on the job page."""
    form = GenerateForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "error")
        return redirect(url_for("roster.list_rosters"))
    try:
        job = roster_jobs.create_job(
            db.session,
            current_user.employee,
            _site_id(),
            form.first_date.data,
            int(form.weeks.data or 1),
            float(form.time_limit.data or 30),
        )
    except ServiceError as error:
        flash(error.message, "error")
        return redirect(url_for("roster.list_rosters"))
    job.runner = roster_runner.dispatch(current_app._get_current_object(), job.id)  # type: ignore[attr-defined]
    return redirect(url_for("roster.show_job", job_id=job.id))


@bp.route("/jobs/<int:job_id>")
@roles_required(*PLANNERS)
def show_job(job_id: int) -> str:
    """Live progress of a job: elapsed vs limit, best objective, bound, status, Stop."""
    job = _job(job_id)
    return render_template("roster/job.html", job=job)


@bp.route("/jobs/<int:job_id>.json")
@roles_required(*PLANNERS)
def job_status(job_id: int) -> Response:
    """The job's progress for the page's poller."""
    job = _job(job_id)
    return jsonify(
        status=job.status,
        elapsed=round(job.elapsed, 1),
        time_limit=job.time_limit,
        objective=job.objective,
        bound=job.bound,
        solutions=job.solutions,
        solver_status=job.solver_status,
        stopping=job.cancel_requested,
        error=job.error,
        roster_url=url_for("roster.show_roster", roster_id=job.roster_id)
        if job.roster_id
        else None,
    )


@bp.route("/jobs/<int:job_id>/stop", methods=["POST"])
@roles_required(*PLANNERS)
def stop_job(job_id: int) -> Response:
    """Stop the search; the best roster found so far is kept."""
    roster_jobs.request_stop(db.session, current_user.employee, job_id)
    flash(_("Stopping: the best roster found so far will be kept."), "info")
    return redirect(url_for("roster.show_job", job_id=job_id))


def _job(job_id: int):  # type: ignore[no-untyped-def]
    try:
        job = roster_jobs.get_job(db.session, job_id)
    except ServiceError:
        abort(404)
    if job.site_id != _site_id():
        abort(404)
    return job


def _roster(roster_id: int):  # type: ignore[no-untyped-def]
    try:
        roster = rs.get_roster(db.session, roster_id)
    except ServiceError:
        abort(404)
    if roster.site_id != _site_id():
        abort(404)
    return roster


@bp.route("/<int:roster_id>")
@roles_required(*PLANNERS)
def show_roster(roster_id: int) -> str:
    """The grid (agents × days), coverage charts, penalties, explanation and violations."""
    roster = _roster(roster_id)
    team = request.args.get("team") or None
    grid = roster_view.build_grid(db.session, roster, team)
    return render_template(
        "roster/show.html",
        grid=grid,
        team=team,
        changes=roster_edit.changes_against_published(db.session, roster),
        cell_form=CellForm(),
        publish_form=PublishForm(),
        print_view=request.args.get("print") == "1",
    )


@bp.route("/<int:roster_id>/cell", methods=["POST"])
@roles_required(*PLANNERS)
def edit_cell(roster_id: int) -> Page:
    """Change one cell; every hard-rule violation is shown on the grid at once."""
    roster = _roster(roster_id)
    form = CellForm()
    if not form.validate_on_submit():
        flash(_("Choose an agent, a date and a shift."), "error")
        return redirect(url_for("roster.show_roster", roster_id=roster.id))
    try:
        found = roster_edit.edit_cell(
            db.session,
            current_user.employee,
            roster.id,
            form.employee_id.data,
            form.date.data,
            (form.value.data or "").strip(),
            form.cover_id.data,
        )
    except ServiceError as error:
        flash(error.message, "error")
        return redirect(url_for("roster.show_roster", roster_id=roster.id))
    if found:
        flash(_("Changed; %(n)d hard-rule violation(s), listed below.", n=len(found)), "warning")
    else:
        flash(_("Changed; every hard rule holds."), "success")
    return redirect(url_for("roster.show_roster", roster_id=roster.id))


@bp.route("/<int:roster_id>/reoptimise", methods=["POST"])
@roles_required(*PLANNERS)
def reoptimise_roster(roster_id: int) -> Page:
    """Solve again keeping the hand-edited cells fixed (and, for a published roster, R-11)."""
    roster = _roster(roster_id)
    try:
        job = roster_jobs.create_job(
            db.session,
            current_user.employee,
            roster.site_id,
            roster.first_date,
            roster.days // 7 or 1,
            roster_jobs.DEFAULT_TIME_LIMIT,
            base_roster_id=roster.id,
        )
    except ServiceError as error:
        flash(error.message, "error")
        return redirect(url_for("roster.show_roster", roster_id=roster.id))
    job.runner = roster_runner.dispatch(current_app._get_current_object(), job.id)  # type: ignore[attr-defined]
    return redirect(url_for("roster.show_job", job_id=job.id))


@bp.route("/<int:roster_id>/publish", methods=["POST"])
@roles_required(*PLANNERS)
def publish_roster(roster_id: int) -> Page:
    """Publish: read-only and visible to agents; audited with its diff."""
    roster = _roster(roster_id)
    form = PublishForm()
    try:
        roster_edit.publish_roster(
            db.session, current_user.employee, roster.id, bool(form.force.data)
        )
    except ServiceError as error:
        flash(error.message, "error")
        return redirect(url_for("roster.show_roster", roster_id=roster.id))
    flash(_("Roster published."), "success")
    return redirect(url_for("roster.show_roster", roster_id=roster.id))


@bp.route("/<int:roster_id>/export.<fmt>")
@roles_required(*PLANNERS)
def export_roster(roster_id: int, fmt: str) -> Response:
    """The roster as CSV (UTF-8 with BOM) or XLSX."""
    roster = _roster(roster_id)
    if fmt not in ("csv", "xlsx"):
        abort(404)
    data, mimetype = roster_export.export(db.session, roster, fmt)
    name = f"roster-{roster.first_date.isoformat()}-v{roster.version}.{fmt}"
    return Response(
        data, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )

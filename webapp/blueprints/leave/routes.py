"""Leave pages: ask, see my requests, decide, prove, delegate, grant (SPEC §5)."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from webapp.blueprints.forms_support import show_service_error
from webapp.blueprints.leave import bp
from webapp.blueprints.leave.forms import (
    DecisionForm,
    DelegationForm,
    GrantForm,
    LeaveRequestForm,
    ProofForm,
)
from webapp.extensions import db
from webapp.permissions import roles_required
from webapp.services import (
    employees,
    leave_coverage,
    leave_decisions,
    leave_requests,
    leave_reroster,
    notifications,
    roster_runner,
    sick_proofs,
)
from webapp.services.errors import Forbidden, ServiceError

Page = Response | str | tuple[str, int]


def _request_page(leave_id: int, **forms: object) -> dict[str, object]:
    """Everything the detail page shows: the request, proofs, and the approver's view."""
    actor = current_user.employee
    leave = leave_decisions.get_request(db.session, leave_id)
    if not (
        sick_proofs.may_read(actor, leave) or leave_decisions.may_decide(db.session, actor, leave)
    ):
        raise Forbidden("not your request", field="request")
    deciding = leave.status == "pending" and leave_decisions.may_decide(db.session, actor, leave)
    today = sick_proofs.now_local_date(leave.employee)
    return {
        "leave": leave,
        "deciding": deciding,
        "impact": leave_coverage.impact(db.session, leave) if deciding else None,
        "proof_status": sick_proofs.proof_status(leave, today).value,
        "proof_deadline": sick_proofs.proof_deadline(leave) if leave.sudden else None,
        "decision_form": forms.get("decision_form")
        or DecisionForm(formdata=None, version=leave.version),
        "proof_form": forms.get("proof_form") or ProofForm(formdata=None),
    }


@bp.route("/")
@login_required
def list_requests() -> str:
    """My requests and my balances."""
    me = current_user.employee
    year = sick_proofs.now_local_date(me).year
    mine = leave_coverage.requests_of(db.session, me.id)
    return render_template(
        "leave/list.html",
        requests=mine,
        year=year,
        balances=leave_requests.balances(db.session, me.id, year),
    )


@bp.route("/new", methods=["GET", "POST"])
@roles_required("agent", "lead")
def create_request() -> Page:
    """Ask for leave; the page shows balances and the days where leave keeps coverage whole."""
    me = current_user.employee
    form = LeaveRequestForm()
    year = sick_proofs.now_local_date(me).year
    context = {
        "balances": leave_requests.balances(db.session, me.id, year),
        "year": year,
        "hints": leave_coverage.safe_days(db.session, me),
    }
    if form.validate_on_submit():
        values = leave_requests.LeaveForm(
            form.leave_type.data or "", form.start.data, form.end.data, form.reason.data or ""
        )
        try:
            created = leave_requests.submit_request(db.session, me, values)
        except ServiceError as error:
            return show_service_error(form, error, "leave/new.html", **context)
        flash(_("Your request was sent to the approver."), "success")
        return redirect(url_for("leave.show_request", leave_id=created.id))
    return render_template("leave/new.html", form=form, **context)


@bp.route("/<int:leave_id>")
@login_required
def show_request(leave_id: int) -> str:
    """One request; approvers see the coverage before and after approving (L-5)."""
    return render_template("leave/show.html", **_request_page(leave_id))


@bp.route("/<int:leave_id>/decide", methods=["POST"])
@roles_required("lead", "director")
def decide_request(leave_id: int) -> Page:
    """Approve or reject; a second approver acting at once is told it is already decided."""
    form = DecisionForm()
    if not form.validate_on_submit():
        return render_template(
            "leave/show.html", **_request_page(leave_id, decision_form=form)
        ), 422
    seen = int(form.version.data) if (form.version.data or "").isdigit() else None
    if form.approve_reroster.data:
        return _approve_and_reroster(leave_id, form, seen)
    try:
        leave_decisions.decide(
            db.session,
            current_user.employee,
            leave_id,
            approve=bool(form.approve.data),
            comment=form.comment.data or "",
            seen_version=seen,
        )
    except leave_decisions.AlreadyDecided as error:
        flash(error.message, "warning")
        return render_template("leave/show.html", **_request_page(leave_id)), 409
    except ServiceError as error:
        return show_service_error(
            form, error, "leave/show.html", **_request_page(leave_id, decision_form=form)
        )
    flash(_("Decision saved."), "success")
    return redirect(url_for("leave.list_inbox"))


def _approve_and_reroster(leave_id: int, form: DecisionForm, seen: int | None) -> Page:
    """Approve and start the minimal-change re-solve; the director reviews and publishes it."""
    try:
        job = leave_reroster.approve_and_reroster(
            db.session,
            current_user.employee,
            leave_id,
            form.comment.data or "",
            seen,
            time_limit=current_app.config["REROSTER_TIME_LIMIT"],
        )
    except leave_decisions.AlreadyDecided as error:
        flash(error.message, "warning")
        return render_template("leave/show.html", **_request_page(leave_id)), 409
    except ServiceError as error:
        return show_service_error(
            form, error, "leave/show.html", **_request_page(leave_id, decision_form=form)
        )
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    job.runner = roster_runner.dispatch(app, job.id)
    flash(
        _("Leave approved. The roster is being repaired with as few changes as possible."),
        "success",
    )
    return redirect(url_for("roster.show_job", job_id=job.id))


@bp.route("/<int:leave_id>/cancel", methods=["POST"])
@login_required
def cancel_request(leave_id: int) -> Response:
    """Withdraw my pending request."""
    try:
        leave_decisions.cancel(db.session, current_user.employee, leave_id)
        flash(_("Request withdrawn."), "success")
    except ServiceError as error:
        flash(error.message, "error")
    return redirect(url_for("leave.show_request", leave_id=leave_id))


@bp.route("/<int:leave_id>/proof", methods=["POST"])
@login_required
def upload_proof(leave_id: int) -> Page:
    """Hand in the proof of sick leave (L-4)."""
    form = ProofForm()
    if form.validate_on_submit():
        content = form.file.data.read(sick_proofs.MAX_PROOF_BYTES + 1)
        try:
            sick_proofs.upload_proof(
                db.session,
                current_user.employee,
                leave_id,
                form.file.data.filename or "",
                content,
                current_app.config["UPLOAD_DIR"],
            )
        except ServiceError as error:
            return show_service_error(
                form, error, "leave/show.html", **_request_page(leave_id, proof_form=form)
            )
        flash(_("Proof received."), "success")
        return redirect(url_for("leave.show_request", leave_id=leave_id))
    return render_template("leave/show.html", **_request_page(leave_id, proof_form=form)), 422


@bp.route("/proofs/<int:proof_id>")
@login_required
def download_proof(proof_id: int) -> Response:
    """The proof file, for the agent, their approvers and HR only (L-4)."""
    proof = sick_proofs.read_proof(
        db.session, current_user.employee, proof_id, current_app.config["UPLOAD_DIR"]
    )
    return send_file(
        proof.path,
        mimetype=proof.content_type,
        as_attachment=True,
        download_name=proof.download_name,
    )


@bp.route("/inbox")
@roles_required("lead", "director")
def list_inbox() -> str:
    """Pending requests I may decide (L-3)."""
    return render_template(
        "leave/inbox.html", requests=leave_decisions.inbox(db.session, current_user.employee)
    )


@bp.route("/delegate", methods=["GET", "POST"])
@roles_required("lead", "director")
def delegate_approvals() -> Page:
    """Route my approvals to a colleague while I am away (L-3)."""
    me = current_user.employee
    form = DelegationForm()
    form.delegate_id.choices = [
        SelectChoice(e.id, f"{e.code} {e.name}")
        for e in employees.list_employees(db.session, me.site_id)
        if e.id != me.id and e.roles & {"lead", "director"}
    ]
    if form.validate_on_submit():
        try:
            leave_decisions.delegate(
                db.session, me, form.delegate_id.data, form.first_day.data, form.last_day.data
            )
        except ServiceError as error:
            return show_service_error(form, error, "leave/delegate.html")
        flash(_("Delegation saved."), "success")
        return redirect(url_for("leave.list_inbox"))
    return render_template("leave/delegate.html", form=form)


@bp.route("/grants", methods=["GET", "POST"])
@roles_required("hr", "lead")
def grant_leave() -> Page:
    """HR grants annual leave; leads grant compensatory rest to their team (L-1)."""
    me = current_user.employee
    form = GrantForm()
    people = employees.list_employees(
        db.session, me.site_id, None if "hr" in me.roles else me.team_id
    )
    form.employee_id.choices = [
        SelectChoice(e.id, f"{e.code} {e.name}") for e in people if e.id != me.id
    ]
    if request.method == "GET":
        form.year.data = sick_proofs.now_local_date(me).year
    if form.validate_on_submit():
        try:
            leave_requests.grant_days(
                db.session,
                me,
                form.employee_id.data,
                form.leave_type.data or "",
                form.year.data,
                form.days.data,
                form.reason.data or "",
            )
        except ServiceError as error:
            return show_service_error(form, error, "leave/grants.html")
        flash(_("Balance updated."), "success")
        return redirect(url_for("leave.grant_leave"))
    return render_template("leave/grants.html", form=form)


@bp.route("/notifications")
@login_required
def list_notifications() -> str:
    """My messages; opening the page marks them read."""
    me = current_user.employee
    items = notifications.recent(db.session, me.id)
    page = render_template("leave/notifications.html", items=items)
    notifications.mark_all_read(db.session, me.id)
    return page

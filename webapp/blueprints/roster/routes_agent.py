"""Agents' side of the roster: My shifts (list, month, iCalendar feed), swaps, handovers."""

from __future__ import annotations

import datetime as dt

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from webapp.blueprints.forms_support import show_service_error
from webapp.blueprints.roster import bp
from webapp.blueprints.roster.forms import DecideSwapForm, HandoverForm, SwapForm
from webapp.extensions import db
from webapp.permissions import roles_required
from webapp.services import calendar_feed, handover, my_shifts, swaps
from webapp.services.errors import Forbidden, NotFound, ServiceError

Page = Response | str | tuple[str, int]
ROSTERED = ("agent", "lead")
DECIDERS = ("lead", "director", "admin")


@bp.route("/mine")
@login_required
def my_shifts_page() -> str:
    """My published shifts: the coming four weeks and a month calendar."""
    me = current_user.employee
    today = my_shifts.site_today(me)
    year, month = my_shifts.parse_month(request.args.get("month"), today)
    return render_template(
        "roster/mine.html",
        days=my_shifts.coming_days(db.session, me, today),
        weeks=my_shifts.month_weeks(db.session, me, year, month, today),
        month=f"{year:04d}-{month:02d}",
        previous=my_shifts.shift_month(year, month, -1),
        following=my_shifts.shift_month(year, month, 1),
        has_feed=calendar_feed.has_feed(db.session, me),
        feed_url=None,
    )


@bp.route("/mine.ics")
@login_required
def download_ics() -> Response:
    """My published shifts as an .ics file to import."""
    body = calendar_feed.shifts_ics(db.session, current_user.employee)
    name = f"shifts-{current_user.employee.code}.ics"
    return Response(
        body,
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.route("/mine/feed", methods=["POST"])
@login_required
def create_feed() -> str:
    """A new secret subscription URL (shown once; the old one stops working)."""
    me = current_user.employee
    token = calendar_feed.create_feed(db.session, me)
    today = my_shifts.site_today(me)
    return render_template(
        "roster/mine.html",
        days=my_shifts.coming_days(db.session, me, today),
        weeks=my_shifts.month_weeks(db.session, me, today.year, today.month, today),
        month=f"{today:%Y-%m}",
        previous=my_shifts.shift_month(today.year, today.month, -1),
        following=my_shifts.shift_month(today.year, today.month, 1),
        has_feed=True,
        feed_url=url_for("roster.show_feed", token=token, _external=True),
    )


@bp.route("/mine/feed/revoke", methods=["POST"])
@login_required
def revoke_feed() -> Response:
    """Revoke the subscription URL."""
    calendar_feed.revoke_feed(db.session, current_user.employee)
    flash(_("Calendar feed revoked: its address no longer works."), "success")
    return redirect(url_for("roster.my_shifts_page"))


@bp.route("/feed/<token>.ics")
def show_feed(token: str) -> Response:
    """The secret iCalendar feed (no sign-in: the address is the secret)."""
    try:
        employee = calendar_feed.employee_for_token(db.session, token)
    except ServiceError:
        abort(404)
    body = calendar_feed.shifts_ics(db.session, employee)
    return Response(body, mimetype="text/calendar", headers={"Cache-Control": "private"})


def _swap_page(form: SwapForm) -> dict[str, object]:
    me = current_user.employee
    teammates = [e for e in (me.team.members if me.team else []) if e.id != me.id and e.active]
    form.colleague_id.choices = [(0, "—")] + [(e.id, f"{e.code} {e.name}") for e in teammates]
    mine = swaps.swaps_of(db.session, me) if me.team_id else []
    deciding = swaps.swaps_to_decide(db.session, me) if me.roles & set(DECIDERS) else []
    previews = {s.id: _safe_preview(s) for s in [*mine, *deciding] if s.status != "approved"}
    return {"form": form, "mine": mine, "deciding": deciding, "previews": previews,
            "decide_form": DecideSwapForm(), "me": me}  # fmt: skip


def _safe_preview(swap: object) -> list[str]:
    try:
        return swaps.preview(db.session, swap)  # type: ignore[arg-type]
    except ServiceError:
        return []


@bp.route("/swaps", methods=["GET", "POST"])
@roles_required(*ROSTERED, *DECIDERS)
def list_swaps() -> Page:
    """Propose a swap or offer; my swaps; swaps waiting for the lead."""
    form = SwapForm()
    context = _swap_page(form)
    if not form.validate_on_submit():
        status = 422 if request.method == "POST" else 200
        return render_template("roster/swaps.html", **context), status
    me = current_user.employee
    try:
        swaps.propose(
            db.session, me, form.kind.data or "", form.date.data, my_shifts.site_today(me),
            form.colleague_id.data or None, form.colleague_date.data, form.note.data or "",
        )  # fmt: skip
    except ServiceError as error:
        return show_service_error(form, error, "roster/swaps.html",
                                  **{k: v for k, v in context.items() if k != "form"})  # fmt: skip
    flash(_("Swap request sent."), "success")
    return redirect(url_for("roster.list_swaps"))


@bp.route("/swaps/<int:swap_id>/<action>", methods=["POST"])
@roles_required(*ROSTERED, *DECIDERS)
def decide_swap(swap_id: int, action: str) -> Response:
    """accept / decline (colleague), withdraw (requester), approve / reject (lead)."""
    me = current_user.employee
    try:
        if action == "accept":
            swap = swaps.accept(db.session, me, swap_id)
        elif action == "decline":
            swap = swaps.decline(db.session, me, swap_id)
        elif action == "withdraw":
            swap = swaps.withdraw(db.session, me, swap_id)
        elif action == "approve":
            form = DecideSwapForm()
            swap = swaps.approve(db.session, me, swap_id, bool(form.force.data))
        elif action == "reject":
            swap = swaps.reject(db.session, me, swap_id)
        else:
            abort(404)
    except ServiceError as error:
        if isinstance(error, Forbidden | NotFound):
            raise
        flash(error.message, "error")
        return redirect(url_for("roster.list_swaps"))
    flash(_("Swap %(id)d is now %(status)s.", id=swap.id, status=swap.status), "success")
    return redirect(url_for("roster.list_swaps"))


@bp.route("/handover", methods=["GET", "POST"])
@roles_required(*ROSTERED)
def list_handovers() -> Page:
    """Write the handover note of my shift; read and acknowledge my team's notes."""
    me = current_user.employee
    today = my_shifts.site_today(me)
    form = HandoverForm()
    if request.method == "GET":
        form.date.data = today
    notes = handover.team_notes(db.session, me, today)
    ackable = {n.id for n in notes if not n.acknowledged_by_id
               and handover.may_acknowledge(db.session, me, n)}  # fmt: skip
    context = {"notes": notes, "ackable": ackable, "me": me}
    if not form.validate_on_submit():
        status = 422 if request.method == "POST" else 200
        return render_template("roster/handover.html", form=form, **context), status
    try:
        handover.write_note(db.session, me, form.date.data, form.body.data or "")
    except ServiceError as error:
        return show_service_error(form, error, "roster/handover.html", **context)
    flash(_("Handover note saved for the next shift."), "success")
    return redirect(url_for("roster.list_handovers"))


@bp.route("/handover/<int:note_id>/acknowledge", methods=["POST"])
@roles_required(*ROSTERED)
def acknowledge_handover(note_id: int) -> Response:
    """The incoming shift confirms the note."""
    try:
        handover.acknowledge(db.session, current_user.employee, note_id)
    except ServiceError as error:
        if isinstance(error, Forbidden | NotFound):
            raise
        flash(error.message, "error")
    else:
        flash(_("Handover acknowledged."), "success")
    return redirect(url_for("roster.list_handovers"))


@bp.route("/handover/status")
@roles_required(*DECIDERS)
def handover_status() -> str:
    """Leads: handover notes of the last week nobody has acknowledged yet."""
    me = current_user.employee
    since = my_shifts.site_today(me) - dt.timedelta(days=7)
    return render_template(
        "roster/handover_status.html", notes=handover.unacknowledged(db.session, me, since)
    )

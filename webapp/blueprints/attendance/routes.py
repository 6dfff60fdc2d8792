"""Attendance pages: clock button, kiosk, devices, proxy flags, corrections (A-1, A-6, A-7)."""

from __future__ import annotations

from datetime import datetime

from flask import abort, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from webapp.blueprints.attendance import bp
from webapp.blueprints.attendance.forms import (
    ClockForm,
    DecisionForm,
    DeviceForm,
    KioskActivateForm,
    KioskForm,
    PinForm,
)
from webapp.blueprints.forms_support import show_service_error
from webapp.extensions import db
from webapp.models import Device, Employee
from webapp.models.base import utcnow
from webapp.permissions import roles_required
from webapp.security import FAILED_PINS, kiosk_key, limiter
from webapp.services import attendance_results, clock, corrections, devices, org
from webapp.services.errors import ServiceError

Page = Response | str | tuple[str, int]
KIOSK_KEY = "kiosk_device_hash"


def _local(naive: datetime, employee: Employee) -> datetime:
    """A form's wall-clock time in the employee's site time zone."""
    return naive.replace(tzinfo=attendance_results.settings_for(employee.site).zone)


@bp.app_template_filter("site_time")
def site_time(value: datetime | None, fmt: str = "%H:%M", zone: object = None) -> str:
    """An instant in the signed-in user's site time zone (or the given one), formatted."""
    if value is None:
        return "—"
    if zone is None and current_user.is_authenticated:
        zone = attendance_results.settings_for(current_user.employee.site).zone
    return value.astimezone(zone).strftime(fmt)  # type: ignore[arg-type]


def _clock_page(form: ClockForm, pin_form: PinForm) -> dict[str, object]:
    employee = current_user.employee
    form.event_id.data = clock.new_event_id()
    return {
        "form": form,
        "pin_form": pin_form,
        "state": clock.clock_state(db.session, employee),
        "zone": attendance_results.settings_for(employee.site).zone,
    }


@bp.route("/clock", methods=["GET", "POST"])
@login_required
def show_clock() -> Page:
    """The agent's own clock: current shift, state, one big button (A-1)."""
    form, pin_form = ClockForm(), PinForm(prefix="pin")
    if form.validate_on_submit():
        try:
            clock.record_event(
                db.session,
                current_user.employee,
                form.kind.data or "",
                utcnow(),
                "web",
                event_id=form.event_id.data or "",
                server_time=True,
            )
        except ServiceError as error:
            context = _clock_page(form, pin_form)
            del context["form"]
            return show_service_error(form, error, "attendance/clock.html", **context)
        flash(_("Clock event recorded."), "success")
        return redirect(url_for("attendance.show_clock"))
    status = 422 if form.is_submitted() else 200
    return render_template("attendance/clock.html", **_clock_page(form, pin_form)), status


@bp.post("/pin")
@login_required
def set_pin() -> Page:
    """Set one's own kiosk PIN."""
    pin_form = PinForm(prefix="pin")
    if pin_form.validate_on_submit():
        clock.set_pin(db.session, current_user.employee, pin_form.pin.data or "")
        flash(_("Kiosk PIN saved."), "success")
        return redirect(url_for("attendance.show_clock"))
    context = _clock_page(ClockForm(formdata=None), pin_form)
    return render_template("attendance/clock.html", **context), 422


def _kiosk_device() -> Device | None:
    device = db.session.scalar(
        db.select(Device).where(Device.token_hash == session.get(KIOSK_KEY, ""))
    )
    return device if device is not None and device.revoked_at is None else None


@bp.route("/kiosk/activate", methods=["GET", "POST"])
def activate_kiosk() -> Page:
    """Bind this browser to a registered device: its events record the device (A-1, A-6)."""
    form = KioskActivateForm()
    if form.validate_on_submit():
        device = devices.device_for_token(db.session, form.token.data)
        if device is None:
            form.token.errors = [_("Unknown or revoked device token (A-1).")]
            return render_template("attendance/kiosk_activate.html", form=form), 422
        session[KIOSK_KEY] = device.token_hash
        return redirect(url_for("attendance.show_kiosk"))
    return render_template("attendance/kiosk_activate.html", form=form)


@bp.route("/kiosk", methods=["GET", "POST"])
@limiter.limit(
    FAILED_PINS,
    key_func=kiosk_key,
    methods=["POST"],
    deduct_when=lambda response: response.status_code == 422,
    error_message="Too many wrong PINs; wait 15 minutes.",
)
def show_kiosk() -> Page:
    """A shared clock: employee code and PIN, then in/out/break (A-1)."""
    device = _kiosk_device()
    if device is None:
        return redirect(url_for("attendance.activate_kiosk"))
    form = KioskForm()
    if form.validate_on_submit():
        try:
            employee = clock.check_pin(db.session, form.code.data or "", form.pin.data or "")
            if employee.site_id != device.site_id:
                raise ServiceError(_("code: not an employee of this kiosk's site (A-1)"), "code")
            clock.record_event(
                db.session,
                employee,
                form.kind.data or "",
                utcnow(),
                "kiosk",
                event_id=form.event_id.data or "",
                device=device,
                server_time=True,
            )
        except ServiceError as error:
            form.event_id.data = clock.new_event_id()
            return show_service_error(form, error, "attendance/kiosk.html", device=device)
        flash(_("%(name)s: recorded.", name=employee.name), "success")
        return redirect(url_for("attendance.show_kiosk"))
    form.event_id.data = clock.new_event_id()
    status = 422 if form.is_submitted() else 200
    return render_template("attendance/kiosk.html", form=form, device=device), status


@bp.route("/devices", methods=["GET", "POST"])
@roles_required("admin")
def list_devices() -> Page:
    """Register clock devices and revoke their tokens (A-1)."""
    form = DeviceForm()
    form.site_id.choices = [SelectChoice(s.id, s.name) for s in org.list_sites(db.session)]
    page = "attendance/devices.html"
    if form.validate_on_submit():
        try:
            device, token = devices.create_device(
                db.session, current_user.employee, form.site_id.data or 0, form.name.data or ""
            )
        except ServiceError as error:
            return show_service_error(
                form, error, page, devices=devices.list_devices(db.session), token=None
            )
        form = DeviceForm(formdata=None)
        form.site_id.choices = [SelectChoice(s.id, s.name) for s in org.list_sites(db.session)]
        return render_template(
            page, form=form, devices=devices.list_devices(db.session), token=(device.name, token)
        )
    return render_template(page, form=form, devices=devices.list_devices(db.session), token=None)


@bp.post("/devices/<int:device_id>/revoke")
@roles_required("admin")
def revoke_device(device_id: int) -> Response:
    """Revoke a device token at once."""
    devices.revoke_device(db.session, current_user.employee, device_id)
    flash(_("Device revoked."), "success")
    return redirect(url_for("attendance.list_devices"))


@bp.get("/proxy-flags")
@roles_required("lead", "director", "admin")
def list_proxy_flags() -> str:
    """Suspected proxy punching for the lead to confirm or dismiss (A-6)."""
    flags = corrections.pending_flags(db.session, current_user.employee)
    return render_template("attendance/proxy_flags.html", flags=flags, form=DecisionForm())


@bp.post("/proxy-flags/<int:flag_id>")
@roles_required("lead", "director", "admin")
def decide_proxy_flag(flag_id: int) -> Page:
    """Confirm (D-4 applies) or dismiss one flag."""
    form = DecisionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        corrections.decide_flag(
            db.session, current_user.employee, flag_id, form.decision.data == "yes"
        )
    except ServiceError as error:
        flags = corrections.pending_flags(db.session, current_user.employee)
        return show_service_error(form, error, "attendance/proxy_flags.html", flags=flags)
    flash(_("Decision recorded."), "success")
    return redirect(url_for("attendance.list_proxy_flags"))


from webapp.blueprints.attendance import routes_corrections, routes_reports  # noqa: E402, F401

"""JSON API of clock terminals: POST /api/v1/clock-events, idempotent by event_id (A-1)."""

from __future__ import annotations

from typing import Any

from flask import g, jsonify, request
from werkzeug.wrappers import Response

from webapp.blueprints.api import bp
from webapp.blueprints.api.forms import parse_clock_event
from webapp.blueprints.api.openapi import OPENAPI
from webapp.extensions import db
from webapp.models import ClockEvent
from webapp.services import clock, devices
from webapp.services.errors import ServiceError


def _error(status: int, message: str, field: str | None = None, rule: str | None = None
           ) -> tuple[Response, int]:  # fmt: skip
    return jsonify({"error": {"message": message, "field": field, "rule": rule}}), status


@bp.get("/v1/openapi.json")
def show_openapi() -> Response:
    """The API's description, for integrators and for the fuzz tests (no token needed)."""
    return jsonify(OPENAPI)


@bp.before_request
def authenticate_device() -> tuple[Response, int] | None:
    """Every API call carries `Authorization: Bearer <device token>`; revoked tokens fail."""
    if request.endpoint == "api.show_openapi":
        return None
    header = request.headers.get("Authorization", "")
    token = header[7:].strip() if header.startswith("Bearer ") else None
    device = devices.device_for_token(db.session, token)
    if device is None:
        return _error(401, "device token missing, unknown or revoked (A-1)", "Authorization")
    g.device = device
    return None


def event_json(event: ClockEvent) -> dict[str, Any]:
    """The stored event as the API answers it; instants in UTC."""
    return {
        "event_id": event.event_id, "employee_code": event.employee.code, "kind": event.kind,
        "timestamp": event.at.isoformat(), "source": event.source, "device": event.device,
        "recorded_at": event.recorded_at.isoformat(),
        "shift_date": event.shift_date.isoformat() if event.shift_date else None,
        "unscheduled": event.unscheduled,
    }  # fmt: skip


@bp.post("/v1/clock-events")
def create_clock_event() -> tuple[Response, int]:
    """Store one event (201) or answer a retry with the stored one (200); committed on return."""
    try:
        payload = parse_clock_event(request.get_json(silent=True))
        employee = devices.employee_at_device(db.session, g.device, payload.employee_code)
        if employee is None:
            raise ServiceError("employee_code: unknown at this device's site (A-1)",
                               "employee_code", "A-1")  # fmt: skip
        event, created = clock.record_event(
            db.session, employee, payload.kind, payload.at, "api",
            event_id=payload.event_id, device=g.device,
        )  # fmt: skip
    except ServiceError as error:
        status = 409 if error.field == "event_id" and "already stored" in error.message else 400
        return _error(status, error.message, error.field, error.rule)
    return jsonify({"event": event_json(event)}), 201 if created else 200

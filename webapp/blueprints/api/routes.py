"""JSON API of clock terminals: POST /api/v1/clock-events, idempotent by event_id (A-1)."""

from __future__ import annotations

from typing import Any

from flask import current_app, jsonify, request
from werkzeug.wrappers import Response

from webapp.blueprints.api import bp
from webapp.blueprints.api.forms import parse_clock_event
from webapp.blueprints.api.openapi import OPENAPI
from webapp.extensions import db
from webapp.services import clock_batcher
from webapp.services.clock_batch import Answer, StoredEvent, Submission, record_batch
from webapp.services.errors import ServiceError


def _error(status: int, message: str, field: str | None = None, rule: str | None = None
           ) -> tuple[Response, int]:  # fmt: skip
    return jsonify({"error": {"message": message, "field": field, "rule": rule}}), status


@bp.get("/v1/openapi.json")
def show_openapi() -> Response:
    """The API's description, for integrators and for the fuzz tests (no token needed)."""
    return jsonify(OPENAPI)


def event_json(event: StoredEvent) -> dict[str, Any]:
    """The stored event as the API answers it; instants in UTC."""
    return {
        "event_id": event.event_id, "employee_code": event.employee_code, "kind": event.kind,
        "timestamp": event.at.isoformat(), "source": event.source, "device": event.device,
        "recorded_at": event.recorded_at.isoformat(),
        "shift_date": event.shift_date.isoformat() if event.shift_date else None,
        "unscheduled": event.unscheduled,
    }  # fmt: skip


def _submission(token: str) -> Submission:
    try:
        payload = parse_clock_event(request.get_json(silent=True))
    except ServiceError as error:
        return Submission(token, problem=error)
    return Submission(token, payload.event_id, payload.employee_code, payload.kind, payload.at)


@bp.post("/v1/clock-events")
def create_clock_event() -> tuple[Response, int]:
    """Store one event (201) or answer a retry with the stored one (200); committed on return.

    Every call carries `Authorization: Bearer <device token>`; the token is checked with the
    batch, so a request needs no database work of its own (issue 5 item 8)."""
    header = request.headers.get("Authorization", "")
    token = header[7:].strip() if header.startswith("Bearer ") else ""
    if not token:
        return _error(401, "device token missing, unknown or revoked (A-1)", "Authorization")
    batcher = clock_batcher.batcher_for(current_app._get_current_object())  # type: ignore[attr-defined]
    answer: Answer = (
        batcher.submit(_submission(token)) if batcher
        else record_batch(db.session, [_submission(token)])[0]  # committed after the request
    )  # fmt: skip
    if answer.error is not None:
        error = answer.error
        return _error(answer.status, error.message, error.field, error.rule)
    assert answer.event is not None
    return jsonify({"event": event_json(answer.event)}), answer.status

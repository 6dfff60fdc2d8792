"""Shape checks of API payloads: JSON in, plain values out; rules stay in the services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from webapp.models.base import utcnow
from webapp.services.errors import ServiceError


@dataclass(frozen=True)
class ClockEventPayload:
    """A POST /api/v1/clock-events body (A-1)."""

    event_id: str
    employee_code: str
    kind: str
    at: datetime


def _text(body: dict[str, Any], key: str) -> str:
    value = body.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ServiceError(f"{key}: required, a non-empty string (A-1)", key, "A-1")
    return value.strip()


def parse_clock_event(body: Any) -> ClockEventPayload:
    """Check the JSON shape; `timestamp` is ISO 8601 with an offset, omitted = now (A-1)."""
    if not isinstance(body, dict):
        raise ServiceError("body: must be a JSON object (A-1)", "body", "A-1")
    raw = body.get("timestamp")
    if raw is None:
        at = utcnow()
    else:
        try:
            at = datetime.fromisoformat(raw) if isinstance(raw, str) else None
        except ValueError:
            at = None
        if at is None or at.utcoffset() is None:
            raise ServiceError(
                "timestamp: must be ISO 8601 with a UTC offset (A-1)", "timestamp", "A-1"
            )
    return ClockEventPayload(
        _text(body, "event_id"), _text(body, "employee_code"), _text(body, "kind"), at
    )

"""The API's OpenAPI 3.0 document, served at /api/v1/openapi.json (issue 8)."""

from __future__ import annotations

from typing import Any

ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {"error": {"type": "object", "required": ["message"], "properties": {
        "message": {"type": "string"},
        "field": {"type": "string", "nullable": True},
        "rule": {"type": "string", "nullable": True},
    }}},
}  # fmt: skip
EVENT = {
    "type": "object",
    "required": ["event_id", "employee_code", "kind", "timestamp", "source", "recorded_at",
                 "unscheduled"],
    "properties": {
        "event_id": {"type": "string"},
        "employee_code": {"type": "string"},
        "kind": {"type": "string", "enum": ["in", "out", "break_out", "break_in"]},
        "timestamp": {"type": "string", "format": "date-time"},
        "source": {"type": "string"},
        "device": {"type": "string", "nullable": True},
        "recorded_at": {"type": "string", "format": "date-time"},
        "shift_date": {"type": "string", "format": "date", "nullable": True},
        "unscheduled": {"type": "boolean"},
    },
}  # fmt: skip


def json_body(schema: dict[str, Any], description: str) -> dict[str, Any]:
    """A response with a JSON body."""
    return {"description": description, "content": {"application/json": {"schema": schema}}}


OPENAPI: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "paiban clock API", "version": "1",
             "description": "Clock events from terminals and kiosks (SPEC A-1), idempotent "
                            "by event_id. Authenticate with a device token: "
                            "`Authorization: Bearer <token>`."},
    "components": {"securitySchemes": {"device": {"type": "http", "scheme": "bearer"}}},
    "security": [{"device": []}],
    "paths": {"/api/v1/clock-events": {"post": {
        "operationId": "createClockEvent",
        "summary": "Store one clock event, or answer a retry with the stored one",
        "requestBody": {"required": True, "content": {"application/json": {"schema": {
            "type": "object",
            "required": ["event_id", "employee_code", "kind"],
            "properties": {
                "event_id": {"type": "string", "minLength": 1, "maxLength": 64},
                "employee_code": {"type": "string", "minLength": 1},
                "kind": {"type": "string", "enum": ["in", "out", "break_out", "break_in"]},
                "timestamp": {"type": "string", "format": "date-time",
                              "description": "ISO 8601 with offset; omitted = now"},
            },
        }}}},
        "responses": {
            "201": json_body({"type": "object", "required": ["event"],
                              "properties": {"event": EVENT}}, "stored"),
            "200": json_body({"type": "object", "required": ["event"],
                              "properties": {"event": EVENT}}, "a retry: the stored event"),
            "400": json_body(ERROR, "bad input; names the field and the rule"),
            "401": json_body(ERROR, "device token missing, unknown or revoked"),
            "409": json_body(ERROR, "this event_id is stored with other content"),
            "503": json_body(ERROR, "not acknowledged (the store failed or is busy): retry "
                                    "with the same event_id"),
        },
    }}},
}  # fmt: skip

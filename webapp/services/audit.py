"""Writing the append-only audit log (SPEC §1)."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from webapp.models import AuditEntry, Employee


def snapshot(obj: object, fields: tuple[str, ...]) -> dict[str, Any]:
    """A JSON-safe copy of the named attributes, for before/after columns."""
    return {name: _json_safe(getattr(obj, name)) for name in fields}


def _json_safe(value: Any) -> Any:
    if isinstance(value, Decimal | date | datetime | time):
        return value.isoformat() if not isinstance(value, Decimal) else str(value)
    if isinstance(value, frozenset | set):
        return sorted(value)
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    return value


def record(
    session: Session,
    actor: Employee | None,
    action: str,
    obj: Any,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry; the object must have been flushed so it has an id."""
    session.flush()
    entry = AuditEntry(
        actor_id=actor.id if actor else None,
        action=action,
        object_type=type(obj).__name__,
        object_id=getattr(obj, "id", None),
        before=before,
        after=after,
    )
    session.add(entry)
    return entry

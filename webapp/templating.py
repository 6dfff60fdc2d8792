"""Template filters shared by every area."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Flask


def localtime(moment: datetime | None, zone: str, pattern: str = "%Y-%m-%d %H:%M") -> str:
    """An instant shown in a site's time zone (A-1: stored UTC, shown local)."""
    return "" if moment is None else moment.astimezone(ZoneInfo(zone)).strftime(pattern)


def unread_notifications() -> int:
    """Unread messages of the signed-in user, for the bell in the header."""
    from flask_login import current_user

    from webapp.extensions import db
    from webapp.services import notifications

    if not current_user.is_authenticated:
        return 0
    return notifications.unread_count(db.session, current_user.employee_id)


def init_app(app: Flask) -> None:
    """Register the filters and globals."""
    app.jinja_env.filters["localtime"] = localtime
    app.jinja_env.globals["unread_notifications"] = unread_notifications

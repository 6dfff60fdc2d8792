"""In-app notifications, and e-mail when an SMTP server is configured (L-3, L-5)."""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from flask import current_app, has_app_context
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from webapp.models import Employee
from webapp.models.base import utcnow
from webapp.models.leave import Notification

log = logging.getLogger(__name__)


def notify(session: Session, employee: Employee, text: str, link: str | None = None) -> None:
    """Leave a message in the employee's inbox; mail it too when SMTP_HOST is set."""
    session.add(Notification(employee_id=employee.id, text=text, link=link))
    if employee.email and has_app_context() and current_app.config.get("SMTP_HOST"):
        _send_mail(employee.email, text, link)


def _send_mail(to: str, text: str, link: str | None) -> None:
    config = current_app.config
    message = EmailMessage()
    message["From"] = config.get("MAIL_FROM", "paiban@localhost")
    message["To"] = to
    message["Subject"] = text[:80]
    message.set_content(text + (f"\n\n{link}" if link else ""))
    try:
        with smtplib.SMTP(config["SMTP_HOST"], int(config.get("SMTP_PORT", 25)), timeout=5) as smtp:
            smtp.send_message(message)
    except OSError:
        # The in-app notification is the record; a mail server outage must not fail the request.
        log.warning("could not mail a notification to %s", to, exc_info=True)


def unread_count(session: Session, employee_id: int) -> int:
    """How many messages the employee has not opened."""
    return (
        session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.employee_id == employee_id, Notification.read_at.is_(None))
        )
        or 0
    )


def recent(session: Session, employee_id: int, limit: int = 30) -> list[Notification]:
    """The newest messages first."""
    return list(
        session.scalars(
            select(Notification)
            .where(Notification.employee_id == employee_id)
            .order_by(Notification.id.desc())
            .limit(limit)
        )
    )


def mark_all_read(session: Session, employee_id: int) -> None:
    """Opening the inbox reads everything in it."""
    for note in session.scalars(
        select(Notification).where(
            Notification.employee_id == employee_id, Notification.read_at.is_(None)
        )
    ):
        note.read_at = utcnow()

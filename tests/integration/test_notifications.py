"""Notifications: always in the app; mailed too when an SMTP server is configured (L-3)."""

from __future__ import annotations

from collections.abc import Callable
from email.message import EmailMessage
from typing import Any, ClassVar

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from webapp.models import Employee
from webapp.services import notifications


class FakeSMTP:
    """Records what would have been sent."""

    sent: ClassVar[list[EmailMessage]] = []

    def __init__(self, host: str, port: int, timeout: float) -> None:
        self.host = host

    def __enter__(self) -> FakeSMTP:
        return self

    def __exit__(self, *exc: Any) -> None:
        return None

    def send_message(self, message: EmailMessage) -> None:
        FakeSMTP.sent.append(message)


def test_notifications_are_mailed_only_when_smtp_is_configured(
    app: Flask,
    session: Session,
    make_employee: Callable[..., Employee],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    agent = make_employee(email="agent@example.com")
    monkeypatch.setattr(notifications.smtplib, "SMTP", FakeSMTP)
    FakeSMTP.sent = []
    with app.app_context():
        notifications.notify(session, agent, "Your annual leave was approved.", "/leave/1")
        assert FakeSMTP.sent == []
        monkeypatch.setitem(app.config, "SMTP_HOST", "mail.example.com")
        notifications.notify(session, agent, "Your sick leave was rejected.", "/leave/2")
    assert [m["To"] for m in FakeSMTP.sent] == ["agent@example.com"]
    assert "rejected" in FakeSMTP.sent[0]["Subject"]
    assert notifications.unread_count(session, agent.id) == 2


def test_a_mail_server_failure_does_not_fail_the_notification(
    app: Flask,
    session: Session,
    make_employee: Callable[..., Employee],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    agent = make_employee(email="agent2@example.com")

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise ConnectionRefusedError("no mail server")

    monkeypatch.setattr(notifications.smtplib, "SMTP", refuse)
    monkeypatch.setitem(app.config, "SMTP_HOST", "mail.example.com")
    with app.app_context():
        notifications.notify(session, agent, "Decision", None)
    assert notifications.unread_count(session, agent.id) == 1

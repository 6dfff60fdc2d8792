"""Hardening: failed-login throttling, security headers, cookie flags (issue 8)."""

from __future__ import annotations

from collections.abc import Callable

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.factories import PASSWORD
from webapp.models import Employee
from webapp.security import limiter


def test_five_failed_sign_ins_lock_that_login_for_a_while(
    client: FlaskClient, make_employee: Callable[..., Employee]
) -> None:
    limiter.reset()
    make_employee(code="TH1")
    make_employee(code="TH2")
    for _ in range(5):
        assert client.post("/auth/login", data={"login": "th1", "password": "x"}).status_code == 401
    locked = client.post("/auth/login", data={"login": "th1", "password": PASSWORD})
    assert locked.status_code == 429
    assert "Too many failed attempts" in locked.get_data(as_text=True)
    other = client.post("/auth/login", data={"login": "th2", "password": PASSWORD})
    assert other.status_code == 302
    limiter.reset()


def test_successful_sign_ins_are_not_counted(
    client: FlaskClient, make_employee: Callable[..., Employee]
) -> None:
    limiter.reset()
    make_employee(code="TH3")
    for _ in range(7):
        assert (
            client.post("/auth/login", data={"login": "th3", "password": PASSWORD}).status_code
            == 302
        )
        client.post("/auth/logout")


def test_every_page_carries_a_strict_content_security_policy(client: FlaskClient) -> None:
    response = client.get("/auth/login")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "unsafe-inline" not in policy.split("style-src")[0]
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_session_cookie_is_http_only_and_same_site(
    client: FlaskClient, make_employee: Callable[..., Employee]
) -> None:
    make_employee(code="CK1")
    response = client.post("/auth/login", data={"login": "ck1", "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_no_template_has_inline_script() -> None:
    import re
    from pathlib import Path

    templates = Path(__file__).resolve().parents[2] / "webapp" / "templates"
    offenders = []
    for page in templates.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or re.search(r"\son[a-z]+=", text):
            offenders.append(page.name)
    assert offenders == []


def test_nul_characters_are_refused_naming_the_field(
    client: FlaskClient, make_employee: Callable[..., Employee]
) -> None:
    response = client.post("/auth/login", data={"login": "a\x00b", "password": "x"})
    assert response.status_code == 400
    assert "login: NUL characters are not allowed" in response.get_data(as_text=True)
    api = client.post(
        "/api/v1/clock-events",
        json={"event_id": "e\x00", "kind": "in"},
        headers={"Authorization": "Bearer x"},
    )
    assert api.status_code == 400
    assert api.get_json()["error"]["field"] == "event_id"


def test_A1_five_wrong_kiosk_pins_lock_that_code_for_a_while(
    client: FlaskClient,
    session: Session,
    make_employee: Callable[..., Employee],
    make_device: Callable[..., tuple[object, str]],
) -> None:
    from webapp.services import clock

    limiter.reset()
    agent = make_employee(code="KP1")
    _, token = make_device(agent.site_id, "gate-7")
    clock.set_pin(session, agent, "2468")
    session.commit()
    assert client.post("/attendance/kiosk/activate", data={"token": token}).status_code == 302
    for n in range(5):
        wrong = client.post(
            "/attendance/kiosk",
            data={"code": "KP1", "pin": "1111", "kind": "in", "event_id": f"w{n}"},
        )
        assert wrong.status_code == 422
    locked = client.post(
        "/attendance/kiosk", data={"code": "KP1", "pin": "2468", "kind": "in", "event_id": "ok"}
    )
    assert locked.status_code == 429
    limiter.reset()

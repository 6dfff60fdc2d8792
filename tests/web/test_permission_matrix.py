"""Who reaches what (SPEC §1, issue 8): every route of the URL map, as every role and as an
anonymous visitor. A new route fails this test until its row below says who may use it."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from webapp.models import Employee

ROLES = ("agent", "lead", "director", "hr", "admin")
EVERYONE = frozenset(ROLES)
MANAGERS = frozenset({"lead", "director", "admin"})
PLANNERS = frozenset({"director", "admin"})
ROSTERED = frozenset({"agent", "lead"})
APPROVERS = frozenset({"lead", "director"})
# Reachable without a session: sign-in, static files, and routes that check a device or
# feed token instead of a login.
PUBLIC = {
    "static", "auth.login", "auth.logout", "auth.set_locale", "api.create_clock_event",
    "api.show_openapi",
    "attendance.show_kiosk", "attendance.activate_kiosk", "roster.show_feed",
}  # fmt: skip
ALLOWED: dict[str, frozenset[str]] = {
    "main.show_dashboard": EVERYONE,
    **{f"admin.{name}": frozenset({"admin"}) for name in (
        "create_site", "edit_employee", "edit_shift_types", "edit_site", "edit_team",
        "import_employees", "list_employees", "list_teams", "reset_password", "show_index")},
    "admin.edit_coverage": PLANNERS,
    "admin.delete_coverage": PLANNERS,
    "attendance.show_clock": EVERYONE,
    "attendance.set_pin": EVERYONE,
    "attendance.request_correction": EVERYONE,
    "attendance.list_corrections": MANAGERS,
    "attendance.decide_correction": MANAGERS,
    "attendance.list_proxy_flags": MANAGERS,
    "attendance.decide_proxy_flag": MANAGERS,
    "attendance.list_team_events": MANAGERS,
    "attendance.show_daily_sheet": MANAGERS,
    "attendance.show_own_daily_sheet": MANAGERS,
    "attendance.show_reports": MANAGERS,
    "attendance.export_report": MANAGERS,
    "attendance.list_devices": frozenset({"admin"}),
    "attendance.revoke_device": frozenset({"admin"}),
    "leave.list_requests": EVERYONE,
    "leave.show_request": EVERYONE,
    "leave.cancel_request": EVERYONE,
    "leave.upload_proof": EVERYONE,
    "leave.download_proof": EVERYONE,
    "leave.list_notifications": EVERYONE,
    "leave.create_request": ROSTERED,
    "leave.decide_request": APPROVERS,
    "leave.list_inbox": APPROVERS,
    "leave.delegate_approvals": APPROVERS,
    "leave.grant_leave": frozenset({"hr", "lead"}),
    "payroll.show_my_lines": EVERYONE,
    "payroll.file_appeal": EVERYONE,
    "payroll.escalate_appeal": EVERYONE,
    "payroll.record_incident": APPROVERS,
    "payroll.list_appeals": frozenset({"lead", "director", "hr"}),
    "payroll.decide_appeal": frozenset({"lead", "director", "hr"}),
    "payroll.list_periods": frozenset({"hr"}),
    "payroll.show_period": frozenset({"hr"}),
    "payroll.export_period": frozenset({"hr"}),
    "payroll.list_rules": frozenset({"admin"}),
    "roster.my_shifts_page": EVERYONE,
    "roster.download_ics": EVERYONE,
    "roster.create_feed": EVERYONE,
    "roster.revoke_feed": EVERYONE,
    "roster.list_handovers": ROSTERED,
    "roster.acknowledge_handover": ROSTERED,
    "roster.handover_status": MANAGERS,
    "roster.list_swaps": ROSTERED | MANAGERS,
    "roster.decide_swap": ROSTERED | MANAGERS,
    **{f"roster.{name}": PLANNERS for name in (
        "confirm_forecast", "edit_cell", "export_roster", "generate_roster", "job_status",
        "list_rosters", "publish_roster", "reoptimise_roster", "show_job", "show_roster",
        "stop_job", "upload_forecast")},
}  # fmt: skip


def routes(app: Flask) -> list[tuple[str, str, str]]:
    """(endpoint, method, concrete URL) for every rule; URL parameters get dummy values."""
    out = []
    for rule in app.url_map.iter_rules():
        url = re.sub(r"<int:[^>]+>", "999999", rule.rule)
        url = re.sub(
            r"<(?:path:)?(\w+)>",
            lambda m: {"month": "2026-11", "kind": "csv", "fmt": "csv", "action": "approve"}.get(
                m.group(1), "x"
            ),
            url,
        )
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            out.append((rule.endpoint, method, url))
    return sorted(out)


def test_every_route_is_in_the_matrix(app: Flask) -> None:
    endpoints = {endpoint for endpoint, _, _ in routes(app)}
    assert endpoints - PUBLIC - set(ALLOWED) == set(), "add the new routes to ALLOWED"
    assert set(ALLOWED) - endpoints == set(), "ALLOWED names routes that no longer exist"


def test_anonymous_visitors_are_sent_to_sign_in(app: Flask, client: FlaskClient) -> None:
    for endpoint, method, url in routes(app):
        if endpoint in PUBLIC:
            continue
        response = client.open(url, method=method)
        assert response.status_code == 302, (endpoint, method, response.status_code)
        assert "/auth/login" in response.headers["Location"], endpoint


@pytest.mark.parametrize("role", ROLES)
def test_each_role_reaches_exactly_its_routes(
    app: Flask,
    role: str,
    make_employee: Callable[..., Employee],
    sign_in: Callable[[Employee], FlaskClient],
) -> None:
    client = sign_in(make_employee(roles=(role,)))
    wrong = []
    for endpoint, method, url in routes(app):
        if endpoint in PUBLIC or (endpoint, method) == ("auth.logout", "POST"):
            continue
        response = client.open(url, method=method)
        allowed = role in ALLOWED[endpoint]
        if allowed and response.status_code == 403 and "999999" not in url:
            wrong.append((endpoint, method, "403 for an allowed role"))
        if not allowed and response.status_code != 403:
            wrong.append((endpoint, method, f"{response.status_code} for a role without right"))
        response.close()
    assert wrong == []

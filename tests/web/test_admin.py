"""Admin pages: sites and settings, teams, employees, shift types, coverage (issue 2)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import time
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.models import AuditEntry, CoverageRequirement, Employee, ShiftType, Site
from webapp.site_settings import SETTINGS, effective_settings


@pytest.fixture
def admin_client(
    make_employee: Callable[..., Employee], sign_in: Callable[[Employee], FlaskClient]
) -> FlaskClient:
    return sign_in(make_employee(roles=("admin",), code="ADM9"))


def audit_actions(session: Session) -> list[str]:
    return list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_S1_new_site_starts_with_early_middle_day_night(
    admin_client: FlaskClient, session: Session
) -> None:
    response = admin_client.post(
        "/admin/sites/new", data={"name": "北区", "timezone": "Asia/Shanghai"}
    )
    assert response.status_code == 302
    site = session.scalar(select(Site).where(Site.name == "北区"))
    assert site is not None
    shifts = {s.code: (s.start, s.end) for s in site.shift_types}
    assert shifts == {
        "E": (time(7, 30), time(16, 0)),
        "M": (time(13, 0), time(21, 0)),
        "D": (time(8, 0), time(17, 0)),
        "N": (time(17, 0), time(7, 30)),
    }
    assert "site.create" in audit_actions(session)


def test_unknown_time_zone_is_refused_naming_the_field(
    admin_client: FlaskClient, session: Session
) -> None:
    response = admin_client.post("/admin/sites/new", data={"name": "X", "timezone": "Mars/Base"})
    assert response.status_code == 422
    assert "Time zone: unknown time zone &#39;Mars/Base&#39;" in response.get_data(as_text=True)
    assert session.scalar(select(Site).where(Site.name == "X")) is None


def settings_form(site: Site, **changes: object) -> dict[str, object]:
    values = {k: str(v) for k, v in effective_settings(site.settings).items()}
    data: dict[str, object] = {"name": site.name, "timezone": site.timezone, **values}
    data.pop("missed_handover_amount", None)
    data["missed_handover_amount"] = "0"
    data.update(changes)
    return data


def test_site_settings_store_only_overrides_and_are_audited(
    admin_client: FlaskClient, session: Session, make_site: Callable[..., Site]
) -> None:
    site = make_site()
    response = admin_client.post(
        f"/admin/sites/{site.id}", data=settings_form(site, grace_minutes="5")
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    session.refresh(site)
    assert site.settings == {"grace_minutes": 5}
    assert effective_settings(site.settings)["grace_minutes"] == 5
    assert audit_actions(session)[-1] == "site.update"


def test_site_setting_out_of_bounds_names_field_and_rule(
    admin_client: FlaskClient, session: Session, make_site: Callable[..., Site]
) -> None:
    site = make_site()
    response = admin_client.post(
        f"/admin/sites/{site.id}", data=settings_form(site, max_days_in_a_row="20")
    )
    assert response.status_code == 422
    assert "max_days_in_a_row: must be at most 13 (R-3)" in response.get_data(as_text=True)
    session.refresh(site)
    assert site.settings == {}


def test_every_site_setting_names_a_spec_rule() -> None:
    spec_text = (Path(__file__).parents[3] / "shared" / "SPEC.md").read_text(encoding="utf-8")
    for spec in SETTINGS:
        assert spec.rule in spec_text, spec.key


def test_admin_creates_and_edits_an_employee_with_roles(
    admin_client: FlaskClient, session: Session, make_team: Callable[..., object]
) -> None:
    team = make_team()
    data = {
        "code": "N100",
        "name": "新人",
        "email": "",
        "site_id": team.site_id,  # type: ignore[attr-defined]
        "team_id": team.id,
        "roles": ["agent", "lead"],
        "monthly_base_pay": "5200.50",  # type: ignore[attr-defined]
        "skills": "zh;en",
        "active": "y",
    }
    assert admin_client.post("/admin/employees/new", data=data).status_code == 302
    employee = session.scalar(select(Employee).where(Employee.code == "N100"))
    assert employee is not None and employee.roles == {"agent", "lead"}
    assert employee.skills == {"zh", "en"} and str(employee.monthly_base_pay) == "5200.50"
    data["roles"] = ["agent"]
    assert admin_client.post(f"/admin/employees/{employee.id}", data=data).status_code == 302
    session.refresh(employee)
    assert employee.roles == {"agent"}
    entry = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert entry is not None and entry.action == "employee.update"
    assert entry.before is not None and entry.before["roles"] == ["agent", "lead"]
    assert entry.after is not None and entry.after["roles"] == ["agent"]


def test_duplicate_employee_code_is_refused_on_the_code_field(
    admin_client: FlaskClient, make_employee: Callable[..., Employee]
) -> None:
    other = make_employee(code="DUP1")
    data = {
        "code": "DUP1",
        "name": "重复",
        "site_id": other.site_id,
        "team_id": 0,
        "roles": ["agent"],
        "monthly_base_pay": "1",
    }
    response = admin_client.post("/admin/employees/new", data=data)
    assert response.status_code == 422
    assert "Code: code &#39;DUP1&#39; belongs to" in response.get_data(as_text=True)


def test_password_reset_enforces_policy_and_lets_the_user_in(
    admin_client: FlaskClient,
    make_employee: Callable[..., Employee],
    session: Session,
    client: FlaskClient,
) -> None:
    agent = make_employee(code="PW1")
    url = f"/admin/employees/{agent.id}/password"
    admin_client.post(url, data={"password": "short", "confirm": "short"})
    admin_client.post(url, data={"password": "12345678901", "confirm": "12345678901"})
    admin_client.post(url, data={"password": "new-pass-42", "confirm": "new-pass-42"})
    admin_client.post("/auth/logout")
    assert (
        client.post("/auth/login", data={"login": "pw1", "password": "new-pass-42"}).status_code
        == 302
    )
    assert "employee.password_reset" in audit_actions(session)


def test_S1_shift_type_codes_are_unique_per_site(
    admin_client: FlaskClient, session: Session, make_site: Callable[..., Site]
) -> None:
    site = make_site()
    data = {
        "code": "L",
        "name_zh": "晚班",
        "name_en": "Late",
        "start": "15:00",
        "end": "23:00",
        "colour": "#aa3300",
        "break_minutes": "30",
    }
    assert admin_client.post(f"/admin/sites/{site.id}/shift-types", data=data).status_code == 302
    clash = admin_client.post(f"/admin/sites/{site.id}/shift-types", data=data | {"code": "E"})
    assert clash.status_code == 422
    assert "shift code &#39;E&#39; is used already (S-1)" in clash.get_data(as_text=True)
    late = session.scalar(
        select(ShiftType).where(ShiftType.site_id == site.id, ShiftType.code == "L")
    )
    assert late is not None and late.break_minutes == 30


def test_S2_coverage_window_until_midnight_and_bad_window_refused(
    admin_client: FlaskClient, session: Session, make_site: Callable[..., Site]
) -> None:
    site = make_site()
    url = f"/admin/sites/{site.id}/coverage"
    good = {"weekdays": ["0", "1"], "from_time": "21:00", "to_time": "24:00", "minimum": "2"}
    assert admin_client.post(url, data=good).status_code == 302
    row = session.scalar(select(CoverageRequirement).where(CoverageRequirement.site_id == site.id))
    assert row is not None and (row.weekdays, row.from_minute, row.to_minute) == ("01", 1260, 1440)
    backwards = admin_client.post(url, data=good | {"from_time": "23:00", "to_time": "22:00"})
    assert backwards.status_code == 422
    assert "(S-2)" in backwards.get_data(as_text=True)
    neither = admin_client.post(
        url, data={"from_time": "01:00", "to_time": "02:00", "minimum": "1"}
    )
    assert neither.status_code == 422
    removed = admin_client.post(f"{url}/{row.id}/delete")
    assert removed.status_code == 302
    assert session.get(CoverageRequirement, row.id) is None
    assert audit_actions(session)[-1] == "coverage.delete"

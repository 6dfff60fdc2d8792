"""`paiban import-employees` and its web page (FORMATS §4, issue 2)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from webapp.extensions import db
from webapp.models import AuditEntry, Employee, Site
from webapp.services import employee_import

HEADER = "code,name,site,team,roles,monthly_base_pay,skills,email\n"
GOOD = (
    "X01,张三,华东中心,T1,agent,5000.00,zh;en,x01@example.com\n"
    "X02,李四,华东中心,T1,agent;lead,6000,zh,\n"
    "X03,王五,华东中心,,director,12000.5,,\n"
)


def count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_FORMATS4_import_creates_sites_teams_and_employees(session: Session) -> None:
    report = employee_import.import_employees(session, None, (HEADER + GOOD).encode())
    assert sorted(report.created) == ["X01", "X02", "X03"]
    assert report.sites_created == ["华东中心"] and report.teams_created == ["华东中心/T1"]
    lead = session.scalar(select(Employee).where(Employee.code == "X02"))
    assert lead is not None and lead.roles == {"agent", "lead"} and lead.team is not None
    director = session.scalar(select(Employee).where(Employee.code == "X03"))
    assert director is not None and director.team_id is None
    assert str(director.monthly_base_pay) == "12000.50"


def test_FORMATS4_import_is_idempotent_by_code(session: Session) -> None:
    employee_import.import_employees(session, None, (HEADER + GOOD).encode())
    audit_before = count(session, AuditEntry)
    again = employee_import.import_employees(session, None, (HEADER + GOOD).encode())
    assert again.created == [] and sorted(again.unchanged) == ["X01", "X02", "X03"]
    assert count(session, AuditEntry) == audit_before
    changed = GOOD.replace("5000.00", "5100.00")
    third = employee_import.import_employees(session, None, (HEADER + changed).encode())
    assert third.updated == ["X01"]


def test_FORMATS4_bad_file_imports_nothing_and_lists_every_bad_row(session: Session) -> None:
    sites_before, employees_before = count(session, Site), count(session, Employee)
    bad = HEADER + GOOD + "X04,,华东中心,T1,boss,-3,,not-an-email\nX01,重复,华东中心,T1,agent,1,,\n"
    with pytest.raises(employee_import.ImportRejected) as rejected:
        employee_import.import_employees(session, None, bad.encode())
    problems = rejected.value.problems
    assert "line 5, column name: required" in " ".join(problems)
    assert any("line 5, column roles" in p for p in problems)
    assert any("line 5, column monthly_base_pay" in p for p in problems)
    assert any("line 5, column email" in p for p in problems)
    assert any("line 6, column code" in p for p in problems)
    assert (count(session, Site), count(session, Employee)) == (sites_before, employees_before)


def test_FORMATS4_missing_column_is_named(session: Session) -> None:
    with pytest.raises(employee_import.ImportRejected) as rejected:
        employee_import.import_employees(session, None, b"code,name\nX1,A\n")
    assert "site" in " ".join(rejected.value.problems)


def test_cli_import_employees_commits_and_reports(cli_app: Flask, tmp_path: Path) -> None:
    path = tmp_path / "employees.csv"
    path.write_text(HEADER + "CLI1,赵六,CLI中心,T9,agent,4000,zh,\n", encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "CLI2,,CLI中心,T9,agent,4000,zh,\n", encoding="utf-8")
    runner = cli_app.test_cli_runner()
    result = runner.invoke(args=["import-employees", str(path)])
    assert result.exit_code == 0, result.output
    assert "created 1" in result.output
    failed = runner.invoke(args=["import-employees", str(bad)])
    assert failed.exit_code == 2
    assert "line 2, column name: required" in failed.output
    with cli_app.app_context():
        codes = set(db.session.scalars(select(Employee.code)))
    assert codes == {"CLI1"}


def test_admin_uploads_employee_file(
    make_employee: Callable[..., Employee],
    sign_in: Callable[[Employee], FlaskClient],
    session: Session,
) -> None:
    from io import BytesIO

    client = sign_in(make_employee(roles=("admin",)))
    response = client.post(
        "/admin/employees/import",
        data={"file": (BytesIO((HEADER + GOOD).encode()), "employees.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    assert "created 3" in response.get_data(as_text=True)
    bad = HEADER + "Y01,,华东中心,T1,agent,1,,\n"
    response = client.post(
        "/admin/employees/import",
        data={"file": (BytesIO(bad.encode()), "bad.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "line 2, column name: required" in response.get_data(as_text=True)
    assert session.scalar(select(Employee).where(Employee.code == "Y01")) is None

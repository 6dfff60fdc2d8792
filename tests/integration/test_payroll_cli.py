"""`paiban import-incidents` (FORMATS §4) and `paiban payroll --month --out` (FORMATS §5, P-1)."""

from __future__ import annotations

import zipfile
from pathlib import Path

from flask import Flask
from sqlalchemy import select

from attendance.payroll import PayPeriod
from webapp.extensions import db
from webapp.models import Incident, PayPeriodLock
from webapp.services import demo, org, payroll

HEADER = "incident_id,employee_code,date,rule_id,amount,note\n"


def _demo(cli_app: Flask) -> None:
    with cli_app.app_context():
        demo.load_demo(db.session)
        db.session.commit()


def test_import_incidents_then_export_and_lock_the_month(cli_app: Flask, tmp_path: Path) -> None:
    _demo(cli_app)
    runner = cli_app.test_cli_runner()
    good = tmp_path / "incidents.csv"
    good.write_text(HEADER + "I-1,A01,2026-10-05,D-12,,games\nI-2,A01,2026-10-06,D-9,,call\n"
                    "I-3,A01,2026-10-07,D-9,,call\n", encoding="utf-8")  # fmt: skip
    result = runner.invoke(args=["import-incidents", str(good)])
    assert result.exit_code == 0, result.output
    assert "3 created" in result.output
    out = tmp_path / "payroll.csv"
    exported = runner.invoke(args=["payroll", "--month", "2026-10", "--out", str(out)])
    assert exported.exit_code == 0, exported.output
    text = out.read_bytes()
    assert text.startswith("\ufeff".encode())
    row = next(r for r in text.decode("utf-8-sig").splitlines() if r.startswith("A01,"))
    assert ",510.00," in row  # fine_deduction: D-12 500 + D-9 reminder 0 + D-9 10
    lines = (tmp_path / "payroll-lines.csv").read_text(encoding="utf-8-sig")
    assert "D-9" in lines and "incident" in lines
    again = tmp_path / "again.csv"
    runner.invoke(args=["import-incidents", str(good)])
    assert runner.invoke(args=["payroll", "--month", "2026-10", "--out", str(again)]).exit_code == 0
    assert again.read_bytes() == text
    workbook = tmp_path / "payroll.xlsx"
    assert (
        runner.invoke(args=["payroll", "--month", "2026-10", "--out", str(workbook)]).exit_code == 0
    )
    assert zipfile.ZipFile(workbook).namelist()
    with cli_app.app_context():
        assert db.session.scalar(select(PayPeriodLock.period)) == "2026-10"


def test_bad_incident_file_imports_nothing_and_names_line_and_column(
    cli_app: Flask, tmp_path: Path
) -> None:
    _demo(cli_app)
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "I-1,A01,2026-10-05,D-7,,x\nI-2,NOPE,2026-10-05,D-5,300,y\n",
                   encoding="utf-8")  # fmt: skip
    result = cli_app.test_cli_runner().invoke(args=["import-incidents", str(bad)])
    assert result.exit_code == 2
    assert "line 3, column employee_code" in result.output
    assert "line 3, column amount" in result.output
    with cli_app.app_context():
        assert db.session.scalars(select(Incident)).all() == []


def test_payroll_with_a_bad_month_exits_2_naming_the_option(cli_app: Flask, tmp_path: Path) -> None:
    result = cli_app.test_cli_runner().invoke(
        args=["payroll", "--month", "2026-13", "--out", str(tmp_path / "p.csv")]
    )
    assert result.exit_code == 2 and "--month" in result.output
    assert not (tmp_path / "p.csv").exists()


def test_payroll_for_one_site_locks_only_that_site(cli_app: Flask, tmp_path: Path) -> None:
    _demo(cli_app)
    with cli_app.app_context():
        other = org.create_site(db.session, None, "Other site", "Asia/Shanghai").id
        db.session.commit()
    runner = cli_app.test_cli_runner()
    out = tmp_path / "demo.csv"
    result = runner.invoke(
        args=["payroll", "--month", "2026-10", "--out", str(out), "--site", demo.DEMO_SITE]
    )
    assert result.exit_code == 0, result.output
    assert "A01," in out.read_text(encoding="utf-8-sig")
    with cli_app.app_context():
        site_id = org.site_id_by_name(db.session, demo.DEMO_SITE)
        assert payroll.is_locked(db.session, PayPeriod(2026, 10), site_id)
        assert not payroll.is_locked(db.session, PayPeriod(2026, 10), other)
        assert not payroll.is_locked(db.session, PayPeriod(2026, 10))


def test_payroll_for_an_unknown_site_exits_2_and_locks_nothing(
    cli_app: Flask, tmp_path: Path
) -> None:
    _demo(cli_app)
    result = cli_app.test_cli_runner().invoke(
        args=["payroll", "--month", "2026-10", "--out", str(tmp_path / "p.csv"), "--site", "Nope"]
    )
    assert result.exit_code == 2 and "site" in result.output and "Nope" in result.output
    assert not (tmp_path / "p.csv").exists()
    with cli_app.app_context():
        assert db.session.scalars(select(PayPeriodLock)).all() == []

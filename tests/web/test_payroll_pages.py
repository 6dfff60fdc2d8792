"""Payroll pages: incidents, appeals at both levels, HR preview/export/lock, rules (§6, P-1)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from webapp.models import Appeal, Incident, MoneyLine, PayPeriodLock
from webapp.services import appeals, ledger

TODAY = date.today()


def _incident_form(agent, rule="D-7", amount="", when=None):
    return {"employee_id": agent.id, "rule_id": rule, "date": (when or TODAY).isoformat(),
            "amount": amount, "note": "seen at 18:00"}  # fmt: skip


def test_lead_records_an_incident_for_own_team_D7(session, crew, sign_in):
    client = sign_in(crew.lead)
    page = client.get("/payroll/incidents")
    assert page.status_code == 200 and crew.agent.code in page.get_data(as_text=True)
    assert f'value="{crew.lead.id}"' not in page.get_data(as_text=True)
    response = client.post("/payroll/incidents", data=_incident_form(crew.agent))
    assert response.status_code == 302
    incident = session.scalars(select(Incident).where(Incident.employee_id == crew.agent.id)).one()
    (line,) = ledger.lines_of_source(session, ledger.SourceRef("incident", str(incident.id)))
    assert line.amount == Decimal("-10.00")


def test_D5_amount_out_of_range_is_shown_on_the_field_and_nothing_is_stored(session, crew, sign_in):
    client = sign_in(crew.lead)
    response = client.post("/payroll/incidents", data=_incident_form(crew.agent, "D-5", "250"))
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "between 100.00 and 200.00" in text and "D-5" in text
    assert (
        session.scalars(select(Incident).where(Incident.employee_id == crew.agent.id)).all() == []
    )


def test_lead_cannot_record_for_another_team(session, crew, sign_in, make_employee):
    outsider = make_employee()
    response = sign_in(crew.lead).post("/payroll/incidents", data=_incident_form(outsider))
    assert response.status_code == 422  # not among the choices
    assert session.scalars(select(Incident).where(Incident.employee_id == outsider.id)).all() == []


def test_agents_cannot_open_incident_appeal_inboxes_or_payroll(crew, sign_in):
    client = sign_in(crew.agent)
    for url in ("/payroll/incidents", "/payroll/appeals", "/payroll/periods", "/payroll/rules"):
        assert client.get(url).status_code == 403, url


def test_agent_appeals_lead_rejects_agent_escalates_hr_upholds(session, crew, sign_in, make_line):
    line = make_line(crew.agent, on=TODAY, rule="D-1", amount="-20")
    client = sign_in(crew.agent)
    mine = client.get("/payroll/mine").get_data(as_text=True)
    assert f"/payroll/lines/{line.id}/appeal" in mine
    assert client.post(f"/payroll/lines/{line.id}/appeal", data={"reason": ""}).status_code == 422
    response = client.post(f"/payroll/lines/{line.id}/appeal", data={"reason": "bus strike"})
    assert response.status_code == 302
    appeal = session.scalars(select(Appeal).where(Appeal.line_id == line.id)).one()

    lead = sign_in(crew.lead)
    assert "bus strike" in lead.get("/payroll/appeals").get_data(as_text=True)
    decision = {"decision": "reject", "note": "no strike that day", "version": appeal.version}
    assert lead.post(f"/payroll/appeals/{appeal.id}", data=decision).status_code == 302
    stale = lead.post(f"/payroll/appeals/{appeal.id}", data=decision)
    assert stale.status_code == 422

    client = sign_in(crew.agent)
    page = client.get(f"/payroll/appeals/{appeal.id}/escalate").get_data(as_text=True)
    assert "final" in page
    session.refresh(appeal)
    forged = {"reason": "news article attached", "version": "x1"}
    assert client.post(f"/payroll/appeals/{appeal.id}/escalate", data=forged).status_code == 422
    data = {"reason": "news article attached", "version": appeal.version}
    assert client.post(f"/payroll/appeals/{appeal.id}/escalate", data=data).status_code == 302

    hr = sign_in(crew.hr)
    assert "news article attached" in hr.get("/payroll/appeals").get_data(as_text=True)
    session.refresh(appeal)
    final = {"decision": "uphold", "note": "strike confirmed", "version": appeal.version}
    assert hr.post(f"/payroll/appeals/{appeal.id}", data=final).status_code == 302
    session.refresh(appeal)
    assert appeal.state == "upheld_by_hr" and appeal.reversal_line_id is not None


def test_agent_cannot_appeal_someone_elses_line(crew, sign_in, make_line):
    line = make_line(crew.other)
    response = sign_in(crew.agent).post(f"/payroll/lines/{line.id}/appeal", data={"reason": "x"})
    assert response.status_code == 404


def test_hr_previews_and_exports_a_period_which_locks_it(session, crew, sign_in, make_line):
    last_month = TODAY.replace(day=1) - timedelta(days=1)
    line = make_line(crew.agent, on=last_month, rule="D-1", amount="-20")
    appeals.file_appeal(session, crew.agent, line.id, "reason")
    session.commit()
    month = f"{last_month:%Y-%m}"
    client = sign_in(crew.hr)
    assert month in client.get("/payroll/periods").get_data(as_text=True)
    preview = client.get(f"/payroll/periods/{month}").get_data(as_text=True)
    assert "[held 申诉中]" in preview and crew.agent.code in preview
    assert "D-1 · D-1:clock:test/" in preview  # rule (version) and the line's origin
    response = client.post(f"/payroll/periods/{month}/export/csv")
    assert response.status_code == 200
    assert response.data.startswith("\ufeff".encode()) and response.mimetype == "text/csv"
    assert session.scalar(select(PayPeriodLock).where(PayPeriodLock.period == month))
    xlsx = client.post(f"/payroll/periods/{month}/export/xlsx")
    assert xlsx.data[:2] == b"PK"
    again = client.post(f"/payroll/periods/{month}/export/csv")
    assert again.data == response.data
    assert session.get(MoneyLine, line.id).held_at_lock


def test_lead_cannot_export(crew, sign_in):
    assert sign_in(crew.lead).post("/payroll/periods/2026-10/export/csv").status_code == 403


def test_admin_adds_a_rule_version_and_bad_dates_are_refused(session, sign_in, make_employee):
    admin = make_employee(("admin",))
    client = sign_in(admin)
    assert "D-12" in client.get("/payroll/rules").get_data(as_text=True)
    bad = client.post("/payroll/rules", data={"rule_id": "D-7", "effective_from": "1999-01-01"})
    assert bad.status_code == 422 and "Must be after" in bad.get_data(as_text=True)
    good = client.post("/payroll/rules", data={
        "rule_id": "D-9", "effective_from": (TODAY + timedelta(days=30)).isoformat(),
        "ladder": "0;20"})  # fmt: skip
    assert good.status_code == 302
    assert "0 → 20" in client.get("/payroll/rules").get_data(as_text=True)


def test_payroll_pages_render_in_chinese(session, crew, sign_in, make_line, make_employee):
    line = make_line(crew.agent, on=TODAY, rule="D-1", amount="-20")
    appeal = appeals.file_appeal(session, crew.agent, line.id, "理由")
    session.commit()
    zh = {"Accept-Language": "zh-CN"}
    client = sign_in(crew.agent)
    assert "我的扣款与补助" in client.get("/payroll/mine", headers=zh).get_data(as_text=True)
    assert "已提交" in client.get("/payroll/mine", headers=zh).get_data(as_text=True)
    client = sign_in(crew.lead)
    assert "记录违规" in client.get("/payroll/incidents", headers=zh).get_data(as_text=True)
    assert "裁决申诉" in client.get(f"/payroll/appeals/{appeal.id}", headers=zh).get_data(
        as_text=True)  # fmt: skip
    client = sign_in(crew.hr)
    assert "工资期间" in client.get("/payroll/periods", headers=zh).get_data(as_text=True)
    month = f"{TODAY:%Y-%m}"
    assert "导出 CSV" in client.get(f"/payroll/periods/{month}", headers=zh).get_data(as_text=True)
    client = sign_in(make_employee(("admin",)))
    assert "奖罚规则" in client.get("/payroll/rules", headers=zh).get_data(as_text=True)

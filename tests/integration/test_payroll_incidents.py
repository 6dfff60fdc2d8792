"""Incidents D-3…D-12 recorded by leads and imported, ladders per calendar month (§6)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from attendance.errors import ImportRejected
from webapp.models import AuditEntry, Incident, MoneyLine
from webapp.services import incidents, ledger, rule_catalogue
from webapp.services.errors import Forbidden, ServiceError

NOV = [date(2026, 11, d) for d in (3, 5, 9, 12, 16)]
TODAY = date(2026, 11, 22)


def _record(session, crew, rule, on=NOV[0], amount=None, note="seen"):
    return incidents.record_incident(session, crew.lead, crew.agent.id, rule, on, amount, note,
                                     today=TODAY)  # fmt: skip


def _line(session, incident):
    (row,) = ledger.lines_of_source(session, incidents.incident_ref(incident))
    return row


@pytest.mark.parametrize(
    ("rule", "amount", "expected"),
    [("D-3", None, "-50.00"), ("D-4", None, "-50.00"), ("D-5", "150", "-150.00"),
     ("D-6", "50", "-50.00"), ("D-7", None, "-10.00"), ("D-8", "50", "-50.00"),
     ("D-12", None, "-500.00")],
)  # fmt: skip
def test_D3_to_D12_incident_amounts_from_the_catalogue(session, crew, rule, amount, expected):
    incident = _record(session, crew, rule, amount=Decimal(amount) if amount else None)
    line = _line(session, incident)
    assert (line.rule_id, line.amount, line.source, line.rule_version) == (
        rule,
        Decimal(expected),
        "incident",
        1,
    )
    assert line.rule_version_id is not None


@pytest.mark.parametrize(("rule", "amount"), [("D-5", "99"), ("D-5", None), ("D-6", "101")])
def test_D5_D6_amount_outside_the_range_is_refused_naming_field_and_rule(
    session, crew, rule, amount
):
    with pytest.raises(ServiceError) as caught:
        _record(session, crew, rule, amount=Decimal(amount) if amount else None)
    assert caught.value.field == "amount" and caught.value.rule == rule


def test_D9_first_occurrence_in_a_month_is_a_reminder_then_10_each(session, crew):
    made = [_record(session, crew, "D-9", on=day) for day in NOV[:3]]
    amounts = [_line(session, i).amount for i in made]
    assert amounts == [Decimal("0.00"), Decimal("-10.00"), Decimal("-10.00")]
    assert "reminder" in _line(session, made[0]).notice


def test_D9_ladder_counts_per_calendar_month(session, crew):
    october = _record(session, crew, "D-9", on=date(2026, 10, 30))
    november = _record(session, crew, "D-9", on=NOV[0])
    assert _line(session, october).amount == Decimal("0.00")
    assert _line(session, november).amount == Decimal("0.00")


def test_D10_reminder_warning_cleaning_week_then_10(session, crew):
    made = [_record(session, crew, "D-10", on=day) for day in NOV]
    lines = [_line(session, i) for i in made]
    assert [line.amount for line in lines] == [Decimal("0.00")] * 3 + [Decimal("-10.00")] * 2
    assert ["reminder" in lines[0].notice, "verbal warning" in lines[1].notice,
            "cleaning" in lines[2].notice] == [True, True, True]  # fmt: skip


def test_D10_an_earlier_incident_recorded_late_moves_the_ladder(session, crew):
    later = _record(session, crew, "D-10", on=NOV[4])
    for day in NOV[:3]:
        _record(session, crew, "D-10", on=day)
    assert _line(session, later).amount == Decimal("-10.00")


def test_D11_opens_an_HR_case_with_no_amount(session, crew):
    incident = _record(session, crew, "D-11", note="sent call volumes to a competitor")
    line = _line(session, incident)
    assert line.amount == Decimal("0.00") and "dismissal case for HR" in line.notice
    assert incidents.hr_cases(session) == [incident]
    from webapp.models.leave import Notification

    (note,) = session.scalars(
        select(Notification).where(Notification.employee_id == crew.hr.id)
    ).all()
    assert note.text.startswith(f"D-11: dismissal case for {crew.agent.code}")
    with pytest.raises(ServiceError) as caught:
        _record(session, crew, "D-11", amount=Decimal("50"))
    assert caught.value.field == "amount"


def test_incident_is_audited(session, crew):
    incident = _record(session, crew, "D-7")
    entry = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "incident.record",
                                 AuditEntry.object_id == incident.id)
    ).one()  # fmt: skip
    assert entry.actor_id == crew.lead.id and entry.after["rule_id"] == "D-7"


def test_lead_records_only_for_own_team_and_never_for_self(session, crew, make_employee):
    stranger = make_employee()
    with pytest.raises(Forbidden) as caught:
        incidents.record_incident(session, crew.lead, stranger.id, "D-7", NOV[0], None, "",
                                  today=TODAY)  # fmt: skip
    assert caught.value.field == "employee_id"
    with pytest.raises(Forbidden):
        incidents.record_incident(session, crew.lead, crew.lead.id, "D-7", NOV[0], None, "",
                                  today=TODAY)  # fmt: skip


def test_incident_in_the_future_or_with_a_non_incident_rule_is_refused(session, crew):
    with pytest.raises(ServiceError) as future:
        _record(session, crew, "D-7", on=date(2026, 11, 23))
    with pytest.raises(ServiceError) as wrong:
        _record(session, crew, "D-1")
    assert (future.value.field, wrong.value.field) == ("date", "rule_id")


def test_rule_change_applies_from_its_date_and_keeps_old_lines(session, crew, make_employee):
    admin = make_employee(("admin",))
    before = _record(session, crew, "D-7", on=NOV[0])
    rule_catalogue.add_version(
        session, admin, rule_catalogue.RuleChange("D-7", NOV[2], amount=Decimal("15"))
    )
    after = _record(session, crew, "D-7", on=NOV[3])
    assert (_line(session, before).amount, _line(session, before).rule_version) == (
        Decimal("-10.00"),
        1,
    )
    assert (_line(session, after).amount, _line(session, after).rule_version) == (
        Decimal("-15.00"),
        2,
    )


def test_rule_change_recomputes_open_lines_from_its_date(session, crew, make_employee):
    admin = make_employee(("admin",))
    incident = _record(session, crew, "D-7", on=NOV[3])
    rule_catalogue.add_version(
        session, admin, rule_catalogue.RuleChange("D-7", NOV[2], amount=Decimal("15"))
    )
    assert _line(session, incident).amount == Decimal("-15.00")


def test_rule_change_must_come_after_the_latest_version(session, make_employee):
    admin = make_employee(("admin",))
    with pytest.raises(ServiceError) as caught:
        rule_catalogue.add_version(
            session, admin, rule_catalogue.RuleChange("D-7", date(1999, 1, 1))
        )
    assert caught.value.field == "effective_from"


def test_import_incidents_is_idempotent_and_all_or_nothing(session, crew):
    code = crew.agent.code
    good = (
        "incident_id,employee_code,date,rule_id,amount,note\n"
        f"I-1,{code},2026-11-03,D-7,,lights on\n"
        f"I-2,{code},2026-11-04,D-5,120,complaint\n"
    )
    report = incidents.import_incidents(session, None, good.encode())
    assert (report.created, report.updated) == (2, 0)
    again = incidents.import_incidents(session, None, good.encode())
    assert (again.created, again.unchanged) == (0, 2)
    bad = good + f"I-3,{code},2026-11-05,D-6,500,\n"
    with pytest.raises(ImportRejected) as caught:
        incidents.import_incidents(session, None, bad.encode())
    assert caught.value.issues == ((4, "amount", "D-6 needs an amount from 50.00 to 100.00"),)
    total = session.scalars(
        select(MoneyLine.amount).where(MoneyLine.employee_id == crew.agent.id,
                                       MoneyLine.state == "active")
    ).all()  # fmt: skip
    assert sorted(total) == [Decimal("-120.00"), Decimal("-10.00")]
    assert session.scalar(select(Incident).where(Incident.key == "I-3")) is None

"""Money lines from recorded incidents D-3…D-12, ladders per calendar month, and A-6 (D-4)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date

from attendance.catalogue import SEED_CATALOGUE, RuleKind, RuleVersion, rule_in_force
from attendance.clock import ProxySuspicion
from attendance.deductions import build_line
from attendance.errors import InvalidInput
from attendance.model import Incident, MoneyLine, SourceKind

INCIDENT_RULES = frozenset(f"D-{n}" for n in range(3, 13))
HR_CASE_NOTICE = "dismissal case for HR 解雇处理"


def incident_line(incident: Incident, rule: RuleVersion, occurrence: int) -> MoneyLine:
    """One incident as a money line; `occurrence` is its 1-based count this month (D-9, D-10)."""
    notice = ""
    if rule.kind is RuleKind.LADDER:
        step = rule.ladder_step(occurrence)
        amount, notice = step.amount, f"occurrence {occurrence}: {step.label}"
        if incident.amount is not None and incident.amount != amount:
            raise InvalidInput("amount", f"ladder sets {amount}; leave it empty", rule.rule_id)
    elif rule.kind is RuleKind.HR_CASE:
        if incident.amount is not None:
            raise InvalidInput("amount", "an HR case has no amount", rule.rule_id)
        amount, notice = rule.amount, HR_CASE_NOTICE
    else:
        amount = rule.incident_amount(incident.amount)
    text = f"{rule.description_en}: {incident.note}" if incident.note else rule.description_en
    return build_line(
        rule, incident.employee_code, incident.date, text, -amount,
        SourceKind.INCIDENT, incident.incident_id, notice=notice,
    )  # fmt: skip


def incident_lines(
    incidents: Iterable[Incident], catalogue: Sequence[RuleVersion] = SEED_CATALOGUE
) -> tuple[MoneyLine, ...]:
    """Lines for incidents, counting ladder occurrences per employee, rule and calendar month."""
    seen: dict[tuple[str, str, int, int], int] = defaultdict(int)
    lines: list[MoneyLine] = []
    for incident in sorted(incidents, key=lambda i: (i.date, i.incident_id)):
        if incident.rule_id not in INCIDENT_RULES:
            raise InvalidInput("rule_id", f"{incident.rule_id} is not an incident rule", "§6")
        key = (incident.employee_code, incident.rule_id, incident.date.year, incident.date.month)
        seen[key] += 1
        rule = rule_in_force(incident.rule_id, incident.date, catalogue)
        lines.append(incident_line(incident, rule, seen[key]))
    return tuple(lines)


def proxy_punching_incidents(suspicion: ProxySuspicion, on: date) -> tuple[Incident, Incident]:
    """A confirmed A-6 suspicion becomes a D-4 incident for each person involved."""
    note = f"proxy punching on {suspicion.device} 替人打卡"
    first, second = suspicion.first, suspicion.second
    return (
        Incident(f"A-6/{first.event_id}", first.employee_code, on, "D-4", None, note),
        Incident(f"A-6/{second.event_id}", second.employee_code, on, "D-4", None, note),
    )

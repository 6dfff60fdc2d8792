"""The D-appeal state machine (seed 001): agent → lead / department head → HR, final."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum

from attendance.errors import ApproverNotAllowed, IllegalAppealTransition, InvalidInput
from attendance.leave import check_decider
from attendance.model import MoneyLine, Role, SourceKind, to_utc


class AppealState(StrEnum):
    """Where an appeal stands; only FILED and ESCALATED hold the line (P-1)."""

    FILED = "filed"
    UPHELD = "upheld"
    REJECTED = "rejected"  # by the lead; the agent may escalate to HR
    ESCALATED = "escalated"
    UPHELD_BY_HR = "upheld_by_hr"
    REJECTED_BY_HR = "rejected_by_hr"


FIRST_LEVEL_ROLES = frozenset({Role.LEAD, Role.DIRECTOR})
HELD_STATES = frozenset({AppealState.FILED, AppealState.ESCALATED})
UPHELD_STATES = frozenset({AppealState.UPHELD, AppealState.UPHELD_BY_HR})


@dataclass(frozen=True, slots=True)
class AppealStep:
    """One audited move: who, when, to which state, and why."""

    actor: str
    at: datetime
    state: AppealState
    note: str


@dataclass(frozen=True, slots=True)
class Appeal:
    """An agent's appeal against one money line, with its full history (D-appeal)."""

    appeal_id: str
    line: MoneyLine
    state: AppealState
    history: tuple[AppealStep, ...]

    @property
    def held(self) -> bool:
        """Undecided: payroll holds the line back from the totals (P-1)."""
        return self.state in HELD_STATES


def _move(
    appeal: Appeal, expected: AppealState, actor: str, at: datetime, state: AppealState, note: str
) -> Appeal:
    if appeal.state is not expected:
        text = f"cannot go from {appeal.state.value} to {state.value}"
        raise IllegalAppealTransition("state", text, "D-appeal")
    step = AppealStep(actor, to_utc(at, "at", "D-appeal"), state, note)
    return replace(appeal, state=state, history=(*appeal.history, step))


def _require_note(note: str, field: str) -> None:
    if not note.strip():
        raise InvalidInput(field, "must not be empty", "D-appeal")


def file_appeal(
    appeal_id: str, line: MoneyLine, appellant: str, reason: str, at: datetime
) -> Appeal:
    """An agent appeals one of their own deduction lines with a reason (D-appeal)."""
    _require_note(reason, "reason")
    if appellant != line.employee_code:
        raise IllegalAppealTransition("appellant", "only the employee may appeal", "D-appeal")
    if line.amount > 0:
        raise IllegalAppealTransition("line", "only deductions can be appealed", "D-appeal")
    step = AppealStep(appellant, to_utc(at, "at", "D-appeal"), AppealState.FILED, reason)
    return Appeal(appeal_id, line, AppealState.FILED, (step,))


def _check_decider(
    appeal: Appeal, decider: str, roles: Iterable[Role], needed: frozenset[Role]
) -> None:
    check_decider(decider, appeal.line.employee_code, "decider", "D-appeal")
    if not needed & set(roles):
        names = "/".join(sorted(r.value for r in needed))
        raise ApproverNotAllowed("decider", f"{decider} needs the {names} role", "D-appeal")


def decide_first_level(
    appeal: Appeal, decider: str, roles: Iterable[Role], uphold: bool, note: str, at: datetime
) -> Appeal:
    """The team lead or department head upholds or rejects the appeal (D-appeal)."""
    _check_decider(appeal, decider, roles, FIRST_LEVEL_ROLES)
    _require_note(note, "note")
    state = AppealState.UPHELD if uphold else AppealState.REJECTED
    return _move(appeal, AppealState.FILED, decider, at, state, note)


def escalate_appeal(appeal: Appeal, appellant: str, reason: str, at: datetime) -> Appeal:
    """The agent takes a rejected appeal to HR (D-appeal)."""
    _require_note(reason, "reason")
    if appellant != appeal.line.employee_code:
        raise IllegalAppealTransition("appellant", "only the employee may escalate", "D-appeal")
    return _move(appeal, AppealState.REJECTED, appellant, at, AppealState.ESCALATED, reason)


def decide_final(
    appeal: Appeal, decider: str, roles: Iterable[Role], uphold: bool, note: str, at: datetime
) -> Appeal:
    """HR decides an escalated appeal; the decision is final (D-appeal)."""
    _check_decider(appeal, decider, roles, frozenset({Role.HR}))
    _require_note(note, "note")
    state = AppealState.UPHELD_BY_HR if uphold else AppealState.REJECTED_BY_HR
    return _move(appeal, AppealState.ESCALATED, decider, at, state, note)


def reversal_line(appeal: Appeal, on: date) -> MoneyLine:
    """The line that cancels an upheld appeal's deduction, dated on the decision (D-appeal)."""
    if appeal.state not in UPHELD_STATES:
        raise IllegalAppealTransition("state", "only an upheld appeal is reversed", "D-appeal")
    line = appeal.line
    text = f"reversal after appeal {appeal.appeal_id}: {line.description}"
    ref = f"{appeal.appeal_id}/{line.line_id}"
    return replace(
        line, line_id=f"{line.rule_id}:{SourceKind.APPEAL.value}:{ref}", date=on,
        description=text, amount=-line.amount, source=SourceKind.APPEAL, source_ref=ref,
    )  # fmt: skip

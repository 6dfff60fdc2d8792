"""The versioned §6 rule catalogue in the database: reading it and adding versions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from attendance.catalogue import LadderStep, RuleKind, RuleVersion
from attendance.payroll import PayPeriod
from webapp.models import DeductionRuleVersion, Employee
from webapp.services import audit
from webapp.services.errors import NotFound, ServiceError
from webapp.services.write_behind import committed_reads

RULE_FIELDS = (
    "rule_id", "version", "effective_from", "kind", "amount", "min_amount", "max_amount",
    "ladder", "description_zh", "description_en",
)  # fmt: skip


@dataclass(frozen=True)
class Catalogue:
    """Every rule version as the pure rules take them, and the row id of each (§6)."""

    versions: tuple[RuleVersion, ...]
    row_ids: dict[tuple[str, int], int]

    def row_id(self, rule_id: str, version: int) -> int | None:
        """The DeductionRuleVersion id a line should link to (None for S-5, L-1, A-5)."""
        return self.row_ids.get((rule_id, version))


def to_domain(row: DeductionRuleVersion) -> RuleVersion:
    """A stored rule version as attendance.catalogue.RuleVersion."""
    ladder = tuple(LadderStep(Decimal(step["amount"]), step["label"]) for step in row.ladder)
    return RuleVersion(
        row.rule_id, row.version, row.effective_from, RuleKind(row.kind), row.description_zh,
        row.description_en, row.amount, row.min_amount, row.max_amount, ladder,
        row.automatic_from,
    )  # fmt: skip


def load_catalogue(session: Session) -> Catalogue:
    """The whole catalogue, all versions (§6); seeded by migration 0007."""
    rows = session.scalars(select(DeductionRuleVersion),
                           bind_arguments=committed_reads(session)).all()  # fmt: skip
    return Catalogue(
        tuple(to_domain(r) for r in rows), {(r.rule_id, r.version): r.id for r in rows}
    )


def list_versions(session: Session) -> dict[str, list[DeductionRuleVersion]]:
    """Versions per rule, rules in D-1 … D-12 order, newest version first."""
    rows = session.scalars(
        select(DeductionRuleVersion).order_by(DeductionRuleVersion.version.desc())
    ).all()
    grouped: dict[str, list[DeductionRuleVersion]] = {}
    for row in sorted(rows, key=lambda r: int(r.rule_id.split("-")[1])):
        grouped.setdefault(row.rule_id, []).append(row)
    return grouped


@dataclass(frozen=True)
class RuleChange:
    """An admin's new version of one rule; fields not used by the rule's kind are ignored."""

    rule_id: str
    effective_from: date
    amount: Decimal | None = None
    min_amount: Decimal | None = None
    max_amount: Decimal | None = None
    ladder: tuple[Decimal, ...] | None = None
    description_zh: str | None = None
    description_en: str | None = None


def _latest(session: Session, rule_id: str) -> DeductionRuleVersion:
    row = session.scalars(
        select(DeductionRuleVersion)
        .where(DeductionRuleVersion.rule_id == rule_id)
        .order_by(DeductionRuleVersion.version.desc())
        .limit(1)
    ).first()
    if row is None:
        raise NotFound(f"No rule {rule_id} in the catalogue (§6).", field="rule_id", rule="§6")
    return row


def _new_values(latest: DeductionRuleVersion, change: RuleChange) -> dict[str, Any]:
    kind = RuleKind(latest.kind)
    values: dict[str, Any] = {
        "amount": latest.amount, "min_amount": latest.min_amount,
        "max_amount": latest.max_amount, "ladder": list(latest.ladder),
    }  # fmt: skip
    if kind is RuleKind.FIXED and change.amount is not None:
        values["amount"] = change.amount
    if kind is RuleKind.RANGE:
        low = change.min_amount if change.min_amount is not None else latest.min_amount
        high = change.max_amount if change.max_amount is not None else latest.max_amount
        if low > high:
            raise ServiceError(
                f"The minimum {low} is above the maximum {high} ({latest.rule_id}).",
                field="max_amount", rule=latest.rule_id,
            )  # fmt: skip
        values["min_amount"], values["max_amount"] = low, high
    if kind is RuleKind.LADDER and change.ladder is not None:
        if len(change.ladder) != len(latest.ladder):
            raise ServiceError(
                f"{latest.rule_id} has {len(latest.ladder)} steps; give one amount for each.",
                field="ladder", rule=latest.rule_id,
            )  # fmt: skip
        values["ladder"] = [
            {"amount": str(amount), "label": step["label"]}
            for amount, step in zip(change.ladder, latest.ladder, strict=True)
        ]
    for name in ("amount", "min_amount", "max_amount"):
        if values[name] < 0:
            raise ServiceError("Amounts are never negative (§6).", field=name, rule="§6")
    if any(Decimal(step["amount"]) < 0 for step in values["ladder"]):
        raise ServiceError("Amounts are never negative (§6).", field="ladder", rule="§6")
    return values


def add_version(
    session: Session, actor: Employee | None, change: RuleChange
) -> DeductionRuleVersion:
    """A new version of a rule from its effective date on; earlier lines keep theirs (§6).

    The date must come after the latest version's and lie in an open pay period (P-1).
    Open-period incident and attendance lines from that date on are recomputed with it.
    """
    from webapp.services import incidents, ledger, payroll

    latest = _latest(session, change.rule_id)
    if change.effective_from <= latest.effective_from:
        raise ServiceError(
            f"Must be after {latest.effective_from.isoformat()}, the date of version "
            f"{latest.version} ({change.rule_id}).",
            field="effective_from", rule="§6",
        )  # fmt: skip
    period = PayPeriod.of(change.effective_from)
    if payroll.is_locked(session, period):
        raise ServiceError(
            f"Pay period {period} is locked; a rule change cannot reach back into it (P-1).",
            field="effective_from", rule="P-1",
        )  # fmt: skip
    row = DeductionRuleVersion(
        rule_id=latest.rule_id,
        version=latest.version + 1,
        effective_from=change.effective_from,
        kind=latest.kind,
        description_zh=(change.description_zh or latest.description_zh).strip(),
        description_en=(change.description_en or latest.description_en).strip(),
        automatic_from=latest.automatic_from,
        created_by_id=actor.id if actor else None,
        **_new_values(latest, change),
    )
    session.add(row)
    session.flush()
    audit.record(session, actor, "rule.version", row, audit.snapshot(latest, RULE_FIELDS),
                 audit.snapshot(row, RULE_FIELDS))  # fmt: skip
    incidents.resync_from(session, row.rule_id, row.effective_from)
    if row.rule_id in ("D-1", "D-2"):
        ledger.resync_attendance_from(session, row.effective_from)
    return row

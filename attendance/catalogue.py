"""The versioned D-1…D-12 rule catalogue with the SPEC §6 seed defaults."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from attendance.errors import AmountOutOfRange, UnknownRule


class RuleKind(StrEnum):
    """How a rule's amount is determined (§6 `amount` column)."""

    FIXED = "fixed"
    RANGE = "range"
    LADDER = "ladder"
    PAY_FOR_TIME = "pay_for_time"
    HR_CASE = "hr_case"


@dataclass(frozen=True, slots=True)
class LadderStep:
    """One rung of a ladder rule; the last rung repeats for every later occurrence (D-9, D-10)."""

    amount: Decimal
    label: str


@dataclass(frozen=True, slots=True)
class RuleVersion:
    """One version of a catalogue rule, in force from `effective_from` until superseded (§6)."""

    rule_id: str
    version: int
    effective_from: date
    kind: RuleKind
    description_zh: str
    description_en: str
    amount: Decimal = Decimal("0")
    min_amount: Decimal = Decimal("0")
    max_amount: Decimal = Decimal("0")
    ladder: tuple[LadderStep, ...] = ()
    automatic_from: str = "incidents"

    def incident_amount(self, chosen: Decimal | None, field: str = "amount") -> Decimal:
        """Amount of one occurrence of a fixed or ranged rule; ranged rules need a chosen amount."""
        if self.kind is RuleKind.RANGE:
            if chosen is None or not self.min_amount <= chosen <= self.max_amount:
                text = f"must be between {self.min_amount} and {self.max_amount}, got {chosen}"
                raise AmountOutOfRange(field, text, self.rule_id)
            return chosen
        if chosen is not None and chosen != self.amount:
            raise AmountOutOfRange(field, f"must be {self.amount} or empty", self.rule_id)
        return self.amount

    def ladder_step(self, occurrence: int) -> LadderStep:
        """The rung for the n-th (1-based) occurrence in the counting period (D-9, D-10)."""
        return self.ladder[min(occurrence, len(self.ladder)) - 1]


SEED_DATE = date(2000, 1, 1)
_Y = Decimal


def _fixed(rule_id: str, amount: str, zh: str, en: str, source: str) -> RuleVersion:
    return RuleVersion(
        rule_id, 1, SEED_DATE, RuleKind.FIXED, zh, en, _Y(amount), automatic_from=source
    )


SEED_CATALOGUE: tuple[RuleVersion, ...] = (
    _fixed(
        "D-1",
        "20",
        "迟到、早退、班中脱岗超过10分钟",
        "late / early leave / off-post over 10 min",
        "clock events",
    ),
    RuleVersion(
        "D-2",
        1,
        SEED_DATE,
        RuleKind.PAY_FOR_TIME,
        "旷工(超过30分钟、未到岗、未批准请假)",
        "absenteeism: over 30 min, no-show, unapproved leave",
        automatic_from="clock events, leave",
    ),
    _fixed(
        "D-3",
        "50",
        "私自改动排班,突然请假事后未能提供有效证明",
        "unapproved roster change, or sudden leave without valid proof",
        "swaps, leave",
    ),
    _fixed(
        "D-4",
        "50",
        "替人打卡、上班干私活、串岗聊天、吃零食",
        "proxy punching; private work, chatting, snacks at post",
        "confirmed A-6, incidents",
    ),
    RuleVersion(
        "D-5",
        1,
        SEED_DATE,
        RuleKind.RANGE,
        "服务态度引起投诉,经查属实",
        "verified complaint caused by service attitude",
        min_amount=_Y("100"),
        max_amount=_Y("200"),
    ),
    RuleVersion(
        "D-6",
        1,
        SEED_DATE,
        RuleKind.RANGE,
        "不听从统一安排,同事间不团结",
        "refusing arrangements, disunity affecting work",
        min_amount=_Y("50"),
        max_amount=_Y("100"),
    ),
    _fixed(
        "D-7",
        "10",
        "不及时关灯、电脑、空调或浪费表格纸张",
        "lights, computers, AC not switched off; wasting forms",
        "incidents",
    ),
    _fixed("D-8", "50", "泄露患者/客户隐私", "leaking customer privacy", "incidents"),
    RuleVersion(
        "D-9",
        1,
        SEED_DATE,
        RuleKind.LADDER,
        "班内接打私人电话、发短信、闲谈",
        "private calls, messages or chatting at work",
        ladder=(LadderStep(_Y("0"), "reminder 提醒"), LadderStep(_Y("10"), "fine 罚款")),
    ),
    RuleVersion(
        "D-10",
        1,
        SEED_DATE,
        RuleKind.LADDER,
        "不按时打扫卫生,桌面不整洁",
        "desk or workplace not kept clean",
        ladder=(
            LadderStep(_Y("0"), "reminder 提醒"),
            LadderStep(_Y("0"), "verbal warning 口头警告"),
            LadderStep(_Y("0"), "a week of cleaning duty 罚打扫卫生一星期"),
            LadderStep(_Y("10"), "fine 扣款"),
        ),
    ),
    RuleVersion(
        "D-11",
        1,
        SEED_DATE,
        RuleKind.HR_CASE,
        "泄漏咨询量及相关经营数据,解雇处理",
        "leaking business data: dismissal case for HR",
    ),
    _fixed(
        "D-12",
        "500",
        "上班玩游戏、看视频电影、购物",
        "games, videos, shopping at work",
        "incidents",
    ),
)


def rule_in_force(
    rule_id: str, on: date, catalogue: Iterable[RuleVersion] = SEED_CATALOGUE
) -> RuleVersion:
    """The latest version of a rule whose `effective_from` is on or before `on` (§6).

    One pass without a list or a key function: an import asks for 10^6 shifts."""
    found: RuleVersion | None = None
    for v in catalogue:
        if v.rule_id != rule_id or v.effective_from > on:
            continue
        if found is None or (v.effective_from, v.version) > (found.effective_from, found.version):
            found = v
    if found is None:
        raise UnknownRule("rule_id", f"no version of {rule_id} in force on {on}", "§6")
    return found

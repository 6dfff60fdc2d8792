"""Every SPEC *default* as a typed site setting: key, rule, default, validation."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class SettingSpec:
    """One site setting: its value kind, bounds and the rule that defines it."""

    key: str
    rule: str
    default: int | Decimal | bool
    label: Any
    minimum: int | Decimal | None = None
    maximum: int | Decimal | None = None


SETTINGS: tuple[SettingSpec, ...] = (
    SettingSpec("slot_minutes", "S-2", 30, _l("Coverage slot (minutes)"), 5, 240),
    SettingSpec("coverage_default_min", "S-2", 1, _l("Default minimum on duty"), 0, 500),
    SettingSpec("handover_minutes", "S-4", 15, _l("Handover before shift (minutes)"), 0, 120),
    SettingSpec(
        "night_allowance",
        "S-5",
        Decimal("20"),
        _l("Night transport allowance (yuan)"),
        Decimal("0"),
        Decimal("10000"),
    ),
    SettingSpec("max_days_in_a_row", "R-3", 6, _l("Most working days in a row"), 1, 13),
    SettingSpec(
        "max_rest_days_per_team_per_day",
        "R-4",
        1,
        _l("Most scheduled rest days per team per day"),
        0,
        100,
    ),
    SettingSpec("min_rest_hours", "R-5", 9, _l("Least rest between shifts (hours)"), 0, 24),
    SettingSpec("target_hours_week", "R-12", 40, _l("Weekly contract hours"), 0, 84),
    SettingSpec("max_hours_week", "R-12", 60, _l("Most weekly hours"), 1, 84),
    SettingSpec("grace_minutes", "A-3", 10, _l("Lateness grace (minutes)"), 0, 120),
    SettingSpec(
        "absent_after_minutes",
        "A-4",
        30,
        _l("Late/early beyond this is half-day absence (minutes)"),
        1,
        480,
    ),
    SettingSpec("break_allowance_minutes", "A-3", 5, _l("Allowed time off post (minutes)"), 0, 120),
    SettingSpec(
        "missed_handover_amount",
        "A-5",
        Decimal("0"),
        _l("Deduction for a missed handover (yuan)"),
        Decimal("0"),
        Decimal("1000"),
    ),
    SettingSpec("proxy_window_seconds", "A-6", 60, _l("Proxy punching window (seconds)"), 1, 3600),
    SettingSpec(
        "annual_paid_fraction",
        "L-1",
        Decimal("1"),
        _l("Annual leave paid fraction"),
        Decimal("0"),
        Decimal("1"),
    ),
    SettingSpec(
        "compensatory_paid_fraction",
        "L-1",
        Decimal("1"),
        _l("Compensatory rest paid fraction"),
        Decimal("0"),
        Decimal("1"),
    ),
    SettingSpec(
        "sick_paid_fraction",
        "L-1",
        Decimal("0.8"),
        _l("Sick leave paid fraction"),
        Decimal("0"),
        Decimal("1"),
    ),
    SettingSpec(
        "personal_paid_fraction",
        "L-1",
        Decimal("0"),
        _l("Personal leave paid fraction"),
        Decimal("0"),
        Decimal("1"),
    ),
    SettingSpec(
        "temporary_paid_fraction",
        "L-1",
        Decimal("0"),
        _l("Temporary leave paid fraction"),
        Decimal("0"),
        Decimal("1"),
    ),
    SettingSpec("personal_notice_days", "L-2", 1, _l("Personal leave notice (days)"), 0, 60),
    SettingSpec("sick_notice_hours", "L-2", 1, _l("Sick leave notice (hours)"), 0, 72),
    SettingSpec("sick_proof_days", "L-4", 3, _l("Days to hand in sick proof"), 0, 60),
    SettingSpec(
        "monthly_paid_days",
        "D-2",
        Decimal("21.75"),
        _l("Paid days per month"),
        Decimal("1"),
        Decimal("31"),
    ),
    SettingSpec("hours_per_day", "D-2", 8, _l("Hours per paid day"), 1, 24),
    SettingSpec(
        "service_level_percent", "S-2", 80, _l("Service level: calls answered (%)"), 1, 100
    ),
    SettingSpec("service_level_seconds", "S-2", 15, _l("Service level: within (seconds)"), 1, 600),
    SettingSpec("max_occupancy_percent", "S-2", 85, _l("Most agent occupancy (%)"), 1, 100),
)
SETTINGS_BY_KEY = {spec.key: spec for spec in SETTINGS}


class SettingError(ValueError):
    """A setting value is of the wrong kind or out of its bounds."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(f"{key}: {message}")
        self.key = key


def parse_setting(spec: SettingSpec, raw: object) -> int | Decimal | bool:
    """Turn a stored or typed value into the setting's kind, checking its bounds."""
    if isinstance(spec.default, bool):
        if isinstance(raw, bool):
            return raw
        return str(raw).strip().lower() in {"1", "true", "yes", "on"}
    try:
        value: int | Decimal = (
            Decimal(str(raw)) if isinstance(spec.default, Decimal) else int(str(raw))
        )
    except (InvalidOperation, ValueError):
        raise SettingError(spec.key, f"must be a number ({spec.rule})") from None
    if spec.minimum is not None and value < spec.minimum:
        raise SettingError(spec.key, f"must be at least {spec.minimum} ({spec.rule})")
    if spec.maximum is not None and value > spec.maximum:
        raise SettingError(spec.key, f"must be at most {spec.maximum} ({spec.rule})")
    return value


def effective_settings(overrides: Mapping[str, object]) -> dict[str, int | Decimal | bool]:
    """The defaults with a site's stored overrides applied."""
    return {
        spec.key: parse_setting(spec, overrides[spec.key])
        if spec.key in overrides
        else spec.default
        for spec in SETTINGS
    }


def to_stored(value: int | Decimal | bool) -> object:
    """JSON-safe form of a setting value (Decimals as strings, exact)."""
    return str(value) if isinstance(value, Decimal) else value

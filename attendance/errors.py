"""Named domain errors of the attendance rules; each message names the field and the rule ID."""

from __future__ import annotations


class AttendanceError(Exception):
    """Base of every attendance rule violation: carries the field, the rule ID and the text."""

    def __init__(self, field: str, text: str, rule: str) -> None:
        self.field = field
        self.text = text
        self.rule = rule
        super().__init__(f"{field}: {text} ({rule})")


class InvalidInput(AttendanceError):
    """A value has the wrong shape (naive datetime, negative amount, unknown code)."""


class LeaveRefused(AttendanceError):
    """A leave request breaks a notice, overlap or balance rule (L-1, L-2)."""


class InsufficientBalance(LeaveRefused):
    """A leave type with a balance has fewer days left than requested (L-1)."""


class SelfDecisionForbidden(AttendanceError):
    """Somebody tried to approve their own request or decide their own appeal (SPEC §1)."""


class ApproverNotAllowed(AttendanceError):
    """The decider lacks the role the rule requires (L-3, D-appeal)."""


class UnknownRule(AttendanceError):
    """No version of the rule is in force on the given date (SPEC §6)."""


class AmountOutOfRange(AttendanceError):
    """An incident amount lies outside its ranged rule's bounds (D-5, D-6)."""


class IllegalAppealTransition(AttendanceError):
    """An appeal move that the D-appeal state machine does not allow."""


class PeriodLocked(AttendanceError):
    """A change targets a locked pay period and must become an adjustment line (P-1)."""


class ImportRejected(AttendanceError):
    """A CSV file with invalid rows: nothing is imported; `issues` lists every bad cell."""

    def __init__(self, issues: tuple[tuple[int, str, str], ...], rule: str) -> None:
        self.issues = issues
        listing = "; ".join(
            f"line {line}, column {column}: {text}" for line, column, text in issues
        )
        super().__init__("file", f"{len(issues)} invalid cell(s): {listing}", rule)

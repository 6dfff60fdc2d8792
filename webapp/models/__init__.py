"""ORM models; importing this package registers every table on Base.metadata."""

from webapp.models.attendance import (
    ClockEvent,
    ClockPin,
    CorrectionRequest,
    Device,
    ProxyFlag,
    ShiftAttendance,
)
from webapp.models.audit import AuditEntry
from webapp.models.base import Base
from webapp.models.leave import (
    Delegation,
    LeaveGrant,
    LeaveRequest,
    Notification,
    SickProof,
)
from webapp.models.org import (
    ROLES,
    CoverageRequirement,
    Employee,
    EmployeeRole,
    EmployeeSkill,
    ShiftType,
    Site,
    Team,
)
from webapp.models.payroll import (
    Appeal,
    DeductionRuleVersion,
    Incident,
    MoneyLine,
    PayPeriodLock,
)
from webapp.models.roster import (
    CalendarFeed,
    HandoverNote,
    Roster,
    RosterAssignment,
    RosterJob,
    ShiftSwap,
)
from webapp.models.user import UserAccount

__all__ = [
    "ROLES",
    "Appeal",
    "AuditEntry",
    "Base",
    "CalendarFeed",
    "ClockEvent",
    "ClockPin",
    "CorrectionRequest",
    "CoverageRequirement",
    "DeductionRuleVersion",
    "Delegation",
    "Device",
    "Employee",
    "EmployeeRole",
    "EmployeeSkill",
    "HandoverNote",
    "Incident",
    "LeaveGrant",
    "LeaveRequest",
    "MoneyLine",
    "Notification",
    "PayPeriodLock",
    "ProxyFlag",
    "Roster",
    "RosterAssignment",
    "RosterJob",
    "ShiftAttendance",
    "ShiftSwap",
    "ShiftType",
    "SickProof",
    "Site",
    "Team",
    "UserAccount",
]

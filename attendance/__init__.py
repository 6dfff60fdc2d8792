"""Attendance, leave, deduction and payroll rules (SPEC §4–§6) as pure, typed functions."""

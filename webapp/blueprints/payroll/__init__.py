"""payroll area: incidents, deductions and appeals, pay periods, the rule catalogue."""

from flask import Blueprint

# cli_group=None puts the area's commands (import-incidents, payroll) directly under `paiban`.
bp = Blueprint("payroll", __name__, cli_group=None)

from webapp.blueprints.payroll import commands, routes, routes_hr  # noqa: E402, F401

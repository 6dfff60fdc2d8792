"""roster area: generating, editing and publishing rosters; shifts, swaps, handovers."""

from flask import Blueprint

# cli_group=None puts the area's commands (import-roster, worker) directly under `paiban`.
bp = Blueprint("roster", __name__, cli_group=None)

from webapp.blueprints.roster import commands, routes, routes_agent, routes_demand  # noqa: E402, F401

"""leave area."""

from flask import Blueprint

# cli_group=None puts the area's commands (import-leave, leave-reminders) directly under `paiban`.
bp = Blueprint("leave", __name__, cli_group=None)

from webapp.blueprints.leave import commands, routes  # noqa: E402, F401

"""attendance area."""

from flask import Blueprint

bp = Blueprint("attendance", __name__)

from webapp.blueprints.attendance import routes  # noqa: E402, F401

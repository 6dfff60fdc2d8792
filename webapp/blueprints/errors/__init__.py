"""errors area."""

from flask import Blueprint

bp = Blueprint("errors", __name__)

from webapp.blueprints.errors import routes  # noqa: E402, F401

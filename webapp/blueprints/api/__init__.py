"""api area: JSON endpoints for devices, authenticated by a device token (no cookies, no CSRF)."""

from flask import Blueprint

bp = Blueprint("api", __name__)

from webapp.blueprints.api import routes  # noqa: E402, F401

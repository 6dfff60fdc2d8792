"""Error pages in the product's layout."""

from __future__ import annotations

from flask import render_template
from werkzeug.exceptions import HTTPException

from webapp.blueprints.errors import bp
from webapp.services.errors import Forbidden, NotFound


@bp.app_errorhandler(403)
@bp.app_errorhandler(404)
@bp.app_errorhandler(405)
@bp.app_errorhandler(429)
def show_http_error(error: HTTPException) -> tuple[str, int]:
    """Forbidden, not found and wrong method share one page."""
    code = error.code or 500
    return render_template("errors/error.html", code=code, error=error), code


@bp.app_errorhandler(NotFound)
def show_not_found(error: NotFound) -> tuple[str, int]:
    """A service could not find what the URL names."""
    return render_template("errors/error.html", code=404, error=error), 404


@bp.app_errorhandler(Forbidden)
def show_forbidden(error: Forbidden) -> tuple[str, int]:
    """A service refused the actor for this object (SPEC §1)."""
    return render_template("errors/error.html", code=403, error=error), 403

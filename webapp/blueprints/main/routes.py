"""The dashboard each role lands on."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user, login_required

from webapp.blueprints.main import bp
from webapp.extensions import db
from webapp.services import dashboard


@bp.route("/")
@login_required
def show_dashboard() -> str:
    """What the signed-in person needs today, by role."""
    summary = dashboard.summary_for(db.session, current_user.employee)
    return render_template("main/dashboard.html", summary=summary)

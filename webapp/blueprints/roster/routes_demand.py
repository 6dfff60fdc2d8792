"""Coverage from demand (S-2): upload a call forecast, see the Erlang C curve, confirm."""

from __future__ import annotations

import json

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from webapp.blueprints.forms_support import show_service_error
from webapp.blueprints.roster import bp
from webapp.blueprints.roster.forms import CurveForm, ForecastForm
from webapp.extensions import db
from webapp.permissions import roles_required
from webapp.services import demand, org, roster_view
from webapp.services.errors import ServiceError

Page = Response | str | tuple[str, int]
PLANNERS = ("director", "admin")


def _context() -> dict[str, object]:
    site = org.get_site(db.session, current_user.employee.site_id)
    return {"site": site, "targets": demand.site_targets(site.settings)}


@bp.route("/demand", methods=["GET", "POST"])
@roles_required(*PLANNERS)
def upload_forecast() -> Page:
    """The upload form; a valid forecast shows the required-agents curve to confirm."""
    form = ForecastForm()
    context = _context()
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return render_template("roster/demand.html", form=form, **context), status
    targets = context["targets"]
    assert isinstance(targets, demand.Targets)
    try:
        rows = demand.parse_forecast(form.file.data.read(), targets.slot_minutes)
        curve = demand.requirement_curve(rows, targets)
    except ServiceError as error:
        return show_service_error(form, error, "roster/demand.html", **context)
    confirm = CurveForm(curve=json.dumps(curve, separators=(",", ":")))
    return render_template(
        "roster/demand_preview.html",
        confirm=confirm,
        charts=[roster_view.demand_svg(day, targets.slot_minutes) for day in curve],
        windows=demand.curve_windows(curve, targets.slot_minutes),
        rows=len(rows),
        **context,
    )


@bp.route("/demand/confirm", methods=["POST"])
@roles_required(*PLANNERS)
def confirm_forecast() -> Page:
    """Replace the site's weekday coverage windows by the confirmed curve."""
    form = CurveForm()
    if not form.validate_on_submit():
        flash(_("Upload the forecast again."), "error")
        return redirect(url_for("roster.upload_forecast"))
    try:
        curve = json.loads(form.curve.data or "")
        made = demand.replace_weekday_coverage(
            db.session, current_user.employee, current_user.employee.site_id, curve
        )
    except (ValueError, ServiceError) as error:
        message = error.message if isinstance(error, ServiceError) else _("the curve is not JSON")
        flash(message, "error")  # 422: the request rolls back, nothing changes
        return render_template("roster/demand.html", form=ForecastForm(), **_context()), 422
    flash(_("Coverage replaced: %(n)d weekday windows.", n=len(made)), "success")
    return redirect(url_for("admin.edit_coverage", site_id=current_user.employee.site_id))

"""Payroll pages for HR and admins: periods, preview, export with lock, rule catalogue."""

from __future__ import annotations

from decimal import Decimal

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from webapp.blueprints.forms_support import show_service_error
from webapp.blueprints.payroll import bp
from webapp.blueprints.payroll.forms import ExportForm, RuleVersionForm
from webapp.blueprints.payroll.routes import Page, local_today, status_of
from webapp.extensions import db
from webapp.permissions import roles_required
from webapp.services import payroll, rule_catalogue
from webapp.services.errors import ServiceError

EXPORT_FILES = {
    "csv": ("payroll_csv", "payroll-{}.csv", "text/csv; charset=utf-8"),
    "lines": ("lines_csv", "payroll-lines-{}.csv", "text/csv; charset=utf-8"),
    "xlsx": ("payroll_xlsx", "payroll-{}.xlsx",
             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}  # fmt: skip


@bp.route("/periods")
@roles_required("hr")
def list_periods() -> str:
    """Pay periods with their lock state (P-1)."""
    today = local_today(current_user.employee)
    return render_template("payroll/periods.html", periods=payroll.list_periods(db.session, today))


@bp.route("/periods/<month>")
@roles_required("hr")
def show_period(month: str) -> str:
    """Preview of one period: rows per employee, held lines marked (P-1, FORMATS §5)."""
    try:
        period = payroll.parse_period(month)
    except ServiceError:
        abort(404)
    lock, export = payroll.preview_period(db.session, period, local_today(current_user.employee))
    totals = {
        "total_deduction": sum((r.total_deduction for r in export.rows), Decimal("0.00")),
        "net_change": sum((r.net_change for r in export.rows), Decimal("0.00")),
    }
    return render_template("payroll/period.html", period=period, lock=lock, export=export,
                           totals=totals, form=ExportForm())  # fmt: skip


@bp.route("/periods/<month>/export/<kind>", methods=["POST"])
@roles_required("hr")
def export_period(month: str, kind: str) -> Page:
    """Export a period as CSV, lines CSV or XLSX; the first export locks it (P-1)."""
    if kind not in EXPORT_FILES:
        abort(404)
    form = ExportForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        period = payroll.parse_period(month)
        lock = payroll.export_period(db.session, current_user.employee, period)
    except ServiceError as error:
        flash(error.message, "error")
        return redirect(url_for("payroll.list_periods"))
    attribute, name, mimetype = EXPORT_FILES[kind]
    data = payroll.xlsx_of(lock) if kind == "xlsx" else getattr(lock, attribute)
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f"attachment; filename={name.format(period)}"
    return response


def _rule_form() -> RuleVersionForm:
    form = RuleVersionForm()
    form.rule_id.choices = list(rule_catalogue.list_versions(db.session))
    return form


@bp.route("/rules", methods=["GET", "POST"])
@roles_required("admin")
def list_rules() -> Page:
    """The §6 catalogue with every version; admins add a version from an effective date."""
    form = _rule_form()
    page = "payroll/rules.html"
    if form.validate_on_submit() and form.effective_from.data is not None:
        ladder = (
            tuple(Decimal(p.strip()) for p in form.ladder.data.split(";"))
            if form.ladder.data else None
        )  # fmt: skip
        change = rule_catalogue.RuleChange(
            form.rule_id.data or "", form.effective_from.data, form.amount.data,
            form.min_amount.data, form.max_amount.data, ladder,
            form.description_zh.data or None, form.description_en.data or None,
        )  # fmt: skip
        try:
            rule_catalogue.add_version(db.session, current_user.employee, change)
        except ServiceError as error:
            return show_service_error(form, error, page,
                                      rules=rule_catalogue.list_versions(db.session))  # fmt: skip
        flash(_("Rule version saved."), "success")
        return redirect(url_for("payroll.list_rules"))
    rules = rule_catalogue.list_versions(db.session)
    return render_template(page, form=form, rules=rules), status_of(form)

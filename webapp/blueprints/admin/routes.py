"""Admin pages: sites and settings, teams, employees, shift types, coverage, import."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from webapp.blueprints.admin import bp
from webapp.blueprints.admin.forms import (
    CoverageForm,
    EmployeeForm,
    ImportEmployeesForm,
    PasswordResetForm,
    ShiftTypeForm,
    SiteForm,
    TeamForm,
    coverage_values,
    employee_values,
    shift_type_values,
    site_settings_form,
)
from webapp.blueprints.forms_support import show_service_error
from webapp.extensions import db
from webapp.permissions import roles_required
from webapp.services import employee_import, employees, org
from webapp.services.errors import ServiceError
from webapp.site_settings import SETTINGS, effective_settings

Page = Response | str | tuple[str, int]


@bp.route("/")
@roles_required("admin")
def show_index() -> str:
    """Everything an admin can change, with counts."""
    return render_template("admin/index.html", sites=org.list_sites(db.session))


@bp.route("/sites/new", methods=["GET", "POST"])
@roles_required("admin")
def create_site() -> Page:
    """A new site, which starts with the S-1 shift types."""
    form = SiteForm()
    if form.validate_on_submit():
        try:
            site = org.create_site(
                db.session, current_user.employee, form.name.data or "", form.timezone.data or ""
            )
        except ServiceError as error:
            return show_service_error(form, error, "admin/site_new.html")
        flash(_("Site created."), "success")
        return redirect(url_for("admin.edit_site", site_id=site.id))
    return render_template("admin/site_new.html", form=form)


@bp.route("/sites/<int:site_id>", methods=["GET", "POST"])
@roles_required("admin")
def edit_site(site_id: int) -> Page:
    """A site's name, time zone and every SPEC default it may override."""
    site = org.get_site(db.session, site_id)
    data = {"name": site.name, "timezone": site.timezone, **effective_settings(site.settings)}
    form = site_settings_form(data=None if request.method == "POST" else data)
    page = "admin/site_edit.html"
    if form.validate_on_submit():
        values = {spec.key: getattr(form, spec.key).data for spec in SETTINGS}
        try:
            org.update_site(
                db.session,
                current_user.employee,
                site_id,
                form.name.data,
                form.timezone.data,
                values,
            )
        except ServiceError as error:
            return show_service_error(form, error, page, site=site, settings=SETTINGS)
        flash(_("Site saved."), "success")
        return redirect(url_for("admin.edit_site", site_id=site_id))
    return render_template(page, form=form, site=site, settings=SETTINGS)


@bp.route("/sites/<int:site_id>/teams", methods=["GET", "POST"])
@roles_required("admin")
def list_teams(site_id: int) -> Page:
    """A site's teams and a form to add one."""
    site = org.get_site(db.session, site_id)
    form = TeamForm()
    if form.validate_on_submit():
        try:
            org.save_team(db.session, current_user.employee, site_id, form.name.data or "")
        except ServiceError as error:
            return show_service_error(form, error, "admin/teams.html", site=site)
        flash(_("Team saved."), "success")
        return redirect(url_for("admin.list_teams", site_id=site_id))
    return render_template("admin/teams.html", form=form, site=site)


@bp.route("/teams/<int:team_id>", methods=["GET", "POST"])
@roles_required("admin")
def edit_team(team_id: int) -> Page:
    """Rename a team."""
    team = org.get_team(db.session, team_id)
    form = TeamForm(obj=team)
    if form.validate_on_submit():
        try:
            org.save_team(
                db.session,
                current_user.employee,
                team.site_id,
                form.name.data or "",
                team_id=team_id,
            )
        except ServiceError as error:
            return show_service_error(form, error, "admin/team_edit.html", team=team)
        flash(_("Team saved."), "success")
        return redirect(url_for("admin.list_teams", site_id=team.site_id))
    return render_template("admin/team_edit.html", form=form, team=team)


@bp.route("/employees")
@roles_required("admin")
def list_employees() -> str:
    """Everyone, filtered by site and team."""
    site_id = request.args.get("site_id", type=int)
    team_id = request.args.get("team_id", type=int)
    people = employees.list_employees(db.session, site_id, team_id)
    return render_template(
        "admin/employees.html",
        employees=people,
        sites=org.list_sites(db.session),
        site_id=site_id,
        team_id=team_id,
    )


@bp.route("/employees/new", methods=["GET", "POST"])
@bp.route("/employees/<int:employee_id>", methods=["GET", "POST"])
@roles_required("admin")
def edit_employee(employee_id: int | None = None) -> Page:
    """Create or change an employee."""
    employee = employees.get_employee(db.session, employee_id) if employee_id else None
    form = EmployeeForm(obj=employee)
    if request.method == "GET" and employee is not None:
        form.roles.data = sorted(employee.roles)
        form.skills.data = ";".join(sorted(employee.skills))
        form.team_id.data = employee.team_id or 0
    form.site_id.choices = [SelectChoice(s.id, s.name) for s in org.list_sites(db.session)]
    form.team_id.choices = [SelectChoice(0, "—")] + [
        SelectChoice(t.id, f"{t.site.name} · {t.name}") for t in org.list_teams(db.session)
    ]
    page = "admin/employee_edit.html"
    if form.validate_on_submit():
        try:
            saved = employees.save_employee(
                db.session, current_user.employee, employee_values(form), employee_id
            )
        except ServiceError as error:
            return show_service_error(form, error, page, employee=employee)
        flash(_("Employee saved."), "success")
        return redirect(url_for("admin.edit_employee", employee_id=saved.id))
    return render_template(
        page, form=form, employee=employee, password_form=PasswordResetForm(formdata=None)
    )


@bp.route("/employees/<int:employee_id>/password", methods=["POST"])
@roles_required("admin")
def reset_password(employee_id: int) -> Page:
    """Set a new password for an employee's login."""
    employee = employees.get_employee(db.session, employee_id)
    form = PasswordResetForm()
    if form.validate_on_submit():
        try:
            employees.reset_password(
                db.session, current_user.employee, employee_id, form.password.data or ""
            )
        except ServiceError as error:
            flash(error.message, "error")
        flash(_("Password changed."), "success")
    else:
        for messages in form.errors.values():
            for message in messages:
                flash(str(message), "error")
    return redirect(url_for("admin.edit_employee", employee_id=employee.id))


@bp.route("/sites/<int:site_id>/shift-types", methods=["GET", "POST"])
@bp.route("/sites/<int:site_id>/shift-types/<int:shift_type_id>", methods=["GET", "POST"])
@roles_required("admin")
def edit_shift_types(site_id: int, shift_type_id: int | None = None) -> Page:
    """A site's shift types; the form adds one, or changes the one selected."""
    site = org.get_site(db.session, site_id)
    selected = org.get_shift_type(db.session, site_id, shift_type_id) if shift_type_id else None
    form = ShiftTypeForm(obj=selected)
    if form.validate_on_submit():
        try:
            org.save_shift_type(
                db.session, current_user.employee, site_id, shift_type_values(form), shift_type_id
            )
        except ServiceError as error:
            return show_service_error(
                form, error, "admin/shift_types.html", site=site, selected=selected
            )
        flash(_("Shift type saved."), "success")
        return redirect(url_for("admin.edit_shift_types", site_id=site_id))
    return render_template("admin/shift_types.html", form=form, site=site, selected=selected)


@bp.route("/sites/<int:site_id>/coverage", methods=["GET", "POST"])
@roles_required("admin", "director")
def edit_coverage(site_id: int) -> Page:
    """A site's coverage windows (S-2) and a form to add one."""
    site = org.get_site(db.session, site_id)
    form = CoverageForm()
    rows = org.list_coverage(db.session, site_id)
    page = "admin/coverage.html"
    if form.validate_on_submit():
        try:
            org.add_coverage(db.session, current_user.employee, site_id, **coverage_values(form))
        except ServiceError as error:
            return show_service_error(form, error, page, site=site, rows=rows)
        flash(_("Coverage window added."), "success")
        return redirect(url_for("admin.edit_coverage", site_id=site_id))
    return render_template(page, form=form, site=site, rows=rows)


@bp.route("/sites/<int:site_id>/coverage/<int:requirement_id>/delete", methods=["POST"])
@roles_required("admin", "director")
def delete_coverage(site_id: int, requirement_id: int) -> Response:
    """Remove one coverage window."""
    org.delete_coverage(db.session, current_user.employee, site_id, requirement_id)
    flash(_("Coverage window removed."), "success")
    return redirect(url_for("admin.edit_coverage", site_id=site_id))


@bp.route("/employees/import", methods=["GET", "POST"])
@roles_required("admin")
def import_employees() -> Page:
    """Upload the employees CSV of FORMATS §4; all rows or none."""
    form = ImportEmployeesForm()
    if form.validate_on_submit():
        try:
            report = employee_import.import_employees(
                db.session, current_user.employee, form.file.data.read()
            )
        except employee_import.ImportRejected as rejected:
            return render_template("admin/import.html", form=form, problems=rejected.problems), 422
        return render_template(
            "admin/import.html", form=ImportEmployeesForm(formdata=None), report=report
        )
    return render_template("admin/import.html", form=form)

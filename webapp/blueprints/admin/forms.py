"""Admin forms: they check shape; the services check the rules."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    IntegerField,
    PasswordField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TimeField,
    ValidationError,
)
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
)

from webapp.models import ROLES
from webapp.services.employees import EmployeeValues
from webapp.services.org import minutes_of_day
from webapp.site_settings import SETTINGS

CLOCK_TIME = re.compile(r"^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$")


class SiteForm(FlaskForm):
    """A site's name and time zone."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    timezone = StringField(
        _l("Time zone"), default="Asia/Shanghai", validators=[DataRequired(), Length(max=64)]
    )


def site_settings_form(data: dict[str, Any] | None = None) -> FlaskForm:
    """SiteForm plus one field per SPEC *default* setting, labelled with its rule."""

    class SiteSettingsForm(SiteForm):
        pass

    for spec in SETTINGS:
        label = f"{spec.label} ({spec.rule})"
        field: Any
        if isinstance(spec.default, bool):
            field = BooleanField(label)
        elif isinstance(spec.default, int):
            field = IntegerField(label, validators=[InputRequired()])
        else:
            field = DecimalField(label, validators=[InputRequired()])
        setattr(SiteSettingsForm, spec.key, field)
    return SiteSettingsForm(data=data)


class TeamForm(FlaskForm):
    """A team's name."""

    name = StringField(_l("Team name"), validators=[DataRequired(), Length(max=80)])


class EmployeeForm(FlaskForm):
    """An employee's master data and roles."""

    code = StringField(
        _l("Code"), validators=[DataRequired(), Length(max=32), Regexp(r"^[A-Za-z0-9_.-]+$")]
    )
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    email = StringField(_l("Email"), validators=[Optional(), Email(), Length(max=254)])
    site_id = SelectField(_l("Site"), coerce=int)
    team_id = SelectField(_l("Team"), coerce=int)
    roles = SelectMultipleField(
        _l("Roles"), choices=[SelectChoice(r, r) for r in ROLES], validators=[DataRequired()]
    )
    monthly_base_pay = DecimalField(
        _l("Monthly base pay (yuan)"), places=2, validators=[DataRequired(), NumberRange(min=0)]
    )
    skills = StringField(_l("Skills (separated by ;)"), validators=[Optional(), Length(max=200)])
    active = BooleanField(_l("Active"), default=True)


class PasswordResetForm(FlaskForm):
    """A new password, typed twice."""

    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(min=8)])
    confirm = PasswordField(_l("Repeat"), validators=[EqualTo("password")])


class ShiftTypeForm(FlaskForm):
    """A shift type of a site (S-1)."""

    code = StringField(
        _l("Code"), validators=[DataRequired(), Length(max=8), Regexp(r"^[A-Za-z0-9]+$")]
    )
    name_zh = StringField(_l("Chinese name"), validators=[DataRequired(), Length(max=40)])
    name_en = StringField(_l("English name"), validators=[DataRequired(), Length(max=40)])
    start = TimeField(_l("Start"), validators=[DataRequired()])
    end = TimeField(_l("End"), validators=[DataRequired()])
    colour = StringField(
        _l("Colour"), default="#4f7cac", validators=[DataRequired(), Regexp(r"^#[0-9a-fA-F]{6}$")]
    )
    break_minutes = IntegerField(
        _l("Break (minutes)"), default=0, validators=[Optional(), NumberRange(min=0, max=240)]
    )


class CoverageForm(FlaskForm):
    """A minimum-on-duty window (S-2) for weekdays or one date."""

    weekdays = SelectMultipleField(
        _l("Weekdays"),
        coerce=str,
        choices=[
            SelectChoice("0", _l("Mon")),
            SelectChoice("1", _l("Tue")),
            SelectChoice("2", _l("Wed")),
            SelectChoice("3", _l("Thu")),
            SelectChoice("4", _l("Fri")),
            SelectChoice("5", _l("Sat")),
            SelectChoice("6", _l("Sun")),
        ],
    )
    on_date = DateField(_l("Or one date"), validators=[Optional()])
    from_time = StringField(_l("From"), validators=[DataRequired(), Regexp(CLOCK_TIME)])
    to_time = StringField(_l("To"), validators=[DataRequired(), Regexp(CLOCK_TIME)])
    minimum = IntegerField(
        _l("Minimum agents"), validators=[DataRequired(), NumberRange(min=0, max=500)]
    )
    skill = StringField(_l("Skill"), validators=[Optional(), Length(max=32)])

    def validate_on_date(self, field: DateField) -> None:
        """Exactly one of weekdays and date."""
        if bool(field.data) == bool(self.weekdays.data):
            raise ValidationError(_l("Give weekdays or one date (S-2)."))


class ImportEmployeesForm(FlaskForm):
    """The employees CSV of FORMATS §4."""

    file = FileField(
        _l("Employees CSV"), validators=[FileRequired(), FileAllowed(["csv"], _l("A .csv file"))]
    )


def employee_values(form: EmployeeForm) -> EmployeeValues:
    """The plain values a service needs from the employee form."""
    skills = {s.strip() for s in (form.skills.data or "").split(";") if s.strip()}
    return EmployeeValues(
        code=(form.code.data or "").strip(),
        name=(form.name.data or "").strip(),
        site_id=form.site_id.data,
        team_id=form.team_id.data or None,
        roles=frozenset(form.roles.data or []),
        monthly_base_pay=form.monthly_base_pay.data or Decimal("0"),
        skills=frozenset(skills),
        email=form.email.data or None,
        active=bool(form.active.data),
    )


def shift_type_values(form: ShiftTypeForm) -> dict[str, Any]:
    """The plain values of the shift type form."""
    return {
        "code": form.code.data,
        "name_zh": form.name_zh.data,
        "name_en": form.name_en.data,
        "start": form.start.data,
        "end": form.end.data,
        "colour": form.colour.data,
        "break_minutes": form.break_minutes.data or 0,
    }


def coverage_values(form: CoverageForm) -> dict[str, Any]:
    """The plain values of the coverage form."""
    return {
        "weekdays": "".join(form.weekdays.data) if form.weekdays.data else None,
        "on_date": form.on_date.data,
        "from_minute": minutes_of_day(form.from_time.data or "00:00"),
        "to_minute": minutes_of_day(form.to_time.data or "00:00"),
        "minimum": form.minimum.data,
        "skill": form.skill.data or None,
    }

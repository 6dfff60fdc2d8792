"""Roster forms: generate, edit a cell, publish; demand, swaps, handover."""

from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    FloatField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional


def next_monday(today: dt.date | None = None) -> dt.date:
    """The Monday after today: the usual first day of the next roster."""
    today = today or dt.date.today()
    return today + dt.timedelta(days=7 - today.weekday())


class GenerateForm(FlaskForm):
    """Generate a roster for one or four weeks (R-1..R-12)."""

    first_date = DateField(_l("First day"), validators=[DataRequired()], default=next_monday)
    weeks = SelectField(
        _l("Weeks"), choices=[SelectChoice("1", "1"), SelectChoice("4", "4")], default="1"
    )
    time_limit = FloatField(
        _l("Time limit (seconds)"), default=30, validators=[DataRequired(), NumberRange(1, 3600)]
    )


class CellForm(FlaskForm):
    """Change one cell of a draft: a shift code, `rest` or `leave` (with cover for rest, R-8)."""

    employee_id = IntegerField(validators=[DataRequired()])
    date = DateField(validators=[DataRequired()])
    value = StringField(_l("Shift"), validators=[DataRequired()])
    cover_id = IntegerField(_l("Cover"), validators=[Optional()])


class PublishForm(FlaskForm):
    """Publish a draft; `force` publishes despite listed hard-rule violations."""

    force = BooleanField(_l("Publish despite the violations listed"))


class ForecastForm(FlaskForm):
    """S-2: a call-volume forecast (CSV) to turn into required agents per slot."""

    file = FileField(
        _l("Forecast (CSV)"), validators=[FileRequired(), FileAllowed(["csv"], _l("a .csv file"))]
    )


class CurveForm(FlaskForm):
    """Confirm a computed curve: it replaces the site's weekday coverage windows."""

    curve = HiddenField(validators=[DataRequired()])


class SwapForm(FlaskForm):
    """L-6: offer a shift to the team or propose a swap with a colleague."""

    kind = SelectField(
        _l("Kind"),
        choices=[
            SelectChoice("swap", _l("Swap with a colleague")),
            SelectChoice("offer", _l("Offer my shift to the team")),
        ],
        default="swap",
    )
    date = DateField(_l("My shift on"), validators=[DataRequired()])
    colleague_id = SelectField(_l("Colleague"), coerce=int, validate_choice=False, default=0)
    colleague_date = DateField(_l("Their shift on"), validators=[Optional()])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=500)])


class DecideSwapForm(FlaskForm):
    """The lead's approval; `force` approves despite the listed violations."""

    force = BooleanField(_l("Approve despite the violations listed"))


class HandoverForm(FlaskForm):
    """S-4: the outgoing shift's note."""

    date = DateField(_l("Shift date"), validators=[DataRequired()])
    body = TextAreaField(_l("Handover note"), validators=[DataRequired(), Length(max=4000)])

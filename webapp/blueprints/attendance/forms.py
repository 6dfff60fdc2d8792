"""Attendance forms: they check shape; the services check the rules (A-1, A-6, A-7, A-8)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    DateTimeLocalField,
    HiddenField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp

KIND_CHOICES = [
    SelectChoice("in", _l("Clock in")),
    SelectChoice("out", _l("Clock out")),
    SelectChoice("break_out", _l("Start break")),
    SelectChoice("break_in", _l("End break")),
]


class ClockForm(FlaskForm):
    """One press of the clock button; event_id makes a resubmission harmless (A-1)."""

    kind = SelectField(_l("Event"), choices=KIND_CHOICES, validators=[InputRequired()])
    event_id = HiddenField(validators=[DataRequired(), Length(max=64)])


class PinForm(FlaskForm):
    """The agent's own kiosk PIN."""

    pin = PasswordField(
        _l("New kiosk PIN"),
        validators=[DataRequired(), Regexp(r"^\d{4,8}$", message=_l("4 to 8 digits"))],
    )


class KioskForm(ClockForm):
    """A shared kiosk: employee code and PIN, then the event (A-1)."""

    code = StringField(_l("Employee code"), validators=[DataRequired(), Length(max=32)])
    pin = PasswordField(_l("PIN"), validators=[DataRequired(), Length(max=8)])


class KioskActivateForm(FlaskForm):
    """Bind this browser to a registered device by its token."""

    token = PasswordField(_l("Device token"), validators=[DataRequired(), Length(max=200)])


class DeviceForm(FlaskForm):
    """Register a clock device of a site."""

    site_id = SelectField(_l("Site"), coerce=int, validators=[InputRequired()])
    name = StringField(_l("Device name"), validators=[DataRequired(), Length(max=64)])


class DecisionForm(FlaskForm):
    """Approve/reject or confirm/dismiss, with an optional note."""

    decision = SelectField(
        _l("Decision"),
        choices=[
            SelectChoice("yes", _l("Approve / confirm")),
            SelectChoice("no", _l("Reject / dismiss")),
        ],
    )
    note = StringField(_l("Note"), validators=[Optional(), Length(max=500)])


class CorrectionForm(FlaskForm):
    """A time and kind with a reason: a lead's correction or an agent's request (A-7)."""

    kind = SelectField(_l("Event"), choices=KIND_CHOICES, validators=[InputRequired()])
    at = DateTimeLocalField(
        _l("Time (site time)"), format="%Y-%m-%dT%H:%M", validators=[InputRequired()]
    )
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(min=3, max=500)])
    event = SelectField(_l("Clock event"), coerce=int, validators=[Optional()])
    employee = SelectField(_l("Employee"), coerce=int, validators=[Optional()])
    void = SelectField(
        _l("Action"),
        choices=[
            SelectChoice("keep", _l("Change time / kind")),
            SelectChoice("void", _l("Void the event")),
        ],
        default="keep",
    )


class DayForm(FlaskForm):
    """Pick a date (GET, no CSRF)."""

    class Meta:
        csrf = False

    date = DateField(_l("Date"), validators=[Optional()])


class ReportForm(FlaskForm):
    """Report scope, period and range (GET, no CSRF) (A-8)."""

    class Meta:
        csrf = False

    scope = SelectField(
        _l("Per"),
        choices=[
            SelectChoice("agent", _l("Agent")),
            SelectChoice("team", _l("Team")),
            SelectChoice("site", _l("Site")),
        ],
        default="team",
    )
    period = SelectField(
        _l("Period"),
        choices=[
            SelectChoice("day", _l("Day")),
            SelectChoice("week", _l("Week")),
            SelectChoice("month", _l("Month")),
        ],
        default="week",
    )
    first = DateField(_l("From"), validators=[Optional()])
    last = DateField(_l("To"), validators=[Optional()])

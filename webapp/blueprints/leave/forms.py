"""Leave forms: they check shape; the leave services check the rules."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateField,
    DateTimeLocalField,
    DecimalField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    SubmitField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

LEAVE_TYPE_CHOICES = [
    SelectChoice("annual", _l("Annual leave 年假")),
    SelectChoice("sick", _l("Sick leave 病假")),
    SelectChoice("personal", _l("Personal leave 事假")),
    SelectChoice("temporary", _l("Temporary leave 临时请假")),
    SelectChoice("compensatory", _l("Compensatory rest 调休")),
]


class LeaveRequestForm(FlaskForm):
    """Type, site-local start and end, and a reason (L-1)."""

    leave_type = SelectField(_l("Type"), choices=LEAVE_TYPE_CHOICES)
    start = DateTimeLocalField(_l("From"), format="%Y-%m-%dT%H:%M", validators=[DataRequired()])
    end = DateTimeLocalField(_l("Until"), format="%Y-%m-%dT%H:%M", validators=[DataRequired()])
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=1000)])

    def validate_end(self, field: DateTimeLocalField) -> None:
        """The end comes after the start (L-1)."""
        if self.start.data and field.data and field.data <= self.start.data:
            raise ValidationError(_l("The end must be after the start (L-1)."))


class DecisionForm(FlaskForm):
    """Approve or reject with a comment; the version seen guards against double decisions."""

    comment = TextAreaField(_l("Comment"), validators=[Optional(), Length(max=1000)])
    version = HiddenField()
    approve = SubmitField(_l("Approve"))
    approve_reroster = SubmitField(_l("Approve and re-roster"))
    reject = SubmitField(_l("Reject"))


class ProofForm(FlaskForm):
    """A PDF or image proving sick leave (L-4)."""

    file = FileField(_l("Proof (PDF, PNG or JPEG, at most 5 MB)"), validators=[FileRequired()])


class DelegationForm(FlaskForm):
    """Who decides for me while I am away (L-3)."""

    delegate_id = SelectField(_l("Delegate"), coerce=int)
    first_day = DateField(_l("First day"), validators=[DataRequired()])
    last_day = DateField(_l("Last day"), validators=[DataRequired()])


class GrantForm(FlaskForm):
    """Annual leave granted by HR, compensatory rest by a lead (L-1)."""

    employee_id = SelectField(_l("Employee"), coerce=int)
    leave_type = SelectField(_l("Type"), choices=[LEAVE_TYPE_CHOICES[0], LEAVE_TYPE_CHOICES[4]])
    year = IntegerField(_l("Year"), validators=[InputRequired(), NumberRange(2000, 2100)])
    days = DecimalField(
        _l("Days"), places=2, validators=[InputRequired(), NumberRange(min=-366, max=366)]
    )
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=500)])

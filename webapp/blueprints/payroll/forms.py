"""Payroll forms: they check shape; the services check the rules (§6, D-appeal, P-1)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    DecimalField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from attendance.incidents import INCIDENT_RULES

INCIDENT_RULE_CHOICES = sorted(INCIDENT_RULES, key=lambda r: int(r.split("-")[1]))


class IncidentForm(FlaskForm):
    """A lead records one incident (D-3…D-12): amount only for ranged rules D-5, D-6."""

    employee_id = SelectField(_l("Employee"), coerce=int, validators=[InputRequired()])
    rule_id = SelectField(_l("Rule"), choices=INCIDENT_RULE_CHOICES, validators=[InputRequired()])
    date = DateField(_l("Date"), validators=[InputRequired()])
    amount = DecimalField(
        _l("Amount (yuan)"), places=2, validators=[Optional(), NumberRange(min=0)]
    )
    note = TextAreaField(_l("Note"), validators=[Length(max=500)])


class AppealForm(FlaskForm):
    """An agent's reason for appealing a line, or for taking it to HR (D-appeal)."""

    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=1000)])
    version = HiddenField(default="0")


class DecisionForm(FlaskForm):
    """Uphold or reject an appeal with a note; `version` is the state the decider saw."""

    decision = RadioField(
        _l("Decision"),
        choices=[
            SelectChoice("uphold", _l("Uphold: reverse the line")),
            SelectChoice("reject", _l("Reject")),
        ],
        validators=[InputRequired()],
    )
    note = TextAreaField(_l("Note"), validators=[DataRequired(), Length(max=1000)])
    version = IntegerField(validators=[InputRequired()])


class ExportForm(FlaskForm):
    """Confirming an export, which locks the period (P-1)."""


class RuleVersionForm(FlaskForm):
    """A new version of a catalogue rule from an effective date (§6)."""

    rule_id = SelectField(_l("Rule"), validators=[InputRequired()])
    effective_from = DateField(_l("Effective from"), validators=[InputRequired()])
    amount = DecimalField(_l("Amount (fixed rules)"), places=2,
                          validators=[Optional(), NumberRange(min=0)])  # fmt: skip
    min_amount = DecimalField(_l("Minimum (ranged rules)"), places=2,
                              validators=[Optional(), NumberRange(min=0)])  # fmt: skip
    max_amount = DecimalField(_l("Maximum (ranged rules)"), places=2,
                              validators=[Optional(), NumberRange(min=0)])  # fmt: skip
    ladder = StringField(_l("Ladder amounts, separated by ; (ladder rules)"),
                         validators=[Optional(), Length(max=100)])  # fmt: skip
    description_zh = StringField(_l("Description (Chinese)"), validators=[Length(max=200)])
    description_en = StringField(_l("Description (English)"), validators=[Length(max=200)])

    def validate_ladder(self, field: StringField) -> None:
        """Each step an amount of at most two decimals, not negative."""
        from attendance.csv_checks import parse_decimal

        for part in (field.data or "").split(";"):
            value = parse_decimal(part.strip())
            if value is None or value < 0:
                raise ValidationError(_l("Each step must be an amount such as 0 or 10."))

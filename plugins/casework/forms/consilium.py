"""Forms of the consilium and of the coordinator's decision on a level."""
from flask_babel import lazy_gettext as _l
from wtforms import SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from plugins.casework.models import SUPPORT_LEVEL_LABELS, SupportLevel
from portal.kit import DayField, Form, PeopleField, YearsBetween, parse_id


def _level(value):
    return SupportLevel(value) if value in SupportLevel.__members__ else None


class ConsiliumForm(Form):
    service = SelectField(_l("Service"), coerce=lambda v: parse_id(v) or 0, validate_choice=False)
    held_on = DayField(_l("Held on"), validators=[InputRequired(), YearsBetween()])
    attendees = PeopleField(_l("Who attended"), coerce=lambda v: parse_id(v) or 0, validate_choice=False)
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=4000)])


class DecisionForm(Form):
    record = SelectField(_l("Graduate"), coerce=lambda v: parse_id(v) or 0, validate_choice=False)
    decision = TextAreaField(_l("Decision"), validators=[DataRequired(), Length(max=4000)])
    level = SelectField(_l("Support level"), coerce=_level, validate_choice=False,
                        choices=[(lv.value, SUPPORT_LEVEL_LABELS(lv)) for lv in SupportLevel],
                        validators=[DataRequired()])


class RejectForm(Form):
    reason = TextAreaField(_l("Why it is rejected"), validators=[Optional(), Length(max=2000)])

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from portal.models import InstitutionKind
from portal.web.forms import Form
from portal.web.ids import parse_id

KIND_LABELS = {
    InstitutionKind.children_home: _l("Children's home"),
    InstitutionKind.boarding_school: _l("Boarding school"),
    InstitutionKind.family_centre: _l("Family support centre"),
    InstitutionKind.other: _l("Other institution"),
}


def _id(value) -> int:
    """A chosen id; what is no id (a tampered form) is 0, which no choice has."""
    return parse_id(value) or 0


class InstitutionForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=300)])
    kind = SelectField(_l("Kind"), choices=[(k.value, label) for k, label in KIND_LABELS.items()])
    municipality = SelectField(_l("Municipality"), coerce=_id)
    address = StringField(_l("Address"), validators=[Optional(), Length(max=300)])
    contact = TextAreaField(_l("Contact"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Save"))


class StaffForm(Form):
    user = SelectField(_l("Specialist"), coerce=_id)
    submit = SubmitField(_l("Name to the institution"))

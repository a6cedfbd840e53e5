"""Forms of the support services' pages."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from portal.kit import Form, PeopleField, parse_id


class ServiceForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=300)])
    is_resource_centre = BooleanField(_l("This is the region's resource centre (its coordinators see every record)"))
    municipalities = PeopleField(_l("Municipalities it serves"), coerce=int)
    address = StringField(_l("Address"), validators=[Optional(), Length(max=300)])
    contact = TextAreaField(_l("How to reach it"), validators=[Optional(), Length(max=2000)])


class StaffForm(Form):
    person = SelectField(_l("Person"), coerce=lambda v: parse_id(v) or 0, validate_choice=False)
    is_coordinator = BooleanField(_l("The service's coordinator"))

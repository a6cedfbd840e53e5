"""Forms of the support contract."""
from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from portal.kit import DayField, Form, YearsBetween

REASONABLE = YearsBetween(1950, 2100)
GIVE_DATE = _l("Give the date.")


class ContractForm(Form):
    number = StringField(_l("Contract number"), validators=[Optional(), Length(max=50)])
    starts_on = DayField(_l("Starts on"), validators=[InputRequired(GIVE_DATE), REASONABLE])
    ends_on = DayField(_l("Ends on"), validators=[InputRequired(GIVE_DATE), REASONABLE])
    consent_on = DayField(_l("Consent given on"), validators=[InputRequired(GIVE_DATE), REASONABLE])
    representative = StringField(_l("Legal representative (for a minor)"), validators=[Optional(), Length(max=300)])
    service_undertakes = TextAreaField(_l("The service undertakes"), validators=[Optional(), Length(max=5000)])
    graduate_undertakes = TextAreaField(_l("The graduate undertakes"), validators=[Optional(), Length(max=5000)])


class EndForm(Form):
    ended_on = DayField(_l("Ended on"), validators=[InputRequired(GIVE_DATE), REASONABLE])
    reason = TextAreaField(_l("Why"), validators=[Optional(), Length(max=2000)])

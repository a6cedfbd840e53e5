from flask_babel import lazy_gettext as _l
from wtforms import SubmitField, TextAreaField
from wtforms.validators import Length, Optional

from portal.web.forms import Form


def _text(label):
    return TextAreaField(label, validators=[Optional(), Length(max=5000)])


class RegionNoticesForm(Form):
    """What a region tells everyone: how to reach its service and how it treats personal data.
    An empty field shows the portal's default text."""

    contacts = _text(_l("Contacts of the support service (address, phone, e-mail, hours)"))
    privacy_holder = _text(_l("Who holds the personal data (the operator)"))
    privacy_purpose = _text(_l("Why the data is processed"))
    privacy_retention = _text(_l("How long it is kept"))
    privacy_contact = _text(_l("Whom to contact about one's data"))
    submit = SubmitField(_l("Save"))

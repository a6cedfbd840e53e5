from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from portal.web.forms import Form


class ApproveForm(Form):
    documents_checked = BooleanField(_l("Documents checked (e.g. certificate of no criminal record)"))
    # A graduate under 18: the legal representative's consent to the processing of personal data.
    representative_consent = BooleanField(_l("The legal representative's consent is given"))
    representative = StringField(_l("Who gave it (name, and parent, guardian or organisation)"),
                                 validators=[Optional(), Length(max=200)])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=1000)])
    submit = SubmitField(_l("Approve"))


class RejectForm(Form):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=1000)])
    submit = SubmitField(_l("Reject"))

from flask_babel import lazy_gettext as _l
from wtforms import SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from portal.web.forms import Form


class ReasonForm(Form):
    """Suspending or ending a role always says why: the person and the next coordinator read it."""

    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=1000)])
    submit = SubmitField(_l("Confirm"))

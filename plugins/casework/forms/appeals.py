"""Forms of the appeals journal: a new appeal (staff's and the graduate's own), an action, taking it, a status
change with its why, a correction, and the journal's filters."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from plugins.casework.models import (APPEAL_CHANNEL_LABELS, APPEAL_STATUS_LABELS, APPEAL_TYPE_LABELS,
                                     AppealChannel, AppealType)
from portal.kit import DayField, Form, YearsBetween, parse_id

CHOOSE = _l("Choose one of the list.")


def _type(value):
    return AppealType(value) if value in AppealType.__members__ else None


def _channel(value):
    return AppealChannel(value) if value in AppealChannel.__members__ else None


def _id(value):
    return parse_id(value)


class MineAppealForm(Form):
    """The graduate's own appeal, filed on the portal."""

    type = SelectField(_l("What it is about"), coerce=_type, validate_choice=False,
                       validators=[DataRequired(CHOOSE)])
    request = TextAreaField(_l("What do you ask for?"), validators=[DataRequired(), Length(max=4000)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.type.choices = APPEAL_TYPE_LABELS.choices()


class AppealForm(Form):
    """An appeal staff log: how it came, when, what about, what was asked."""

    type = SelectField(_l("Type of appeal"), coerce=_type, validate_choice=False,
                       validators=[DataRequired(CHOOSE)])
    channel = SelectField(_l("How it came"), coerce=_channel, validate_choice=False,
                          validators=[DataRequired(CHOOSE)])
    received_on = DayField(_l("Received on"), validators=[Optional(), YearsBetween()])
    request = TextAreaField(_l("What was asked"), validators=[DataRequired(), Length(max=4000)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.type.choices = APPEAL_TYPE_LABELS.choices()
        self.channel.choices = [(c.value, APPEAL_CHANNEL_LABELS(c)) for c in AppealChannel
                                if c != AppealChannel.portal]


class ActionForm(Form):
    text = TextAreaField(_l("What was done"), validators=[DataRequired(), Length(max=4000)])
    staff_only = BooleanField(_l("For staff only (the graduate does not see it)"))


class StatusForm(Form):
    move = SelectField(_l("New status"), validate_choice=False, validators=[DataRequired(CHOOSE)])
    agency = StringField(_l("Agency (when referred)"), validators=[Optional(), Length(max=300)])
    text = TextAreaField(_l("How it was resolved, or why"), validators=[Optional(), Length(max=4000)])


class CorrectionForm(Form):
    entry = HiddenField(validators=[DataRequired()])
    text = TextAreaField(_l("Corrected text"), validators=[DataRequired(), Length(max=4000)])


class JournalFilter(Form):
    """The journal's filters: a GET form (no CSRF); what does not fit is left out of the filter."""

    class Meta:
        csrf = False

    status = SelectField(_l("Status"), validate_choice=False)
    type = SelectField(_l("Type of appeal"), validate_choice=False)
    service = SelectField(_l("Service"), coerce=_id, validate_choice=False)
    specialist = SelectField(_l("Specialist"), coerce=_id, validate_choice=False)
    overdue = BooleanField(_l("Overdue"))
    record = HiddenField(filters=[_id])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.status.choices = [("", "—"), ("open", str(_l("open (new or in progress)"))),
                               *APPEAL_STATUS_LABELS.choices()]
        self.type.choices = [("", "—")] + APPEAL_TYPE_LABELS.choices()


class RecordSearch(Form):
    """From the journal, a new appeal starts with finding the graduate's record."""

    class Meta:
        csrf = False

    q = StringField(_l("Graduate's name"), validators=[Optional(), Length(max=200)])

"""Forms of the registry: a record, the list's search, a move, an account, a note, a merge."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional

from plugins.casework.models import Gender, LegalStatus, RecordStatus, SupportLevel
from portal.kit import DayField, Form, YearsBetween, label_of, parse_id

REASONABLE = YearsBetween(1950, 2100)
GIVE_DATE = _l("Give the date.")


def _id(value):
    return parse_id(value)


def _choices(kind):
    return [(item.value, label_of(item)) for item in kind]


class RecordForm(Form):
    last_name = StringField(_l("Last name"), validators=[DataRequired(), Length(max=100)])
    first_name = StringField(_l("First name"), validators=[DataRequired(), Length(max=100)])
    middle_name = StringField(_l("Patronymic"), validators=[Optional(), Length(max=100)])
    birth_date = DayField(_l("Date of birth"), validators=[InputRequired(GIVE_DATE), REASONABLE])
    gender = SelectField(_l("Gender"), validators=[DataRequired()])
    legal_status = SelectField(_l("Legal status"), validators=[DataRequired()])
    institution = SelectField(_l("Institution they left"), coerce=_id, validate_choice=False)
    placement = StringField(_l("Or the foster family (in words)"), validators=[Optional(), Length(max=300)])
    left_care_on = DayField(_l("Left care on"), validators=[Optional(), REASONABLE])
    municipality = SelectField(_l("Where they live"), coerce=_id, validate_choice=False)
    address = StringField(_l("Address"), validators=[Optional(), Length(max=300)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=50)])
    email = EmailField(_l("E-mail"), validators=[Optional(), Email(), Length(max=254)])
    contacts = TextAreaField(_l("Other contacts, relatives"), validators=[Optional(), Length(max=2000)])
    service = SelectField(_l("Responsible service"), coerce=_id, validate_choice=False)
    specialist = SelectField(_l("Specialist"), coerce=_id, validate_choice=False)
    different_person = BooleanField(_l("It is a different person: create the record anyway"))
    shown_duplicates = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.gender.choices = _choices(Gender)
        self.legal_status.choices = _choices(LegalStatus)


class FilterForm(Form):
    """The registry's search: a GET form (no CSRF), what does not fit is left out of the filter."""

    class Meta:
        csrf = False

    q = StringField(_l("Name"), validators=[Optional(), Length(max=200)])
    municipality = SelectField(_l("Municipality"), coerce=_id, validate_choice=False)
    service = SelectField(_l("Service"), coerce=_id, validate_choice=False)
    status = SelectField(_l("Status"), validate_choice=False)
    level = SelectField(_l("Support level"), validate_choice=False)
    overdue = BooleanField(_l("Assessment overdue"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.status.choices = [("", "—")] + _choices(RecordStatus)
        self.level.choices = [("", "—")] + _choices(SupportLevel)


class MoveForm(Form):
    municipality = SelectField(_l("New municipality"), coerce=_id, validate_choice=False)
    service = SelectField(_l("Service (if not the municipality's own)"), coerce=_id, validate_choice=False)
    reason = TextAreaField(_l("Why"), validators=[Optional(), Length(max=2000)])


class LinkForm(Form):
    email = EmailField(_l("The graduate's e-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    invite = BooleanField(_l("No account yet: send an invitation"))


class NoteForm(Form):
    text = TextAreaField(_l("Note"), validators=[DataRequired(), Length(max=5000)])
    for_graduate = BooleanField(_l("For the graduate to see"))


class MergeForm(Form):
    other = StringField(_l("Number of the record to merge into this one"), validators=[DataRequired()])

    def other_id(self):
        return parse_id(self.other.data)


class StatusForm(Form):
    move = HiddenField()

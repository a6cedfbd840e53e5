"""The clubs' forms; each is a kit Form, which refuses characters nobody types before anything reads them."""
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from wtforms import BooleanField, HiddenField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import (URL, AnyOf, DataRequired, InputRequired, Length, NumberRange, Optional,
                                ValidationError)

from plugins.graduate_clubs.clubs import EARLIEST_YEAR, LATEST_YEAR, MAX_CAPACITY
from portal.kit import DayField, Form, LocalTimeField, NumberField, PeopleField, YearsBetween, parse_id

TIME_FORMAT = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]  # the last: typed where no picker
YEARS = _l("Give a year from %(first)d to %(last)d.", first=EARLIEST_YEAR, last=LATEST_YEAR)
PLACES = _l("The number of places must be from 1 to %(max)d.", max=MAX_CAPACITY)

# A year like 0001 is a typing error, and one the time zones cannot even convert.
REASONABLE_YEAR = YearsBetween(EARLIEST_YEAR, LATEST_YEAR, message=YEARS)








class PlacesField(NumberField):
    """A number of places; letters are no number, and NumberRange says once what is wanted."""



class ClubForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    host = StringField(_l("Host organisation"), validators=[Optional(), Length(max=300)])
    municipality = SelectField(_l("Municipality"), coerce=int)
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])
    organizers = PeopleField(_l("Organizers"), coerce=int)  # none chosen is an empty list
    submit = SubmitField(_l("Save"))


def _time(label, required: bool = True):
    needed = InputRequired(_l("Give the date and time.")) if required else Optional()
    return LocalTimeField(label, format=TIME_FORMAT, validators=[needed, REASONABLE_YEAR])


class EventForm(Form):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])
    starts_at = _time(_l("Starts"))
    ends_at = _time(_l("Ends"))
    place = StringField(_l("Place"), validators=[Optional(), Length(max=300)])
    online_link = StringField(_l("Online link"), validators=[Optional(), Length(max=500),
                                                              URL(message=_l("Enter a full address, https://…"))])
    # InputRequired, not DataRequired: 0 is an answer, and it deserves the range, not "required".
    capacity = PlacesField(_l("Places"), validators=[InputRequired(PLACES),
                                                     NumberRange(min=1, max=MAX_CAPACITY, message=PLACES)])
    registration_deadline = _time(_l("Registration closes"), required=False)
    volunteers_wanted = BooleanField(_l("Volunteers are wanted"))
    submit = SubmitField(_l("Save"))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not (self.place.data or "").strip() and not (self.online_link.data or "").strip():
            self.place.errors = [*self.place.errors, _l("Give a place or an online link.")]
            valid = False
        return valid

    def validate_ends_at(self, field):
        if self.starts_at.data and field.data and field.data <= self.starts_at.data:
            raise ValidationError(_l("The event must end after it starts."))

    def validate_registration_deadline(self, field):
        if self.starts_at.data and field.data and field.data > self.starts_at.data:
            raise ValidationError(_l("Registration must close before the event starts."))


class CancelEventForm(Form):
    reason = TextAreaField(_l("Why (it goes to the people registered)"), validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("Cancel the event"))


class RegisterForm(Form):
    """Register for an event; ``wait`` says the graduate accepts a place in the waiting list."""

    wait = HiddenField()
    submit = SubmitField(lazy_pgettext("graduate_clubs", "Register"))


class AttendanceForm(Form):
    attended = HiddenField()  # "1": came, anything else: did not come
    submit = SubmitField(_l("Save"))


def _municipality_id(value) -> int:
    """A municipality's id; what is not an id at all (a tampered address) means all of them."""
    return parse_id(value) or 0


class FilterForm(Form):
    class Meta:
        csrf = False

    # The view gives the region's municipalities as choices; an id that is not one of them is refused.
    municipality = SelectField(_l("Municipality"), coerce=_municipality_id, validate_choice=False)
    since = DayField(_l("From"), validators=[Optional(), REASONABLE_YEAR])

    def validate_municipality(self, field):
        if field.data and field.data not in {value for value, _label in field.choices}:
            raise ValidationError(_l("There is no such municipality in this region: all are shown."))


class HelpOfferForm(Form):
    """«I can help», with what the volunteer can do, in their words (optional)."""

    note = TextAreaField(_l("What you can do (optional)"), validators=[Optional(), Length(max=1000)])
    submit = SubmitField(_l("I can help"))


class DecisionForm(Form):
    """The organizers' answer to an offer of help: «accept» or «decline», one button each."""

    decision = HiddenField(validators=[AnyOf(("accept", "decline"))])

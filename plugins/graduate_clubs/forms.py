from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateField, DateTimeLocalField, HiddenField, IntegerField, SelectField,
                     SelectMultipleField, StringField, SubmitField, TextAreaField)
from wtforms.validators import URL, DataRequired, Length, NumberRange, Optional, ValidationError

from plugins.graduate_clubs.clubs import MAX_CAPACITY

TIME_FORMAT = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]


class ClubForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    host = StringField(_l("Host organisation"), validators=[Optional(), Length(max=300)])
    municipality = SelectField(_l("Municipality"), coerce=int)
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])
    organizers = SelectMultipleField(_l("Organizers"), coerce=int, validators=[Optional()])
    submit = SubmitField(_l("Save"))


class EventForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])
    starts_at = DateTimeLocalField(_l("Starts"), format=TIME_FORMAT, validators=[DataRequired()])
    ends_at = DateTimeLocalField(_l("Ends"), format=TIME_FORMAT, validators=[DataRequired()])
    place = StringField(_l("Place"), validators=[Optional(), Length(max=300)])
    online_link = StringField(_l("Online link"), validators=[Optional(), Length(max=500),
                                                              URL(message=_l("Enter a full address, https://…"))])
    capacity = IntegerField(_l("Places"), validators=[DataRequired(), NumberRange(min=1, max=MAX_CAPACITY)])
    registration_deadline = DateTimeLocalField(_l("Registration closes"), format=TIME_FORMAT,
                                               validators=[Optional()])
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


class RegisterForm(FlaskForm):
    """Register for an event; ``wait`` says the graduate accepts a place in the waiting list."""

    wait = HiddenField()
    submit = SubmitField(_l("Register"))


class AttendanceForm(FlaskForm):
    attended = HiddenField()  # "1": came, anything else: did not come
    submit = SubmitField(_l("Save"))


class FilterForm(FlaskForm):
    class Meta:
        csrf = False

    municipality = SelectField(_l("Municipality"), coerce=int, validate_choice=False)
    since = DateField(_l("From"), validators=[Optional()])

"""The hotel's forms: each refuses control characters (a NUL) next to the field, as every portal form does."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from portal.kit import Form, YearsBetween


class StayRequestForm(Form):
    hotel = SelectField(_l("Social hotel"), coerce=int)
    arrival = DateField(_l("Arrival"), validators=[DataRequired(), YearsBetween()])
    departure = DateField(_l("Departure"), validators=[DataRequired(), YearsBetween()])
    reason = TextAreaField(_l("Why do you need a place?"), validators=[DataRequired(), Length(max=2000)])
    with_child = BooleanField(_l("I come with a child"))
    submit = SubmitField(_l("Ask for a stay"))


class ExtensionRequestForm(Form):
    until = DateField(_l("Stay until"), validators=[DataRequired(), YearsBetween()])
    submit = SubmitField(_l("Ask to extend"))


class BedForm(Form):
    bed = SelectField(_l("Bed"), coerce=int)
    submit = SubmitField(_l("Confirm"))


class ReasonForm(Form):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=2000)])
    submit = SubmitField(_l("Reject"))


class DepartureForm(Form):
    departure = DateField(_l("New departure"), validators=[DataRequired(), YearsBetween()])
    submit = SubmitField(_l("Extend"))


class HotelForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=300)])
    house_rules = TextAreaField(_l("House rules"), validators=[Optional(), Length(max=5000)])
    submit = SubmitField(_l("Save"))


class RoomNameForm(Form):
    name = StringField(_l("Room"), validators=[DataRequired(), Length(max=100)])
    submit = SubmitField(_l("Rename"))


class BedNameForm(Form):
    label = StringField(_l("Bed"), validators=[DataRequired(), Length(max=100)])
    notes = StringField(_l("Notes"), validators=[Optional(), Length(max=300)])
    submit = SubmitField(_l("Save"))


class RoomForm(Form):
    name = StringField(_l("Room"), validators=[DataRequired(), Length(max=100)])
    beds = TextAreaField(_l("Beds, one per line: name | notes"), validators=[DataRequired(), Length(max=5000)])
    submit = SubmitField(_l("Add the room"))

    def bed_lines(self) -> list[tuple[str, str]]:
        lines = []
        for line in (self.beds.data or "").splitlines():
            label, _, notes = line.partition("|")
            if label.strip():
                lines.append((label.strip()[:100], notes.strip()[:300]))
        return lines


class SettingsForm(Form):
    max_nights = IntegerField(_l("Longest stay without a coordinator, nights"),
                              validators=[DataRequired(), NumberRange(min=1, max=365)])
    submit = SubmitField(_l("Save"))


class ChartForm(Form):
    class Meta:
        csrf = False

    hotel = SelectField(_l("Social hotel"), coerce=int, validate_choice=False)
    start = DateField(_l("From"), validators=[Optional(), YearsBetween()])
    span = SelectField(_l("Period"), choices=[("week", _l("Week")), ("month", _l("Month"))],
                       validate_choice=False)

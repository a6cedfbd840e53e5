"""The festivals' forms; each is a kit Form, which refuses characters nobody types before anything reads them."""
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from wtforms import BooleanField, HiddenField, SelectField, StringField, SubmitField, TextAreaField, widgets
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from plugins.volunteer_festivals.festivals import EARLIEST_YEAR, LATEST_YEAR
from plugins.volunteer_festivals.shifts import MAX_CAPACITY
from portal.kit import DayField, Form, LocalTimeField, NumberField, PeopleField, YearsBetween, parse_id

TIME_FORMAT = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
YEARS = _l("Give a year from %(first)d to %(last)d.", first=EARLIEST_YEAR, last=LATEST_YEAR)
REASONABLE_YEAR = YearsBetween(EARLIEST_YEAR, LATEST_YEAR, message=YEARS)
PLACES = _l("The number of people must be from 1 to %(max)d.", max=MAX_CAPACITY)












class ChecksField(PeopleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def _choice_id(value) -> int:
    """An id from a list; what is not an id at all (a tampered form) is none."""
    return parse_id(value) or 0


def _time(label, required: bool = True):
    needed = InputRequired(_l("Give the date and time.")) if required else Optional()
    return LocalTimeField(label, format=TIME_FORMAT, validators=[needed, REASONABLE_YEAR])


class FestivalForm(Form):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    first_day = DayField(_l("First day"), validators=[InputRequired(_l("Give the date.")), REASONABLE_YEAR])
    last_day = DayField(_l("Last day"), validators=[InputRequired(_l("Give the date.")), REASONABLE_YEAR])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])
    organizers = PeopleField(_l("Organizers"), coerce=int)
    submit = SubmitField(_l("Save"))

    def validate_last_day(self, field):
        if self.first_day.data and field.data and field.data < self.first_day.data:
            raise ValidationError(_l("The last day cannot come before the first."))


class PeopleForm(Form):
    people = PeopleField(_l("Jurors"), coerce=int)
    submit = SubmitField(_l("Save"))


class VenueForm(Form):
    name = StringField(_l("Venue"), validators=[DataRequired(), Length(max=200)])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=300)])
    submit = SubmitField(_l("Add the venue"))


class ItemForm(Form):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    starts_at = _time(_l("Starts"))
    ends_at = _time(_l("Ends"))
    venue = SelectField(_l("Venue"), coerce=_choice_id, validate_choice=False)
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Add to the programme"))

    def validate_ends_at(self, field):
        if self.starts_at.data and field.data and field.data <= self.starts_at.data:
            raise ValidationError(_l("It must end after it starts."))


class NominationForm(Form):
    name = StringField(_l("Nomination"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=2000)])
    criteria = TextAreaField(_l("Criteria, one a line, with the most points after a colon"),
                             validators=[DataRequired(), Length(max=3000)])
    submit = SubmitField(_l("Add the nomination"))


class GroupForm(Form):
    name = StringField(_l("Group name"), validators=[DataRequired(), Length(max=200)])
    institution = SelectField(_l("Institution behind the group"), coerce=_choice_id, validate_choice=False)
    organisation = StringField(_l("Or the organisation's name"), validators=[Optional(), Length(max=300)])
    project_title = StringField(_l("Project"), validators=[DataRequired(), Length(max=200)])
    project_description = TextAreaField(_l("About the project"), validators=[Optional(), Length(max=5000)])
    nomination = SelectField(_l("Nomination"), coerce=_choice_id, validate_choice=False)
    submit = SubmitField(_l("Register the group"))


class MemberForm(Form):
    email = StringField(_l("E-mail of a member with an account"),
                        validators=[Optional(), Length(max=254)])
    name = StringField(_l("Or the name only (for minors)"), validators=[Optional(), Length(max=200)])
    submit = SubmitField(_l("Add the member"))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if valid and not (self.email.data or "").strip() and not (self.name.data or "").strip():
            self.name.errors = [*self.name.errors, _l("Give an e-mail or a name.")]
            valid = False
        return valid


class RoleForm(Form):
    name = StringField(_l("Role"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("What the volunteer does"), validators=[Optional(), Length(max=2000)])
    interests = StringField(_l("Suits people who like (comma-separated)"), validators=[Optional(), Length(max=500)])
    skills = StringField(_l("Needs the skills (comma-separated)"), validators=[Optional(), Length(max=500)])
    min_age = NumberField(_l("Minimum age"), validators=[Optional(), NumberRange(
        min=10, max=99, message=_l("Give an age from 10 to 99, or leave it empty."))])
    submit = SubmitField(_l("Add the role"))


class ShiftForm(Form):
    role = SelectField(_l("Role"), coerce=_choice_id, validate_choice=False)
    starts_at = _time(_l("Starts"))
    ends_at = _time(_l("Ends"))
    place = StringField(_l("Place"), validators=[Optional(), Length(max=300)])
    capacity = NumberField(_l("People needed"), validators=[InputRequired(PLACES),
                                                             NumberRange(min=1, max=MAX_CAPACITY, message=PLACES)])
    restricted = BooleanField(_l("Only the organizers assign people to it"))
    submit = SubmitField(_l("Add the shift"))

    def validate_ends_at(self, field):
        if self.starts_at.data and field.data and field.data <= self.starts_at.data:
            raise ValidationError(_l("It must end after it starts."))


class ProfileForm(Form):
    interests = StringField(_l("What you like (comma-separated)"), validators=[Optional(), Length(max=500)])
    skills = StringField(_l("What you can do (comma-separated)"), validators=[Optional(), Length(max=500)])
    birth_date = DayField(_l("Date of birth"), validators=[Optional(), YearsBetween(1900, LATEST_YEAR)])
    free = ChecksField(_l("When you are free"))
    submit = SubmitField(_l("Save"))


class TakeForm(Form):
    """Take a place; ``wait`` says the volunteer accepts the waiting list."""

    wait = HiddenField()
    submit = SubmitField(lazy_pgettext("volunteer_festivals", "Take the shift"))


class DropForm(Form):
    submit = SubmitField(_l("Yes, drop the shift"))


class CheckInForm(Form):
    came = HiddenField()  # "1": came, anything else: undo
    submit = SubmitField(_l("Save"))


class CodeForm(Form):
    code = StringField(_l("Code from the volunteer's phone"), validators=[DataRequired(), Length(max=20)])
    submit = SubmitField(lazy_pgettext("volunteer_festivals", "Check in"))


class ApproveForm(Form):
    assignments = ChecksField(_l("Hours to approve"), coerce=int)
    submit = SubmitField(_l("Approve the hours chosen"))


class AssignForm(Form):
    volunteer = HiddenField()
    submit = SubmitField(_l("Assign"))

    def volunteer_id(self) -> int | None:
        return parse_id(self.volunteer.data)


def score_form(criteria):
    """A form with one points field per criterion of the nomination (``c<criterion id>``)."""

    class ScoreForm(Form):
        submit = SubmitField(_l("Save the scores"))

    for criterion in criteria:
        message = _l("From 0 to %(max)d points.", max=criterion.max_points)
        setattr(ScoreForm, f"c{criterion.id}", NumberField(criterion.name, validators=[
            InputRequired(message), NumberRange(min=0, max=criterion.max_points, message=message)]))
    return ScoreForm

"""The apartments' forms: each a kit Form, which refuses characters nobody types before anything reads them."""
from flask_babel import lazy_gettext as _l
from wtforms import (DateField, EmailField, SelectField, SelectMultipleField, StringField, SubmitField,
                     TextAreaField)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from plugins.training_apartments.models import BUDGET_LABELS
from plugins.training_apartments.rules import MAX_PLACES
from portal.kit import DayField, Form, NumberField, YearsBetween, parse_id

DAY = _l("This is not a valid date; give it as 2026-12-25.")
PLACES = _l("An apartment has from 1 to %(max)d places.", max=MAX_PLACES)


def _id(value) -> int:
    """A chosen id; what is no id at all (a tampered form) is 0, which the rules refuse with their message."""
    return parse_id(value) or 0






class IdsField(SelectMultipleField):
    """Several records chosen from a list; the view gives the choices, the rules decide on the rest."""

    def process_formdata(self, valuelist):
        self.data = [i for i in (parse_id(v) for v in valuelist if v != "") if i]

    def pre_validate(self, form):
        pass


def _day(label, required=True):
    return DayField(label, validators=[InputRequired(DAY) if required else Optional(), YearsBetween(2000, 2100)])


class ApartmentForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=300)])
    places = NumberField(_l("Places"), validators=[InputRequired(PLACES), NumberRange(1, MAX_PLACES, PLACES)])
    house_rules = TextAreaField(_l("House rules"), validators=[Optional(), Length(max=5000)])
    equipment = TextAreaField(_l("What is in it"), validators=[Optional(), Length(max=5000)])
    submit = SubmitField(_l("Save"))


class PupilForm(Form):
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    birth_date = DayField(_l("Date of birth"), validators=[InputRequired(DAY), YearsBetween(1990, 2100)])
    group_name = StringField(_l("Group"), validators=[Optional(), Length(max=100)])
    submit = SubmitField(_l("Save"))


class AccountForm(Form):
    email = EmailField(_l("E-mail of the pupil's account"), validators=[DataRequired(), Length(max=254)])
    submit = SubmitField(_l("Link the account"))


class StayForm(Form):
    pupils = IdsField(_l("Pupils"))
    arrival = _day(_l("First day"))
    departure = _day(_l("Leaves on"))
    submit = SubmitField(_l("Plan the stay"))


class PracticeForm(Form):
    day = _day(_l("Day"))
    skill = SelectField(_l("Skill"), coerce=_id, validate_choice=False)
    level = SelectField(_l("Level reached"), coerce=_id, validate_choice=False)
    note = StringField(_l("Note"), validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("Record"))


class BudgetForm(Form):
    day = _day(_l("Day"))
    kind = SelectField(_l("Entry"), choices=BUDGET_LABELS.choices())
    amount = NumberField(_l("Amount, roubles"), validators=[InputRequired(_l("Give an amount above zero.")),
                                                             NumberRange(1, 1_000_000,
                                                                         _l("Give an amount above zero."))])
    what = StringField(_l("What for"), validators=[Optional(), Length(max=300)])
    submit = SubmitField(_l("Add to the diary"))


class RatingForm(Form):
    skill = SelectField(_l("Skill"), coerce=_id, validate_choice=False)
    level = SelectField(_l("How I do it"), coerce=_id, validate_choice=False)
    submit = SubmitField(_l("Save"))


class SettingsForm(Form):
    min_age = NumberField(_l("Youngest age at the start of a stay"),
                          validators=[InputRequired(), NumberRange(6, 25)])
    max_age = NumberField(_l("Oldest age at the start of a stay"), validators=[InputRequired(), NumberRange(6, 25)])
    max_nights = NumberField(_l("Longest stay, nights"), validators=[InputRequired(), NumberRange(1, 90)])
    submit = SubmitField(_l("Save"))


class NameForm(Form):
    """Rename an area, a skill or a level of the programme (empty: back to the default's words)."""

    name = StringField(_l("Name"), validators=[Optional(), Length(max=200)])
    submit = SubmitField(_l("Rename"))


class NewAreaForm(Form):
    name = StringField(_l("New area"), validators=[DataRequired(), Length(max=200)])
    support_area = SelectField(_l("Support area it belongs to"))
    submit = SubmitField(_l("Add the area"))


class NewSkillForm(Form):
    name = StringField(_l("New skill"), validators=[DataRequired(), Length(max=200)])
    submit = SubmitField(_l("Add the skill"))


class NewLevelForm(Form):
    name = StringField(_l("New level, above the others"), validators=[DataRequired(), Length(max=100)])
    submit = SubmitField(_l("Add the level"))


class ScheduleForm(Form):
    class Meta:
        csrf = False

    start = DateField(_l("From"), validators=[Optional(), YearsBetween(2000, 2100)])
    span = SelectField(_l("Period"), choices=[("week", _l("Week")), ("month", _l("Month"))], validate_choice=False)

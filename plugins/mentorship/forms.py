"""The mentorship forms; each is a kit Form, so input no one types gets a message next to its field."""
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from wtforms import (BooleanField, DateField, HiddenField, IntegerField, SelectField, SelectMultipleField,
                     StringField, SubmitField, TextAreaField)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from plugins.mentorship.models import OUTCOME_LABELS
from portal.kit import SUPPORT_AREAS, Form, YearsBetween

# Languages named in themselves, as a person looks for their own; a sign language has no written name of its
# own, so it is named in the reader's language.
LANGUAGES = [("ru", "Русский"), ("en", "English"), ("uk", "Українська"), ("tt", "Татарча"),
             ("ba", "Башҡортса"), ("uz", "Oʻzbekcha"), ("tg", "Тоҷикӣ"), ("ky", "Кыргызча"),
             ("hy", "Հայերեն"), ("az", "Azərbaycanca"), ("de", "Deutsch"), ("rsl", _l("Russian Sign Language"))]
GENDERS = [("female", _l("woman")), ("male", _l("man"))]


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _interests(text: str) -> list[str]:
    seen = {}
    for word in (text or "").replace(";", ",").replace("\n", ",").split(","):
        word = " ".join(word.split())
        if word:
            seen.setdefault(word.lower(), word[:60])
    return list(seen.values())


class _ProfileForm(Form):
    interests = StringField(_l("Interests"), validators=[Length(max=600)],
                            description=_l("Separated by commas, e.g. football, cooking, guitar"))
    about = TextAreaField(_l("A few lines about yourself"), validators=[Optional(), Length(max=2000)])
    municipality = SelectField(_l("Municipality"), coerce=int, validate_choice=True)
    languages = CheckboxesField(_l("Languages"), choices=LANGUAGES, validators=[DataRequired(
        message=_l("Choose at least one language."))])
    gender = SelectField(_l("Gender"), choices=[("", _l("not said"))] + GENDERS, validators=[Optional()])

    def interest_list(self) -> list[str]:
        return _interests(self.interests.data)

    def validate_interests(self, field):
        if len(self.interest_list()) > 20:
            raise ValidationError(_l("At most 20 interests."))


class MentorProfileForm(_ProfileForm):
    areas = CheckboxesField(_l("Areas where you can help"), choices=list(SUPPORT_AREAS.items()),
                            validators=[DataRequired(message=_l("Choose at least one area."))])
    capacity = IntegerField(_l("How many mentees you can take"), default=1,
                            validators=[InputRequired(), NumberRange(min=1, max=3)])
    availability = StringField(_l("When you are available"), validators=[Optional(), Length(max=300)],
                               description=_l("e.g. weekday evenings, Saturdays"))
    submit = SubmitField(_l("Save my profile"))


class GraduateProfileForm(_ProfileForm):
    wants_mentor = BooleanField(_l("I want a mentor"), default=True)
    areas = CheckboxesField(_l("What you would like help with"), choices=list(SUPPORT_AREAS.items()),
                            validators=[Optional()])
    prefers_gender = SelectField(_l("Mentor's gender"), choices=[("", _l("does not matter"))] + GENDERS,
                                 validators=[Optional()])
    submit = SubmitField(_l("Save"))


class ProposeForm(Form):
    graduate = HiddenField(validators=[DataRequired()])
    mentor = HiddenField(validators=[DataRequired()])
    submit = SubmitField(_l("Propose"))


class RejectForm(Form):
    """The coordinator's "Reject" (the reason is asked by pairs.decide); "Approve" is a ConfirmForm."""

    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(lazy_pgettext("mentorship", "Reject"))


class DeclineForm(Form):
    """The graduate's or the mentor's "Decline"; "Accept" is a ConfirmForm."""

    reason = TextAreaField(_l("Why (optional; only the coordinator reads it)"),
                           validators=[Optional(), Length(max=2000)])
    submit = SubmitField(lazy_pgettext("mentorship", "Decline"))


OUTCOMES = [(outcome.value, label) for outcome, label in OUTCOME_LABELS.items()]


class EndForm(Form):
    outcome = SelectField(_l("Outcome"), choices=OUTCOMES, validators=[InputRequired()])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("End the mentorship"))


class AskEndForm(Form):
    note = TextAreaField(_l("Why (optional)"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("End the mentorship"))


class MeetingForm(Form):
    met_on = DateField(_l("Date"), validators=[DataRequired(message=_l("Enter the date of the meeting.")),
                                               YearsBetween()])
    what_was_done = TextAreaField(_l("What was done"), validators=[DataRequired(), Length(max=4000)])
    next_step = TextAreaField(_l("Next step"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Add to the log"))


class SpecialistsForm(Form):
    """Which support specialists follow a pair (choices: the region's specialists, set by the view)."""

    specialists = CheckboxesField(_l("Specialists who follow this pair"), coerce=int)
    submit = SubmitField(_l("Save"))

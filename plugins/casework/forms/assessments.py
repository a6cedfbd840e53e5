"""The assessment's form: a date and, for each of the nine areas, a score, the reason and a goal."""
from flask_babel import lazy_gettext as _l
from wtforms import SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from plugins.casework.models import ASSESSMENT_AREA_LABELS, SCORE_LABELS, AssessmentArea, Score
from portal.kit import DayField, Form, YearsBetween

SCORE_NEEDED = _l("Give this area a score.")


def _score(value):
    return Score(value) if value in Score.__members__ else None


def _needs_score(form, field):
    if field.data is None:
        raise ValidationError(SCORE_NEEDED)


class AssessmentForm(Form):
    assessed_on = DayField(_l("Assessed on"), validators=[InputRequired(), YearsBetween()])

    def area_fields(self):
        """(area, score field, reason field, goal field) in the areas' order, for the template."""
        return [(a, self[f"{a.value}_score"], self[f"{a.value}_reason"], self[f"{a.value}_goal"])
                for a in AssessmentArea]


for _area in AssessmentArea:
    setattr(AssessmentForm, f"{_area.value}_score",
            SelectField(ASSESSMENT_AREA_LABELS(_area), coerce=_score, validate_choice=False,
                        choices=[("", "—")] + [(s.value, SCORE_LABELS(s)) for s in Score],
                        validators=[_needs_score]))
    setattr(AssessmentForm, f"{_area.value}_reason",
            TextAreaField(_l("Reason"), validators=[Optional(), Length(max=4000)]))
    setattr(AssessmentForm, f"{_area.value}_goal",
            TextAreaField(_l("Goal"), validators=[Optional(), Length(max=4000)]))

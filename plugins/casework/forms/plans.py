"""Forms of the individual plan: a goal, a task, ticking a task."""
from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from plugins.casework.models import ASSESSMENT_AREA_LABELS, TASK_OWNER_LABELS, AssessmentArea, TaskOwner
from portal.kit import DayField, Form, YearsBetween


def _area(value):
    return AssessmentArea(value) if value in AssessmentArea.__members__ else None


def _owner(value):
    return TaskOwner(value) if value in TaskOwner.__members__ else None


class GoalForm(Form):
    area = SelectField(_l("Area"), coerce=_area, validate_choice=False, validators=[DataRequired()],
                       choices=[(a.value, ASSESSMENT_AREA_LABELS(a)) for a in AssessmentArea])
    text = TextAreaField(_l("Goal"), validators=[DataRequired(), Length(max=2000)])


class TaskForm(Form):
    text = StringField(_l("Task"), validators=[DataRequired(), Length(max=1000)])
    owner = SelectField(_l("Who does it"), coerce=_owner, validate_choice=False, validators=[DataRequired()],
                        choices=[(o.value, TASK_OWNER_LABELS(o)) for o in TaskOwner])
    owner_name = StringField(_l("Name (a mentor, an agency)"), validators=[Optional(), Length(max=300)])
    due_on = DayField(_l("Due on"), validators=[InputRequired(), YearsBetween()])


class TickForm(Form):
    done = HiddenField()

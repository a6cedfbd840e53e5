"""The monitoring's period picker: a GET form (no CSRF), a quarter or a year from a list."""
from flask_babel import lazy_gettext as _l
from wtforms import SelectField

from portal.kit import Form


class PeriodForm(Form):
    class Meta:
        csrf = False

    period = SelectField(_l("Period"))

    def __init__(self, choices, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.period.choices = choices

from zoneinfo import available_timezones

from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from portal.models import MembershipStatus, Role
from portal.services.labels import label_of, role_label
from portal.web.forms import Form, YearsBetween

STAFF_ROLE_CHOICES = [
    (Role.specialist.value, _l("Support specialist")),
    (Role.coordinator.value, _l("Coordinator")),
    (Role.region_admin.value, _l("Region admin")),
]


class GrantRoleForm(Form):
    # Nothing chosen at first: a role preselected in every row is one slip away from being granted.
    role = SelectField(_l("Staff role"), choices=[("", _l("Choose a role"))] + STAFF_ROLE_CHOICES,
                       validators=[DataRequired()])
    submit = SubmitField(_l("Grant"))


class PluginSwitchForm(Form):
    enabled = SelectField(choices=[("1", "on"), ("0", "off")])
    # "1" once the admin has seen what is in use and still switches the plugin off.
    confirmed = HiddenField(default="")


class MemberSearchForm(Form):
    q = StringField(_l("Name or e-mail"), validators=[Optional(), Length(max=100)])
    role = SelectField(_l("Role"), validators=[Optional()])
    status = SelectField(_l("Status"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = [("", _l("Any role"))] + [(r.value, role_label(r)) for r in Role]
        self.status.choices = [("", _l("Any status"))] + [(s.value, label_of(s)) for s in MembershipStatus]


class AuditFilterForm(Form):
    person = StringField(_l("Person (name or e-mail)"), validators=[Optional(), Length(max=100)])
    action = SelectField(_l("Action"), validators=[Optional()])
    date_from = DateField(_l("From"), validators=[Optional(), YearsBetween()])
    date_to = DateField(_l("To"), validators=[Optional(), YearsBetween()])
    submit = SubmitField(_l("Filter"))

    def validate_date_to(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("The end date is before the start date."))


class RegionForm(Form):
    code = StringField(_l("Code (used in addresses)"), validators=[
        DataRequired(), Length(max=40),
        Regexp(r"^[a-z][a-z0-9-]*$", message=_l("Use small Latin letters, digits and hyphens.")),
    ])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    timezone = SelectField(_l("Time zone"), default="Europe/Moscow", validators=[DataRequired()])
    default_locale = SelectField(_l("Default language"), choices=[("ru", "Русский"), ("en", "English")])
    municipalities = TextAreaField(_l("Municipalities, one per line"),
                                   validators=[Optional(), Length(max=20000)])
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, current_zone: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        from portal.services.region_time import zone_choices

        current = kwargs["obj"].timezone if kwargs.get("obj") is not None else current_zone
        self.timezone.choices = zone_choices(current if current in available_timezones() else None)

    def validate_timezone(self, field):
        if field.data not in available_timezones():
            raise ValidationError(_l("Unknown time zone. Example: Europe/Moscow."))

    def municipality_names(self) -> list[str]:
        names = [line.strip() for line in (self.municipalities.data or "").splitlines()]
        return list(dict.fromkeys(n[:200] for n in names if n))

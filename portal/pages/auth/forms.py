from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, ValidationError

from portal.models import Role, User
from portal.web.forms import Form

MIN_PASSWORD = 10


def password_field(label):
    return PasswordField(label, validators=[
        DataRequired(),
        Length(min=MIN_PASSWORD, max=128,
               message=_l("The password must be from %(min)d to %(max)d characters long.")),
    ])


class LoginForm(Form):
    # No format check here: a sign-in only asks whether the account exists.
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=128)])
    remember = BooleanField(_l("Remember me"))
    next = HiddenField()
    submit = SubmitField(_l("Sign in"))


class ReauthenticateForm(Form):
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=128)])
    next = HiddenField()
    submit = SubmitField(_l("Confirm"))


class RegistrationForm(Form):
    role = SelectField(_l("I register as"), choices=[
        (Role.graduate.value, _l("Graduate")),
        (Role.mentor.value, _l("Mentor")),
        (Role.volunteer.value, _l("Volunteer")),
    ])
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    password = password_field(_l("Password"))
    confirm = PasswordField(_l("Repeat the password"), validators=[
        DataRequired(), EqualTo("password", message=_l("The passwords do not match."))
    ])
    municipality = SelectField(_l("Municipality"), coerce=int, validate_choice=True)
    language = SelectField(_l("Language"), choices=[("ru", "Русский"), ("en", "English")])
    submit = SubmitField(_l("Register"))

    def validate_email(self, field):
        if User.by_email(field.data or "") is not None:
            raise ValidationError(EMAIL_TAKEN)


EMAIL_TAKEN = _l("An account with this e-mail already exists. Please sign in.")
EMAIL_IN_USE = _l("An account with this e-mail already exists.")


class ProfileForm(Form):
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    contact = StringField(_l("Phone or other contact"), validators=[Optional(), Length(max=200)])
    municipality = SelectField(_l("Municipality"), coerce=int, validate_choice=True)
    language = SelectField(_l("Language"), choices=[("ru", "Русский"), ("en", "English")])
    submit = SubmitField(_l("Save"))


class PasswordChangeForm(Form):
    current = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=128)])
    password = password_field(_l("New password"))
    confirm = PasswordField(_l("Repeat the new password"), validators=[
        DataRequired(), EqualTo("password", message=_l("The passwords do not match."))
    ])
    submit = SubmitField(_l("Change password"))


class EmailChangeForm(Form):
    email = EmailField(_l("New e-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    submit = SubmitField(_l("Change e-mail"))

    def validate_email(self, field):
        if User.by_email(field.data or "") is not None:
            raise ValidationError(EMAIL_IN_USE)

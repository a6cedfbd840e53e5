from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from portal.pages.auth.forms import password_field
from portal.web.forms import Form


class NewAccountForm(Form):
    """The account an invitation opens, for an address that has none: the e-mail is the invitation's."""

    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    password = password_field(_l("Password"))
    confirm = PasswordField(_l("Repeat the password"), validators=[
        DataRequired(), EqualTo("password", message=_l("The passwords do not match."))
    ])
    language = SelectField(_l("Language"), choices=[("ru", "Русский"), ("en", "English")])
    submit = SubmitField(_l("Accept the invitation"))


class InvitePersonForm(Form):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)],
                       filters=[lambda value: value.strip() if isinstance(value, str) else value])
    submit = SubmitField(_l("Name as region admin"))

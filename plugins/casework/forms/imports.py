"""Forms of the registry import: the upload, the column mapping, the confirmation."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, SelectField

from portal.kit import Form, parse_id


class UploadForm(Form):
    file = FileField(_l("Spreadsheet (CSV or XLSX)"), validators=[FileRequired(_l("Choose the file to import."))])
    service = SelectField(_l("Records go to"), coerce=lambda v: parse_id(v) or 0, validate_choice=False)


class ConfirmImportForm(Form):
    include_duplicates = BooleanField(_l("Also import the rows marked as likely duplicates"))


def mapping_form(headers: list[str], choices: list[tuple[str, str]], mapping: list[str], formdata=None):
    """One select per column of the file, named ``column_<n>``, preset to the mapping."""

    class MappingForm(Form):
        pass

    for number, header in enumerate(headers):
        label = header or _l("Column %(number)s", number=number + 1)
        setattr(MappingForm, f"column_{number}", SelectField(label, choices=choices))
    form = MappingForm(formdata=formdata)
    if formdata is None:
        for number, name in enumerate(mapping):
            if f"column_{number}" in form:
                form[f"column_{number}"].data = name
    return form

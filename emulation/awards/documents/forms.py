"""Forms of the document templates page (organisers of the issuing unit)."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, StringField
from wtforms.validators import Length, Optional

from emulation.core.forms import Form


class TemplateForm(Form):
    file = FileField(_l("New template (.docx)"),
                     validators=[FileRequired(message=_l("Choose a file."))])


class LetterheadForm(Form):
    version = HiddenField()
    place_name = StringField(_l("Place name before the date"),
                             validators=[Optional(), Length(max=100)])
    letterhead = StringField(_l("Governing body printed above the unit's name"),
                             validators=[Optional(), Length(max=255)])
    sign_for = StringField(_l("Signing authority (e.g. TM. BAN THƯỜNG VỤ)"),
                           validators=[Optional(), Length(max=150)])
    signer_title = StringField(_l("Title of the signer (e.g. CHỦ TỊCH)"),
                               validators=[Optional(), Length(max=150)])

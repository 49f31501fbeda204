"""Forms of the certificate settings: the style of an award type, its emblem, and the
calibration of a printer (offsets in mm, one pair per field)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import HiddenField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from emulation.awards.certificates.enums import CertificateField, CertificateMode
from emulation.awards.certificates.models import MAX_OFFSET_MM
from emulation.core.forms import DecimalField, Form, NumberRange


class StyleForm(Form):
    mode = SelectField(_l("How the certificates are printed"),
                       choices=CertificateMode.choices(), validators=[DataRequired()])
    heading = StringField(_l("Heading of the design (empty: the form, e.g. “Bằng khen”, "
                             "or the award's name)"),
                          validators=[Optional(), Length(max=120)])
    version = HiddenField()


class EmblemForm(Form):
    emblem = FileField(_l("Emblem image (PNG or JPEG, at most 2 MB)"), validators=[
        FileRequired(message=_l("Choose a file.")),
        FileAllowed(["png", "jpg", "jpeg"], message=_l("The emblem must be a PNG or JPEG "
                                                       "image."))])


def _offset_field(label):
    return DecimalField(label, places=1, signed=True, default=0,
                        validators=[Optional(), NumberRange(-MAX_OFFSET_MM, MAX_OFFSET_MM)])


class LayoutForm(Form):
    """A printer's calibration; the offset fields are `<field>_dx` and `<field>_dy`."""

    printer = StringField(_l("Printer"), validators=[DataRequired(), Length(max=100)])
    # whose printer: one of the user's organisations (a choice only when they have several)
    organisation = SelectField(_l("Organisation"), coerce=int, choices=[],
                               validate_choice=False, validators=[Optional()])
    version = HiddenField()
    subject_dx = _offset_field(_l("Name: right (mm)"))
    subject_dy = _offset_field(_l("Name: down (mm)"))
    unit_dx = _offset_field(_l("Unit: right (mm)"))
    unit_dy = _offset_field(_l("Unit: down (mm)"))
    award_dx = _offset_field(_l("Award: right (mm)"))
    award_dy = _offset_field(_l("Award: down (mm)"))
    decision_dx = _offset_field(_l("Decision number and date: right (mm)"))
    decision_dy = _offset_field(_l("Decision number and date: down (mm)"))
    date_dx = _offset_field(_l("Date in words: right (mm)"))
    date_dy = _offset_field(_l("Date in words: down (mm)"))
    signer_dx = _offset_field(_l("Signer: right (mm)"))
    signer_dy = _offset_field(_l("Signer: down (mm)"))

    def offsets(self) -> dict:
        return {name: (getattr(self, f"{name}_dx").data or 0,
                       getattr(self, f"{name}_dy").data or 0)
                for name in CertificateField.values()}

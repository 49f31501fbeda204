"""Forms of decisions and objections. The templates write their fields by hand (same names)."""
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from wtforms import RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from emulation.core.forms import DateField, Form


class DecisionForm(Form):
    """A draft decision; the nominations it grants are the checked `nomination` boxes."""

    unit_code = StringField(lazy_pgettext("decision", "Issuing unit"), validators=[DataRequired(),
                                                                  Length(max=40)])
    number = StringField(_l("Decision number"), validators=[Optional(), Length(max=60)])
    signed_on = DateField(_l("Signing date"), validators=[InputRequired()])
    signer = StringField(_l("Signer"), validators=[Optional(), Length(max=255)])


class ObjectionForm(Form):
    text = TextAreaField(_l("Objection"), validators=[Optional(), Length(max=10000)])


class ResolutionForm(Form):
    upheld = RadioField(_l("Resolution"), choices=[("1", _l("Upheld")), ("0", _l("Dismissed"))],
                        validate_choice=False)
    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=5000)])

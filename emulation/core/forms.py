"""The base of every form: WTForms' own messages translated through our catalogue.

WTForms ships no Vietnamese catalogue, so its built-in messages ("This field is required.")
are listed below for extraction and translated in `emulation/translations/vi`.
"""
from __future__ import annotations

from flask_babel import get_translations
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired


class _CatalogueTranslations:
    """What WTForms asks of a translations object, answered by Flask-Babel's catalogue."""

    def gettext(self, string: str) -> str:
        return get_translations().gettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return get_translations().ngettext(singular, plural, n)


class Form(FlaskForm):
    class Meta(FlaskForm.Meta):
        def get_translations(self, form):
            return _CatalogueTranslations()


class AttachmentForm(Form):
    """One uploaded file (tệp đính kèm, minh chứng): campaigns, reports, nominations."""

    file = FileField(_l("File"), validators=[FileRequired(message=_l("Choose a file."))])


def _wtforms_messages(_, ngettext):  # pragma: no cover - read by the message extractor only
    _("This field is required.")
    _("Not a valid date value.")
    _("Not a valid choice.")
    _("Invalid input.")
    _("Invalid email address.")
    _("Field must be equal to %(other_name)s.")
    _("Not a valid integer value.")
    _("Not a valid decimal value.")
    _("Number must be between %(min)s and %(max)s.")
    _("Number must be at least %(min)s.")
    _("Number must be at most %(max)s.")
    _("Field must be between %(min)d and %(max)d characters long.")
    ngettext("Field must be at least %(min)d character long.",
             "Field must be at least %(min)d characters long.", 1)
    ngettext("Field cannot be longer than %(max)d character.",
             "Field cannot be longer than %(max)d characters.", 1)
    ngettext("Field must be exactly %(max)d character long.",
             "Field must be exactly %(max)d characters long.", 1)

"""The base of every form: WTForms' own messages translated through our catalogue, and the
fields every form uses for numbers and dates.

WTForms ships no Vietnamese catalogue, so its built-in messages ("This field is required.")
are listed below for extraction and translated in `emulation/translations/vi`.

No input is a server error: every text field refuses the characters no text keeps
(`core.text.has_unstorable`), numbers are ASCII digits with the reader's separators and no
more decimals than their column holds, dates lie between DATE_MIN and DATE_MAX.
"""
from __future__ import annotations

import re
from datetime import date

import markupsafe
import wtforms
from flask_babel import format_decimal, get_locale, get_translations
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms.validators import StopValidation, ValidationError

from emulation.core.formatting import DATE_HINT, date_input_value, fmt_date
from emulation.core.numbers import NumberError, parse_number
from emulation.core.text import has_unstorable

DATE_MIN, DATE_MAX = date(1900, 1, 1), date(2100, 12, 31)
INT_MIN, INT_MAX = -(2**31), 2**31 - 1  # the database's integer
_INTEGER = re.compile(r"[+-]?[0-9]{1,10}", re.ASCII)
_DAY_FIRST = re.compile(r"([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{4})", re.ASCII)
_ISO = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})", re.ASCII)


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

        def bind_field(self, form, unbound_field, options):
            field = super().bind_field(form, unbound_field, options)
            if isinstance(field, wtforms.StringField):
                field.validators = [storable_text, *field.validators]
            return field


def storable_text(form, field) -> None:
    """Refuse NUL, other control characters, lone surrogates and noncharacters (U+FFFF…):
    no database column, Word or Excel file can hold them."""
    if any(has_unstorable(value) for value in field.raw_data or ()):
        raise StopValidation(_("This text contains a control character or an invalid "
                               "character. Remove it and try again."))


class _ReadFirst:
    """A value that could not be read is said so, and no other validator speaks: DataRequired
    would clear the reason and answer "This field is required" for `sNaN`. A blank value is
    not unreadable: Optional lets it through, DataRequired / InputRequired ask for it."""

    def pre_validate(self, form):
        raw = self.raw_data[0] if self.raw_data else ""
        blank = isinstance(raw, str) and not raw.strip()
        if self.process_errors and not blank:
            raise StopValidation()


class DateField(_ReadFirst, wtforms.DateField):
    """A date typed as dd/mm/yyyy (ISO yyyy-mm-dd is read too), between DATE_MIN and DATE_MAX:
    a year 1 or 9999 is a typing error and would overflow date arithmetic.

    A text input, never `type="date"`: a date input shows the browser's language's format
    (mm/dd/yyyy in an English browser), whatever the page's language is; a picker would need
    a script. The field shows its date as dd/mm/yyyy."""

    widget = wtforms.widgets.TextInput()

    def __init__(self, label=None, validators=None, **kwargs):
        # the ordinary keyboard: a phone's numeric keypad has no "/"
        kwargs["render_kw"] = {"placeholder": DATE_HINT, "autocomplete": "off",
                               **(kwargs.get("render_kw") or {})}
        super().__init__(label, validators, **kwargs)

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        text = valuelist[0] if isinstance(valuelist[0], str) else ""
        self.data = None
        if not text:
            return
        if not text.strip():  # Optional lets it through; a required date asks for it
            raise ValueError(self.gettext("This field is required."))
        self.data = parse_date(text)
        if self.data is None:
            raise ValueError(_("Enter the date as dd/mm/yyyy, for example 31/12/2026."))
        if not DATE_MIN <= self.data <= DATE_MAX:
            self.data = None
            raise ValueError(_("Enter a date between %(first)s and %(last)s.",
                               first=fmt_date(DATE_MIN), last=fmt_date(DATE_MAX)))

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return date_input_value(self.data)


def parse_date(text: str) -> date | None:
    """A date as people type it: `31/12/2026`, `1/5/1980`, `31-12-2026`, `31.12.2026`
    (day first, the Vietnamese order) or ISO `2026-12-31`; None when it is no real date."""
    text = (text or "").strip()
    match = _DAY_FIRST.fullmatch(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
    elif match := _ISO.fullmatch(text):
        year, month, day = (int(g) for g in match.groups())
    else:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


class IntegerField(_ReadFirst, wtforms.IntegerField):
    """A whole number in ASCII digits (not `١٠`, `１０` or `1_000`) that fits the database's
    integer; anything else is "Not a valid integer value"."""

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        text = valuelist[0].strip() if isinstance(valuelist[0], str) else ""
        number = int(text) if _INTEGER.fullmatch(text) else None
        if number is None or not INT_MIN <= number <= INT_MAX:
            self.data = None
            raise ValueError(self.gettext("Not a valid integer value."))
        self.data = number


class DecimalField(_ReadFirst, wtforms.DecimalField):
    """A decimal typed in the reader's locale (`12,5` in vi, `12.5` in en) and read by
    `core.numbers.parse_number`: ASCII digits, no exponent, NaN or infinity, and no more
    decimal places than `places` (the column's scale) — the exact value typed is checked,
    never a rounded one. Negative numbers only when `signed`.

    A text input with the decimal keypad, never `type="number"`: a browser shows nothing for
    a number input holding `0,3` (the value as Vietnamese writes it), so saving the page
    unchanged erased the stored value."""

    widget = wtforms.widgets.TextInput()

    def __init__(self, label=None, validators=None, places: int = 2, signed: bool = False,
                 **kwargs):
        kwargs["render_kw"] = {"inputmode": "decimal", **(kwargs.get("render_kw") or {})}
        super().__init__(label, validators, places=places, **kwargs)
        self.signed = signed

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        try:
            self.data = parse_number(valuelist[0], str(get_locale() or "vi"),
                                     places=self.places, signed=self.signed)
        except NumberError as err:
            self.data = None
            if err.places is not None:
                raise ValueError(_("At most %(n)d decimal places.", n=err.places)) from None
            if not self.signed and self._negative(valuelist[0]):
                raise ValueError(_("Enter zero or a positive number, not a negative one.")) \
                    from None
            raise ValueError(self.gettext("Not a valid decimal value.")) from None

    def _negative(self, text: str) -> bool:
        """Is `text` a well-formed negative number (refused as such, not as 'not a number')?"""
        try:
            value = parse_number(text, str(get_locale() or "vi"), places=self.places,
                                 signed=True)
        except NumberError:
            return False
        return value is not None and value < 0

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        return format_decimal(self.data, format="0." + "#" * self.places)


class LongSelect(wtforms.widgets.Select):
    """wtforms' Select for a long list of choices (hundreds of clusters): the same markup,
    each plain option (no `render_kw`) written by one f-string instead of `html_params` —
    about 4× less Python a page. Options with `render_kw` go the library's way."""

    @classmethod
    def render_option(cls, choice, **kwargs):
        if kwargs or choice.render_kw or isinstance(choice.value, bool):
            return super().render_option(choice, **kwargs)
        selected = "selected " if choice.selected else ""
        value = markupsafe.escape(choice.value)
        label = markupsafe.escape(choice.label or choice.value)
        return markupsafe.Markup(f'<option {selected}value="{value}">{label}</option>')


class NumberRange:
    """WTForms' NumberRange with its bounds written as the reader writes numbers (Babel):
    `1.000` in vi, never `1000` or `1E+3`; a year (`year=True`) is written without grouping
    (`2100`, not `2.100`)."""

    def __init__(self, min=None, max=None, year=False):
        self.min, self.max, self.year = min, max, year
        self.field_flags = {k: v for k, v in (("min", min), ("max", max)) if v is not None}

    def __call__(self, form, field):
        data = field.data
        if data is None or (self.min is not None and data < self.min) or (
                self.max is not None and data > self.max):
            low = self._format(self.min) if self.min is not None else None
            high = self._format(self.max) if self.max is not None else None
            if low is not None and high is not None:
                message = _("Number must be between %(min)s and %(max)s.", min=low, max=high)
            elif low is not None:
                message = _("Number must be at least %(min)s.", min=low)
            else:
                message = _("Number must be at most %(max)s.", max=high)
            raise ValidationError(message)

    def _format(self, value) -> str:
        return str(value) if self.year else format_decimal(value)


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

"""The request's language for the API's field errors: marshmallow and webargs write their
validation messages in English ("Must be greater than or equal to 1."); `translate` reads each
one back against the English templates below and gives it in the request's locale
("Phải lớn hơn hoặc bằng 1." in vi). A message no template matches stays as it is.

The templates are those of marshmallow 4 (fields, Schema, validators) and webargs, plus the
API's own English ones; tests/api/test_api_messages.py fails when marshmallow gains a message
this table lacks."""
from __future__ import annotations

import re
from functools import cache

from flask_babel import lazy_gettext as _l

_RANGE_OPS = {"greater than or equal to": "gte", "greater than": "gt",
              "less than or equal to": "lte", "less than": "lt"}

# English template ({name} a value) → its translation (%(name)s the same value)
TEMPLATES = {
    # Schema and every field
    "Missing data for required field.": _l("Missing data for required field."),
    "Field may not be null.": _l("Field may not be null."),
    "Invalid value.": _l("Invalid value."),
    "Invalid input type.": _l("Invalid input type."),
    "Invalid type.": _l("Invalid type."),
    "Invalid input.": _l("Invalid input."),
    "Unknown field.": _l("Unknown field."),
    "Not a valid string.": _l("Not a valid string."),
    "Not a valid utf-8 string.": _l("Not a valid UTF-8 string."),
    "Not a valid integer.": _l("Not a valid integer."),
    "Not a valid number.": _l("Not a valid number."),
    "Number too large.": _l("Number too large."),
    "Special numeric values (nan or infinity) are not permitted.":
        _l("Special numeric values (NaN or infinity) are not permitted."),
    "Not a valid boolean.": _l("Not a valid boolean (true or false)."),
    "Not a valid date.": _l("Not a valid date (YYYY-MM-DD)."),
    "Not a valid datetime.": _l("Not a valid date and time (ISO 8601)."),
    "Not a valid time.": _l("Not a valid time (HH:MM:SS)."),
    "Not a valid naive datetime.": _l("Not a valid date and time without a time zone."),
    "Not a valid aware datetime.": _l("Not a valid date and time with a time zone."),
    "Not a valid naive time.": _l("Not a valid time without a time zone."),
    "Not a valid aware time.": _l("Not a valid time with a time zone."),
    '"{input}" cannot be formatted as a date.': _l("“%(input)s” cannot be written as a date."),
    '"{input}" cannot be formatted as a datetime.':
        _l("“%(input)s” cannot be written as a date and time."),
    '"{input}" cannot be formatted as a time.': _l("“%(input)s” cannot be written as a time."),
    "{input} cannot be formatted as a timedelta.":
        _l("%(input)s cannot be written as a length of time."),
    "Not a valid period of time.": _l("Not a valid length of time."),
    "Not a valid list.": _l("Not a valid list."),
    "Not a valid tuple.": _l("Not a valid tuple."),
    "Not a valid mapping type.": _l("Not a valid object (mapping)."),
    "Not a valid UUID.": _l("Not a valid UUID."),
    "Not a valid URL.": _l("Not a valid URL."),
    "Not a valid email address.": _l("Not a valid email address."),
    "Not a valid IP address.": _l("Not a valid IP address."),
    "Not a valid IPv4 address.": _l("Not a valid IPv4 address."),
    "Not a valid IPv6 address.": _l("Not a valid IPv6 address."),
    "Not a valid IP interface.": _l("Not a valid IP interface."),
    "Not a valid IPv4 interface.": _l("Not a valid IPv4 interface."),
    "Not a valid IPv6 interface.": _l("Not a valid IPv6 interface."),
    # validators
    "Must be greater than or equal to {min}.": _l("Must be greater than or equal to %(min)s."),
    "Must be greater than {min}.": _l("Must be greater than %(min)s."),
    "Must be less than or equal to {max}.": _l("Must be less than or equal to %(max)s."),
    "Must be less than {max}.": _l("Must be less than %(max)s."),
    "Must be greater than or equal to {min} and less than or equal to {max}.":
        _l("Must be greater than or equal to %(min)s and less than or equal to %(max)s."),
    "Must be greater than or equal to {min} and less than {max}.":
        _l("Must be greater than or equal to %(min)s and less than %(max)s."),
    "Must be greater than {min} and less than or equal to {max}.":
        _l("Must be greater than %(min)s and less than or equal to %(max)s."),
    "Must be greater than {min} and less than {max}.":
        _l("Must be greater than %(min)s and less than %(max)s."),
    "Shorter than minimum length {min}.": _l("Shorter than the minimum length %(min)s."),
    "Longer than maximum length {max}.": _l("Longer than the maximum length %(max)s."),
    "Length must be between {min} and {max}.": _l("Length must be between %(min)s and %(max)s."),
    "Length must be {equal}.": _l("Length must be %(equal)s."),
    "Must be equal to {other}.": _l("Must be equal to %(other)s."),
    "String does not match expected pattern.": _l("Does not match the expected pattern."),
    "Must be one of: {choices}.": _l("Must be one of: %(choices)s."),
    "One or more of the choices you made was not in: {choices}.":
        _l("One or more of the choices is not among: %(choices)s."),
    "One or more of the choices you made was in: {values}.":
        _l("One or more of the choices is among the refused: %(values)s."),
    # webargs and the API's own
    "Invalid JSON body.": _l("Invalid JSON body."),
    "Must not be blank.": _l("Must not be blank."),
    "Contains a control character or an invalid character.":
        _l("Contains a control character or an invalid character."),
}


@cache
def _patterns() -> list[tuple[re.Pattern, str]]:
    """Each template as a whole-message pattern, the longest first (so "… {min} and … {max}."
    is tried before "… {min}.")."""
    out = []
    for english in sorted(TEMPLATES, key=len, reverse=True):
        pattern = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>.+?)", re.escape(english))
        out.append((re.compile(pattern, re.DOTALL), english))
    return out


def translate_message(message: str) -> str:
    """One English validation message in the request's locale, e.g. "Must be greater than or
    equal to 1." → "Phải lớn hơn hoặc bằng 1." (vi); an unknown one unchanged."""
    for pattern, english in _patterns():
        found = pattern.fullmatch(message)
        if found:
            return str(TEMPLATES[english]) % found.groupdict()
    return message


def translate(messages):
    """webargs' `messages` (nested dicts and lists of strings, keyed by location and field)
    with every string translated; the keys (field names) are kept."""
    if isinstance(messages, dict):
        return {key: translate(value) for key, value in messages.items()}
    if isinstance(messages, (list, tuple)):
        return [translate(value) for value in messages]
    if isinstance(messages, str):
        return translate_message(messages)
    return messages

"""The API's field errors (marshmallow, webargs) in the request's language
(emulation.core.validation_messages)."""
import inspect
import re

import marshmallow
import pytest
from marshmallow import fields, validate

from emulation.core.validation_messages import TEMPLATES, translate


@pytest.mark.parametrize("lang, page, per_page, status", [
    ("vi", "Phải lớn hơn hoặc bằng 1 và nhỏ hơn hoặc bằng 100000.",
     "Không phải số nguyên hợp lệ.", "Phải là một trong:"),
    ("en", "Must be greater than or equal to 1 and less than or equal to 100000.",
     "Not a valid integer.", "Must be one of:"),
])
def test_an_invalid_query_parameter_is_explained_in_the_request_language(
        client, token, lang, page, per_page, status):
    headers = {**token("admin"), "Accept-Language": lang}
    body = client.get("/api/v1/units?page=0&per_page=abc", headers=headers).get_json()
    assert body["status"] == 422
    assert body["errors"]["query"]["page"] == [page]
    assert body["errors"]["query"]["per_page"] == [per_page]
    body = client.get("/api/v1/campaigns?status=nope", headers=headers).get_json()
    assert body["errors"]["query"]["status"][0].startswith(status)


def test_an_unknown_message_and_the_field_names_are_kept(app):
    with app.test_request_context(headers={"Accept-Language": "vi"}):
        assert translate({"json": {"code": ["Something else."], "year": [
            "Must be less than 2200."]}}) == {
            "json": {"code": ["Something else."], "year": ["Phải nhỏ hơn 2200."]}}


def _marshmallow_messages() -> set[str]:
    """Every English message marshmallow's fields, Schema and validators may write, with
    their placeholders in `{name}` form."""
    found = set(marshmallow.Schema._default_error_messages.values())
    for _name, cls in inspect.getmembers(fields, inspect.isclass):
        for klass in cls.__mro__:
            found.update(getattr(klass, "default_error_messages", {}).values())
    for _name, cls in inspect.getmembers(validate, inspect.isclass):
        for attr in ("default_message", "message_min", "message_max", "message_all",
                     "message_equal"):
            text = getattr(cls, attr, None)
            if isinstance(text, str):
                found.add(text)
    expanded = set()
    for text in found:  # Range's operators, DateTime's types, repr placeholders
        text = text.replace("{input!r}", "{input}")
        if "{min_op}" in text or "{max_op}" in text:
            for lo in ("greater than or equal to", "greater than"):
                for hi in ("less than or equal to", "less than"):
                    expanded.add(text.format(min_op=lo, max_op=hi))
        elif "{obj_type}" in text:
            for kind in ("date", "datetime", "time"):
                for awareness in ("naive", "aware"):
                    expanded.add(re.sub(r"\{awareness\}", awareness,
                                        text.replace("{obj_type}", kind)))
                if "{awareness}" not in text:
                    expanded.add(text.replace("{obj_type}", kind))
        else:
            expanded.add(text)
    return {t for t in expanded if "aware date" not in t and "naive date." not in t}


def test_every_marshmallow_message_has_a_translation():
    missing = _marshmallow_messages() - set(TEMPLATES)
    assert not missing, sorted(missing)

"""One message id, one meaning (issue 16): an English id used in two places may need two
Vietnamese words ("Record" a bonus is "Ghi nhận", an audit "Record" is "Bản ghi").

Every id used in more than one place was read in each place and listed in
`reviewed_message_ids.txt` when it means the same everywhere; the others carry a context
(`pgettext("verb", "Record")`). A new id used twice fails here until someone does the same:
add it to the list if it means one thing, or give the uses contexts.
"""
from __future__ import annotations

from collections import defaultdict
from functools import cache
from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po
from flask_babel import force_locale

ROOT = Path(__file__).resolve().parent.parent
REVIEWED = Path(__file__).with_name("reviewed_message_ids.txt")
METHOD_MAP = [("emulation/**.py", "python"), ("templates/**.html", "jinja2")]
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None,
            "lazy_pgettext": ((1, "c"), 2)}


@cache
def source_messages() -> dict[tuple[str | None, str], list[str]]:
    """(context, id) → the places ("path:line") where the source uses it."""
    places = defaultdict(list)
    for path, line, message, _comments, context in extract_from_dir(
            str(ROOT), method_map=METHOD_MAP, keywords=KEYWORDS):
        msgid = message[0] if isinstance(message, tuple) else message
        places[(context, msgid)].append(f"{path}:{line}")
    return places


def reviewed() -> set[str]:
    """The list's lines: an id, or `context<TAB>id`; `#` starts a comment line."""
    lines = REVIEWED.read_text(encoding="utf-8").splitlines()
    return {line.replace("\\n", "\n") for line in lines if line and not line.startswith("#")}


def key(context: str | None, msgid: str) -> str:
    return f"{context}\t{msgid}" if context else msgid


def test_every_id_used_in_several_places_was_reviewed_as_one_meaning():
    listed = reviewed()
    unreviewed = {key(*k): v for k, v in source_messages().items()
                  if len(v) > 1 and key(*k) not in listed}
    assert not unreviewed, (
        "These message ids are used in several places. Read each place: if the meaning is "
        "the same, add the id to tests/reviewed_message_ids.txt; if not, give each use a "
        f"context with pgettext / lazy_pgettext. {unreviewed}")


def test_every_id_in_context_has_its_own_vi_translation():
    with open(ROOT / "emulation/translations/vi/LC_MESSAGES/messages.po", "rb") as f:
        catalogue = read_po(f, locale="vi")
    contexts = [k for k in source_messages() if k[0]]
    assert contexts, "the source uses message contexts"
    missing = [k for k in contexts
               if not (m := catalogue.get(k[1], context=k[0])) or not m.string or m.fuzzy]
    assert not missing, f"run `make extract-translations` and translate: {missing}"


def test_the_split_ids_read_differently_in_vietnamese(app):
    """The uses that issue 16 found wrong now read as what they are."""
    from flask_babel import gettext, pgettext
    with app.test_request_context(), force_locale("vi"):
        pairs = [(pgettext("state change", "From"), gettext("From")),
                 (pgettext("publication period", "Published"), gettext("Published")),
                 (pgettext("decision", "Issuing unit"), gettext("Issuing unit")),
                 (pgettext("appoint a scorer", "Name"), gettext("Name")),
                 (pgettext("verb", "Record"), gettext("Record")),
                 (pgettext("objection", "Open"), gettext("Open")),
                 (pgettext("access token", "Revoke"), gettext("Revoke"))]
        for in_context, plain in pairs:
            assert in_context != plain, in_context
        assert gettext("Level") != gettext("Decided by") != gettext("Issuing authority")
        template = app.jinja_env.from_string(
            '{{ pgettext("verb", "Record") }}|{{ _("Record") }}')  # Flask-Babel's Jinja pgettext
        assert template.render() == "Ghi nhận|Bản ghi"


def test_labels_of_one_form_read_differently_in_vietnamese(app):
    """Two fields of one form never share a Vietnamese label (the award form showed
    "Cấp quyết định" for both its level and who decides)."""
    import importlib
    import pkgutil

    import wtforms

    import emulation
    forms = []
    for info in pkgutil.walk_packages(emulation.__path__, "emulation."):
        if info.name.endswith(".forms"):
            module = importlib.import_module(info.name)
            forms += [v for v in vars(module).values() if isinstance(v, type)
                      and issubclass(v, wtforms.Form) and v.__module__ == module.__name__]
    assert len(forms) > 20
    clashes = []
    with app.test_request_context(), force_locale("vi"):
        for form in forms:
            seen = {}
            for name in dir(form):
                field = getattr(form, name, None)
                if not isinstance(field, wtforms.fields.core.UnboundField):
                    continue
                label = field.kwargs.get("label", field.args[0] if field.args else None)
                if label is None:
                    continue
                text = str(label)
                if text in seen and seen[text][1] != getattr(label, "_args", None):
                    clashes.append((form.__name__, seen[text][0], name, text))
                seen[text] = (name, getattr(label, "_args", None))
    assert not clashes, clashes


def test_headers_of_one_export_sheet_read_differently_in_vietnamese(app):
    """Two columns of one exported sheet never share a Vietnamese header (the catalogue's
    export had "Cấp quyết định" over two columns)."""
    import importlib
    import pkgutil

    import emulation
    lists = []
    for info in pkgutil.walk_packages(emulation.__path__, "emulation."):
        if info.name.endswith(".exports"):
            module = importlib.import_module(info.name)
            lists += [(f"{info.name}.{k}", v) for k, v in vars(module).items()
                      if k.endswith("HEADERS") and isinstance(v, list)]
    assert len(lists) > 5
    with app.test_request_context(), force_locale("vi"):
        clashes = [(name, [str(h) for h in headers]) for name, headers in lists
                   if len({str(h) for h in headers}) < len(headers)]
    assert not clashes, clashes

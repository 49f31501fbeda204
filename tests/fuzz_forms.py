"""The forms of a page, read from its HTML as a browser would submit them: each form's method,
action and fields with the values the page filled in (the fuzzer's starting point)."""
from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Field:
    name: str
    kind: str  # text, textarea, select, checkbox, radio, hidden, file, password, number, date…
    values: list[str] = field(default_factory=list)


@dataclass
class PageForm:
    method: str
    action: str
    fields: dict[str, Field] = field(default_factory=dict)

    def baseline(self) -> dict[str, list[str]]:
        """What submitting the form untouched sends (file inputs send nothing)."""
        return {f.name: list(f.values) for f in self.fields.values()
                if f.kind != "file" and f.values}

    @property
    def key(self) -> tuple:
        return (self.method, self.action.split("?")[0], tuple(sorted(self.fields)))


def forms_of(html: str, page_url: str) -> list[PageForm]:
    parser = _FormParser(page_url)
    parser.feed(html)
    return parser.forms


class _FormParser(HTMLParser):
    def __init__(self, page_url: str):
        super().__init__(convert_charrefs=True)
        self.page_url, self.forms = page_url, []
        self._form: PageForm | None = None
        self._select: Field | None = None
        self._option: tuple[str, bool] | None = None
        self._first_option: str | None = None
        self._textarea: Field | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            self._form = PageForm((a.get("method") or "get").lower(),
                                  a.get("action") or self.page_url)
            self.forms.append(self._form)
            return
        if self._form is None or a.get("name") is None or "disabled" in a:
            if tag == "option" and self._select is not None:
                self._option_start(a)
            return
        name = a["name"]
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset"):
                if kind == "submit" and a.get("value"):  # a named submit button sends its value
                    self._add(name, "submit", [a["value"]], first_only=True)
                return
            if kind in ("checkbox", "radio"):
                self._add(name, kind, [a.get("value", "on")] if "checked" in a else [])
            else:
                self._add(name, kind, [a.get("value", "")])
        elif tag == "textarea":
            self._textarea = self._add(name, "textarea", [""])
        elif tag == "select":
            self._select = self._add(name, "select", [])
            self._first_option = None
        elif tag == "button" and a.get("type", "submit") == "submit" and a.get("value"):
            self._add(name, "submit", [a["value"]], first_only=True)
        elif tag == "option" and self._select is not None:
            self._option_start(a)

    def _option_start(self, a):
        value = a.get("value", "")
        if self._first_option is None:
            self._first_option = value
        if "selected" in a:
            self._select.values.append(value)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None:
            if not self._select.values and self._first_option is not None:
                self._select.values.append(self._first_option)
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.values[0] += data

    def _add(self, name, kind, values, first_only=False) -> Field:
        existing = self._form.fields.get(name)
        if existing is None:
            existing = self._form.fields[name] = Field(name, kind, list(values))
        elif not (first_only and existing.values):
            existing.values.extend(values)
        return existing

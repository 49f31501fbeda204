"""Rendering a `.docx` template (docxtpl) and checking one before it is accepted. No Flask and
no database: the caller gives the template's bytes and the context.

Templates come from users, so Jinja runs sandboxed (no attribute tricks reach Python), with
every value XML-escaped and an unknown variable an error rather than an empty string."""
from __future__ import annotations

import io

from docx import Document
from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment, SecurityError

from emulation.core.uploads import zip_member_names

_MAX_UNZIPPED = 50 * 1024 * 1024


class TemplateRefused(Exception):
    """A template that cannot be used; `reason` is the kind of fault, `detail` its words
    from Jinja or the parser (untranslated), `line` the text around a syntax error."""

    def __init__(self, reason: str, detail: str = "", line: str = ""):
        super().__init__(reason, detail)
        self.reason, self.detail, self.line = reason, detail, line


def render(template: bytes, context: dict) -> bytes:
    """The document rendered from the template's bytes and the context."""
    document = DocxTemplate(io.BytesIO(template))
    document.render(context, _environment())
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def check(template: bytes, sample: dict) -> None:
    """Raise TemplateRefused when the bytes are not a Word document, when its Jinja tags do
    not parse, or when rendering a sample context fails (an unknown variable, a forbidden
    operation) or gives a document Word could not open."""
    if not _is_docx(template):
        raise TemplateRefused("not_docx")
    try:
        Document(io.BytesIO(template))
    except Exception as exc:  # python-docx raises many kinds for damaged files
        raise TemplateRefused("not_docx", str(exc)) from exc
    try:
        rendered = render(template, sample)
    except TemplateSyntaxError as exc:
        context = " ".join(t.strip() for t in getattr(exc, "docx_context", []) if t.strip())
        raise TemplateRefused("syntax", exc.message or str(exc), context[:300]) from exc
    except UndefinedError as exc:
        raise TemplateRefused("undefined", exc.message or str(exc)) from exc
    except SecurityError as exc:
        raise TemplateRefused("forbidden", str(exc)) from exc
    except TemplateError as exc:
        raise TemplateRefused("render", exc.message or str(exc)) from exc
    except Exception as exc:  # a filter or loop on the wrong type: the same refusal
        raise TemplateRefused("render", str(exc)) from exc
    try:
        Document(io.BytesIO(rendered))
    except Exception as exc:
        raise TemplateRefused("broken_output", str(exc)) from exc


def plain_text(document: bytes) -> str:
    """Every paragraph and table cell of a document, one per line (for tests and search)."""
    doc = Document(io.BytesIO(document))
    lines = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            lines.extend(cell.text for cell in row.cells)
    return "\n".join(lines)


def _environment() -> SandboxedEnvironment:
    return SandboxedEnvironment(autoescape=True, undefined=StrictUndefined)


def _is_docx(data: bytes) -> bool:
    names = zip_member_names(data, _MAX_UNZIPPED)
    return names is not None and {"[Content_Types].xml", "word/document.xml"} <= names

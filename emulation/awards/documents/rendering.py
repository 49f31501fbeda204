"""Rendering a `.docx` template (docxtpl) and checking one before it is accepted. No Flask and
no database: the caller gives the template's bytes and the context.

Templates come from users, so Jinja runs sandboxed (no attribute tricks reach Python), with
every value XML-escaped and an unknown variable an error rather than an empty string."""
from __future__ import annotations

import functools
import io
import re

from docx import Document
from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, UndefinedError, nodes
from jinja2.environment import Template
from jinja2.sandbox import SandboxedEnvironment, SecurityError
from jinja2.utils import pass_environment

from emulation.core.uploads import zip_member_names

_MAX_UNZIPPED = 50 * 1024 * 1024

# Limits on one render (all parts of one document together), so that an uploaded template
# cannot pin a CPU or fill memory. A real certificate or decision is far below each.
MAX_RANGE = 10_000            # items in one range()
MAX_ITERATIONS = 200_000      # steps of every {% for %} loop together
MAX_SEQUENCE = 100_000        # length of a string or list made by `*`
MAX_EXPONENT = 100            # right side of `**`
MAX_OUTPUT = 20 * 1024 * 1024  # characters of rendered XML, all parts together
# Padding that would build a huge string before any output is counted: a width argument of
# a str method or filter, a width in a `%` or `{}` format.
_PADDING = frozenset({"center", "ljust", "rjust", "zfill", "expandtabs"})
_WIDE_PRINTF = re.compile(r"%[-+ #0]*(\*|\d{6,})|%[-+ #0]*\d*\.(\*|\d{6,})")
_WIDE_FORMAT = re.compile(r"\{[^{}]*:[^{}]*(\d{6,}|\{)")


class TemplateRefused(Exception):
    """A template that cannot be used; `reason` is the kind of fault, `detail` its words
    from Jinja or the parser (untranslated), `line` the text around a syntax error."""

    def __init__(self, reason: str, detail: str = "", line: str = ""):
        super().__init__(reason, detail)
        self.reason, self.detail, self.line = reason, detail, line


class TooLarge(SecurityError):
    """A render went past one of the limits above (a loop, a range, a `*`, a `**`, the
    output); a SecurityError so the sandbox's callers treat it as a refused operation."""


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
    except TooLarge as exc:
        raise TemplateRefused("too_large", str(exc)) from exc
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
    """A fresh environment for one render: its budget counts that render only."""
    return _BoundedEnvironment(autoescape=True, undefined=StrictUndefined)


class _BoundedTemplate(Template):
    """Renders piece by piece, counting the characters against the environment's budget, so
    a template that writes too much stops before its output is joined."""

    def render(self, *args, **kwargs) -> str:
        env = self.environment
        parts = []
        for piece in self.generate(*args, **kwargs):
            env.output += len(piece)
            if env.output > MAX_OUTPUT:
                raise TooLarge(f"output longer than {MAX_OUTPUT} characters")
            parts.append(piece)
        return "".join(parts)


class _BoundedEnvironment(SandboxedEnvironment):
    """Jinja's sandbox with limits on work: a smaller `range`, `*` and `**` checked before
    they run (`intercepted_binops` / `call_binop`), every for-loop counted (its iterable
    is passed through the `_counted` filter when the template is parsed), padding widths
    checked (str methods, `center`/`indent`/`format` filters, `%` and `{}` formats), and the
    output length counted by `_BoundedTemplate`. Going past a limit raises TooLarge."""

    intercepted_binops = frozenset({"*", "**", "%"})
    template_class = _BoundedTemplate

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.iterations = 0
        self.output = 0
        self.globals["range"] = _bounded_range
        self.filters["_counted"] = _counted
        for name in ("center", "indent", "format"):
            self.filters[name] = _width_checked(self.filters[name])

    def call(__self, __context, __obj, *args, **kwargs):
        target = getattr(__obj, "__wrapped__", __obj)  # str.format comes wrapped
        owner = getattr(target, "__self__", None)
        if isinstance(owner, str):
            name = getattr(target, "__name__", "")
            if name in ("format", "format_map") and _WIDE_FORMAT.search(owner):
                raise TooLarge("a format width beyond the limit")
            if name in _PADDING:
                _check_widths(args, kwargs)
        return super().call(__context, __obj, *args, **kwargs)

    def call_binop(self, context, operator, left, right):
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                if isinstance(seq, (str, bytes, list, tuple)) and isinstance(times, int) \
                        and len(seq) * max(times, 0) > MAX_SEQUENCE:
                    raise TooLarge(f"a repeated text or list longer than {MAX_SEQUENCE}")
        if operator == "%" and isinstance(left, str) and _WIDE_PRINTF.search(left):
            raise TooLarge("a format width beyond the limit")
        if operator == "**" and isinstance(right, (int, float)) and abs(right) > MAX_EXPONENT:
            raise TooLarge(f"a power above {MAX_EXPONENT}")
        return super().call_binop(context, operator, left, right)

    def _parse(self, source, name, filename):
        tree = super()._parse(source, name, filename)
        for loop in tree.find_all(nodes.For):
            loop.iter = nodes.Filter(loop.iter, "_counted", [], [], None, None,
                                     lineno=loop.iter.lineno)
        return tree


def _check_widths(args, kwargs) -> None:
    for value in (*args, *kwargs.values()):
        if isinstance(value, int) and abs(value) > MAX_SEQUENCE:
            raise TooLarge(f"a width above {MAX_SEQUENCE}")
        if isinstance(value, str) and _WIDE_PRINTF.search(value):
            raise TooLarge("a format width beyond the limit")


def _width_checked(jinja_filter):
    """A built-in filter whose width (or, for `format`, the pattern) is checked first."""
    @functools.wraps(jinja_filter)
    def checked(*args, **kwargs):
        _check_widths(args, kwargs)
        return jinja_filter(*args, **kwargs)
    return checked


def _bounded_range(*args: int) -> range:
    numbers = range(*args)
    if len(numbers) > MAX_RANGE:
        raise TooLarge(f"a range longer than {MAX_RANGE}")
    return numbers


@pass_environment
def _counted(env: _BoundedEnvironment, iterable):
    """The iterable's items, each counted against the render's loop budget."""
    for item in iterable:
        env.iterations += 1
        if env.iterations > MAX_ITERATIONS:
            raise TooLarge(f"loops ran more than {MAX_ITERATIONS} steps")
        yield item


def _is_docx(data: bytes) -> bool:
    names = zip_member_names(data, _MAX_UNZIPPED)
    return names is not None and {"[Content_Types].xml", "word/document.xml"} <= names

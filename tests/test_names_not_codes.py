"""Award names, not codes: every page a demo account reaches by following links, and every
spreadsheet and document those pages link to, shows no award type code (`TTLDTT`, `CSTD_BO`,
`CO_BO`, …) as a word of its visible text. Codes stay in URLs, form values and the API.

The exceptions are few and explicit: an element marked `data-award-code` (the catalogue's "Code"
column, the award page's heading, the code field's help) on the pages of ALLOWED_PAGES; in
spreadsheets, a column headed "Award code" (the records import format reads it back; lists put
it beside the name), and the "Code" column of the catalogue export."""
from __future__ import annotations

import io
import re
import zipfile
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import openpyxl
from sqlalchemy import select

from emulation.awards.catalogue.models import AwardType
from emulation.demo import DEMO_PASSWORD

ROLES = ["admin", "tochuc", "donvi1", "thuky", "hoidong1"]  # the viewers see a subset
# Pages where the award code is shown on purpose, in an element marked `data-award-code`.
ALLOWED_PAGES = (re.compile(r"^/awards/$"), re.compile(r"^/awards/[A-Za-z0-9_\-]+$"))
# Spreadsheet columns labelled as award codes, in any export (vi and en headers).
CODE_HEADERS = {"Mã khen thưởng", "Award code", "Mã khen thưởng so sánh", "Of award code"}
# The catalogue export's first column is the award type's code, headed "Code".
CATALOGUE_EXPORT, CATALOGUE_CODE_HEADERS = "/awards/export.xlsx", {"Mã", "Code"}
SKIP = ("/logout", "/api/", "/static/", "/language", "/sign-out", "/login")
PER_SHAPE = 1  # pages of one URL shape (digits replaced) visited per role
MAX_PAGES = 260


def test_no_award_code_where_its_name_belongs(demo):
    with demo.session() as session:
        codes = sorted(session.scalars(select(AwardType.code)), key=len, reverse=True)
    assert codes
    word = re.compile(r"(?<![\w\-/.])(" + "|".join(map(re.escape, codes)) + r")(?![\w\-/])")
    failures: dict[str, set[str]] = {}
    for role in ROLES:
        client = demo.app.test_client()
        response = client.post("/login", data={"username": role, "password": DEMO_PASSWORD})
        assert response.status_code == 302, role
        for url, found in _walk(client, word):
            failures.setdefault(url, set()).update(found)
    report = "\n".join(f"{url}: {', '.join(sorted(found))}"
                       for url, found in sorted(failures.items()))
    assert not failures, "award codes shown where their names belong:\n" + report


def test_the_check_sees_a_code_in_text_and_ignores_it_in_attributes():
    word = re.compile(r"(?<![\w\-/.])(CSTD_BO|LDTT)(?![\w\-/])")
    html = ('<p>Danh hiệu <b>CSTD_BO</b></p><a href="/awards/LDTT">Lao động tiên tiến</a>'
            '<option value="LDTT">Lao động tiên tiến</option><span data-award-code>LDTT</span>')
    assert _codes_in(_visible_text(html, allow_marked=False), word) == {"CSTD_BO", "LDTT"}
    assert _codes_in(_visible_text(html, allow_marked=True), word) == {"CSTD_BO"}
    assert _codes_in("CSTD_BO_2 /awards/LDTT LDTT-1", word) == set()


def _walk(client, word):
    """Breadth-first over the links of the role's pages, a few pages per URL shape."""
    seen, shapes = set(), {}
    queue = deque(["/"])
    pages = 0
    while queue and pages < MAX_PAGES:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        shape = re.sub(r"\d+", "N", url)
        if shapes.get(shape, 0) >= PER_SHAPE:
            continue
        shapes[shape] = shapes.get(shape, 0) + 1
        response = client.get(url, follow_redirects=True)
        pages += 1
        if response.status_code != 200:
            continue
        path = urlsplit(url).path
        kind = response.content_type or ""
        body = response.get_data()
        if "html" in kind:
            html = body.decode()
            allowed = any(p.match(path) for p in ALLOWED_PAGES)
            found = _codes_in(_visible_text(html, allow_marked=allowed), word)
            if found:
                yield url, found
            queue.extend(_links(html))
        elif body[:2] == b"PK":
            headers = CODE_HEADERS | (CATALOGUE_CODE_HEADERS if path == CATALOGUE_EXPORT
                                      else set())
            text = _xlsx_text(body, headers) if "sheet" in kind else _docx_text(body)
            found = _codes_in(text, word)
            if found:
                yield url, found


def _codes_in(text: str, word) -> set[str]:
    return set(word.findall(text))


def _links(html: str) -> list[str]:
    out = []
    for href in re.findall(r'href="([^"]+)"', html):
        href = urldefrag(href.replace("&amp;", "&"))[0]
        if href.startswith("/") and not href.startswith("//") and not href.startswith(SKIP):
            out.append(href)
    return out


class _Text(HTMLParser):
    VOID = {"br", "img", "input", "meta", "link", "hr", "area", "base", "col", "embed",
            "source", "track", "wbr"}

    def __init__(self, allow_marked: bool):
        super().__init__()
        self.allow_marked = allow_marked
        self.stack: list[tuple[str, bool]] = []
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        names = {k for k, _v in attrs}
        hidden = tag in ("script", "style", "template", "textarea") or (
            self.allow_marked and "data-award-code" in names)
        self.stack.append((tag, hidden))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        if not any(hidden for _t, hidden in self.stack):
            self.parts.append(data)


def _visible_text(html: str, *, allow_marked: bool) -> str:
    parser = _Text(allow_marked)
    parser.feed(html)
    return " ".join(parser.parts)


def _xlsx_text(body: bytes, code_headers: set[str]) -> str:
    wb = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
    parts = []
    for ws in wb.worksheets:
        ws.reset_dimensions()
        skip: set[int] = set()
        for i, row in enumerate(ws.iter_rows(values_only=True)):
            if i == 0:
                skip = {j for j, v in enumerate(row) if str(v or "").strip() in code_headers}
            parts.extend(str(v) for j, v in enumerate(row) if v is not None and j not in skip)
    return " ".join(parts)


def _docx_text(body: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(body)) as z:
        xml = z.read("word/document.xml").decode()
    return " ".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", xml))

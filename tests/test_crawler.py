"""A crawler: every route as every role, with real ids, ids of records the role may not see,
ids that do not exist and malformed query strings — never a server error. Every POST with
missing or malformed fields is refused with a 4xx and a message, and writes nothing."""
import re
import string

import pytest
from sqlalchemy import select

from emulation.api.services import create_token
from emulation.auth.models import User
from emulation.core.backup import fingerprint
from emulation.extensions import db
from tests.test_access_matrix import MATRIX, ROLES, probe_ids

MISSING = 2_147_483_000
MALFORMED_QUERY = ("?page=-3&per_page=abc&year=99999999999&q=%00%FF%27%22%3Cx%3E&"
                   "status=%E2%80%AE&unit=abc&state=..%2F..%2Fetc&person=1e9&kind=%0A&next=//x")
HUGE = "99999999999999999999"
OUT_OF_RANGE_QUERY = "?" + "&".join(f"{k}={HUGE}" for k in (
    "page", "per_page", "year", "unit", "parent", "person", "period", "object_id", "campaign"))
MALFORMED_FORM = {"version": "abc", "code": "\x00" * 3, "name": "x" * 70000,
                  "year": "năm", "unit_code": "'; DROP TABLE unit;--", "date": "31/02/2026",
                  "deadline": "2026-13-45", "max_points": "NaN", "weight": "-inf",
                  "member": ["x", "-1"], "role": "god", "action": "explode", "choice": "maybe",
                  "reason": "", "file": "not-a-file"}
# POSTs that succeed on purpose with an empty form: they carry no data to validate.
NO_FIELDS = {"main.set_language", "auth.logout", "notify.mark_read", "auth.sign_out_everywhere",
             "admin.user_sign_out", "admin.grant_remove", "campaigns.cluster_delete",
             "scoring.self_sheet", "awards.rule_delete", "refdata.base_salary_delete",
             "refdata.calendar_delete", "awards.certificate_layout_delete"}
# Tables that a refusal may touch: the audit log records refusals; tokens note their use.
BOOKKEEPING = {"audit_event", "api_token"}


def _business_state() -> dict:
    return {k: v for k, v in fingerprint().items() if k not in BOOKKEEPING}


def _ids_of_records(world, cworld, in_app) -> dict:
    with in_app():
        return probe_ids(world, cworld)


def _token(app, role):
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == role))
        secret = create_token(user, user, "crawler")[1] if user else "td_none"
        db.session.remove()
    return {"Authorization": f"Bearer {secret}"}


@pytest.mark.parametrize("role", ROLES)
def test_no_route_answers_a_server_error(role, world, cworld, login, in_app, app):
    real = _ids_of_records(world, cworld, in_app)
    missing = {key: MISSING for key in real}
    client = app.test_client() if role == "anonymous" else login(role)
    api = _token(app, role)
    failures = []
    for endpoint, (method, template, _allowed) in MATRIX.items():
        if method != "GET":
            continue
        headers = api if template.startswith("/api/") else {}
        for ids in (real, missing):
            url = template.format(**ids)
            for query in ("", MALFORMED_QUERY, OUT_OF_RANGE_QUERY):
                response = client.get(url + query, headers=headers)
                if response.status_code >= 500:
                    failures.append(f"{endpoint} {url}{query[:20]}: {response.status_code}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("role", ["admin", "tochuc", "donvi1", "thuky", "xem"])
def test_posts_with_missing_or_malformed_fields_are_refused_and_write_nothing(
        role, world, cworld, login, in_app, app):
    real = _ids_of_records(world, cworld, in_app)
    client = login(role)
    api = _token(app, role)
    with app.app_context():
        before = _business_state()
    failures = []
    for endpoint, (method, template, _allowed) in MATRIX.items():
        if method != "POST" or endpoint in NO_FIELDS:
            continue
        url = template.format(**real)
        for form in ({}, MALFORMED_FORM):
            if template.startswith("/api/"):
                response = client.post(url, json=form, headers=api)
            else:
                response = client.post(url, data=form)
            status = response.status_code
            if not 400 <= status < 500:
                failures.append(f"{endpoint}: {status} {response.headers.get('Location', '')}")
            elif not response.get_data(as_text=True).strip():
                failures.append(f"{endpoint}: {status} without a message")
    with app.app_context():
        after = _business_state()
    changed = sorted(t for t in before if before[t] != after[t])
    assert not failures, "\n".join(failures)
    assert not changed, f"tables written by refused posts: {changed}"


# --- the fuzzer ----------------------------------------------------------------------------
# Every form of every page a role can open, read from the page's HTML, is sent back with one
# field at a time replaced by each hostile value of tests/fuzz_values.py (file inputs get the
# damaged files); every API operation of the OpenAPI document gets the same values in each
# query parameter and body property, as strings and as raw JSON. Never a 5xx; a refusal is a
# 4xx with a message; when every value sent to a field was refused, nothing was written; at
# the end no table holds a character no field keeps. Forms that check a password (profile,
# reauthentication) are left to tests/auth: wrong guesses there lock the account.

FUZZ_ROLES = ["anonymous", "admin", "tochuc", "donvi1", "chamdiem", "hoidong1", "thuky", "xem"]
PASSWORD_CHECKS = {"/profile", "/reauth"}
RAW_JSON = ["9" * 5000, "-1", "-99999999999", "99999999999999999999", "1e400", "-1e400", "NaN",
            "Infinity", "1.5", "true", "null", "[]", "{}", '"\\ud800"', '"a\\u0000b"',
            '"\\uffff"']
DEEP_JSON = "[" * 10_000 + "]" * 10_000


def test_fuzz_every_form_field(world, cworld, login, in_app, app):
    """Each form twice over: every value in all its fields at once (every field meets every
    value), then each field alone with the values that reach past the form (the others keep
    plausible values, so that services see the hostile one)."""
    from tests.fuzz_forms import forms_of
    from tests.fuzz_values import DEEP, VALUES

    real = _ids_of_records(world, cworld, in_app)
    done, failures, sent = set(), [], 0
    for role in FUZZ_ROLES:
        client = app.test_client() if role == "anonymous" else login(role)
        for url in _html_pages(real):
            for form in _page_forms(client, url, forms_of):
                fields = [f for f in form.fields.values()
                          if f.name != "csrf_token" and f.kind != "submit"]
                if form.key in done or form.action in PASSWORD_CHECKS or not fields:
                    continue
                done.add(form.key)
                sent += _fuzz_fields(app, client, url, form, fields, VALUES, failures)
                for field in _one_per_pattern(fields):
                    sent += _fuzz_fields(app, client, url, form, [field], DEEP, failures)
    _assert_nothing_unstorable_was_kept(app, failures)
    assert sent > 3000 and len(done) > 80, (sent, len(done))
    assert not failures, "\n".join(failures[:60])


def test_fuzz_every_api_operation(world, cworld, in_app, app):
    from tests.fuzz_values import VALUES

    real = _ids_of_records(world, cworld, in_app)
    # every `{x_id}` of the API's paths takes the real record of the access matrix's `x`
    paths = {f"{name}_id": value for name, value in real.items()}
    paths["holiday_id"] = real["calendar_day"]
    client = app.test_client()
    paths["code"] = "KNC_CD"  # the award type of /award-types/{code}
    paths["kind"] = "appraisals"  # the import of /imports/{kind}
    spec = client.get("/api/v1/openapi.json").get_json()
    failures, operations = [], 0
    for role in ("admin",):  # every operation is open to the administrator
        headers = _token(app, role)
        for path, ops in spec["paths"].items():
            placeholders = {n for _t, n, _f, _c in string.Formatter().parse(path) if n}
            assert placeholders <= paths.keys(), f"no real record for {path}: add it to probe_ids"
            url = path.format(**paths)
            for method, op in ops.items():
                if method == "parameters":
                    continue
                operations += 1
                call = getattr(client, method)
                for param in op.get("parameters", []):
                    if param["in"] != "query":
                        continue
                    for value in VALUES:
                        response = call(url, query_string={param["name"]: value},
                                        headers=headers)
                        _check_api(response, f"{method} {url}?{param['name']}={value[:12]!r}",
                                   failures)
                schema = op.get("requestBody", {}).get("content", {}).get(
                    "application/json", {}).get("schema")
                if schema is None:
                    continue
                body = _example(spec, schema)
                for target in (DEEP_JSON, '"text"', "[1]", "\x00"):
                    response = call(url, data=target, headers={
                        **headers, "Content-Type": "application/json"})
                    _check_api(response, f"{method} {url} body {target[:10]!r}", failures,
                               refused=True)
                for location in _locations(body):
                    before = _business_state_in(app)
                    accepted = False
                    raws = [*(_json_string(v) for v in VALUES), *RAW_JSON]
                    for raw in raws:
                        response = call(url, data=_with_raw(body, location, raw), headers={
                            **headers, "Content-Type": "application/json"})
                        accepted |= response.status_code < 400
                        _check_api(response, f"{method} {url} {location}={raw[:12]!r}",
                                   failures)
                    if not accepted and _business_state_in(app) != before:
                        failures.append(f"{method} {url} {location}: refused but written")
    _assert_nothing_unstorable_was_kept(app, failures)
    assert operations >= 26, operations
    assert not failures, "\n".join(failures[:60])


def _one_per_pattern(fields):
    """One field of each name pattern: a pledge's `m12-target_value`, `m13-target_value`…
    are read by the same code, and a pledge form has a hundred of them."""
    seen = set()
    for field in fields:
        pattern = re.sub(r"[0-9]+", "#", field.name)
        if pattern not in seen:
            seen.add(pattern)
            yield field


def _html_pages(real) -> list[str]:
    """The pages of MATRIX that are HTML (not files, not the API)."""
    return [template.format(**real) for endpoint, (method, template, _a) in MATRIX.items()
            if method == "GET" and not template.startswith(("/api/", "/static/", "/jobs/"))
            and not template.endswith((".xlsx", ".docx", ".json")) and endpoint != "static"]


def _page_forms(client, url, forms_of):
    response = client.get(url)
    if response.status_code != 200 or "html" not in response.content_type:
        return []
    return forms_of(response.get_data(as_text=True), url)


def _fuzz_fields(app, client, url, form, fields, values, failures) -> int:
    """Send `form` once per hostile value, put in each of `fields` (damaged files in a file
    input); the other fields keep the page's values, or plausible ones where it left them
    empty. Returns the number of requests."""
    import io

    from tests.fuzz_values import damaged_files

    files = damaged_files() if any(f.kind == "file" for f in fields) else {}
    before, accepted, sent = _business_state_in(app), False, 0
    baseline = _filled(form)
    for value in values if not files or len(fields) > 1 else files:
        data = {**baseline, **{f.name: [value] for f in fields if f.kind != "file"}}
        where = f"{form.method} {form.action} {'+'.join(f.name for f in fields)}={value[:12]!r}"
        if form.method == "get":
            response = client.get(form.action.split("?")[0], query_string=data)
        elif files:
            for f in fields:
                if f.kind == "file":
                    name = value if value in files else next(iter(files))
                    data[f.name] = [(io.BytesIO(files[name]), name)]
            response = client.post(form.action, data=data, content_type="multipart/form-data")
        else:
            response = client.post(form.action, data=data)
        sent += 1
        status = response.status_code
        if status >= 500:
            failures.append(f"{where}: {status}")
        elif 400 <= status < 500 and not response.get_data(as_text=True).strip():
            failures.append(f"{where}: {status} without a message")
        if status < 400 and form.method == "post":
            accepted = True
            baseline = _refreshed(client, url, form, baseline)
    # a refused login is counted on purpose (the lockout): the one write a refusal makes
    if form.method == "post" and not accepted and form.action != "/login" and \
            _business_state_in(app) != before:
        failures.append(f"post {form.action} {'+'.join(f.name for f in fields)}: refused but "
                        "written")
    return sent


# Values for fields the page leaves empty, so that the hostile value meets the deeper checks
# (services) and not only "this field is required".
PLAUSIBLE = {"email": "fuzz@example.vn", "number": "1", "date": "2026-12-01",
             "unit_code": "CS-1", "parent_code": "TOP", "issuing_unit_code": "TOP",
             "proposing_unit_code": "CS-1", "person_code": "NV-1", "username": "xem",
             "max_points": "10", "points": "1", "quorum_pct": "70", "max_pct": "10",
             "params": "{}", "of_code": "LDTT", "code": "FZ-1", "year_start": "2027"}


def _filled(form) -> dict[str, list[str]]:
    data = form.baseline()
    for f in form.fields.values():
        if f.kind in ("file", "submit", "checkbox", "radio", "hidden", "password"):
            continue
        if not any(v.strip() for v in data.get(f.name, [])):
            data[f.name] = [PLAUSIBLE.get(f.name) or PLAUSIBLE.get(f.kind) or "Fuzz"]
    return data


def _refreshed(client, url, form, baseline):
    """After an accepted value, the page's new values (a version moved on)."""
    from tests.fuzz_forms import forms_of

    for again in _page_forms(client, url, forms_of):
        if again.key == form.key:
            return {**baseline, **{k: v for k, v in again.baseline().items()
                                   if k in ("version", "csrf_token")}}
    return baseline


def _business_state_in(app) -> dict:
    with app.app_context():
        state = _business_state()
        db.session.remove()
    return state


def _assert_nothing_unstorable_was_kept(app, failures) -> None:
    from sqlalchemy import String, Text

    from emulation.core.text import has_unstorable

    with app.app_context():
        for table in db.metadata.sorted_tables:
            columns = [c for c in table.columns if isinstance(c.type, (String, Text))]
            for row in db.session.execute(select(*columns)) if columns else ():
                bad = [c.name for c, v in zip(columns, row, strict=True) if has_unstorable(v)]
                if bad:
                    failures.append(f"{table.name}.{bad[0]} holds an unstorable character")
        db.session.remove()


def _check_api(response, where, failures, refused=False) -> None:
    status = response.status_code
    if status >= 500 or (refused and status < 400):
        failures.append(f"{where}: {status}")
    elif 400 <= status < 500:
        problem = response.get_json(silent=True) or {}
        if not problem.get("detail"):
            failures.append(f"{where}: {status} without a problem detail")


def _example(spec, schema, depth=0):
    """A plausible value for an OpenAPI schema: the fuzzer's starting body."""
    if "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next(k for k in kind if k != "null")
    if kind == "object" or "properties" in schema:
        return {name: _example(spec, prop, depth + 1)
                for name, prop in schema.get("properties", {}).items()
                if not prop.get("readOnly")}
    if kind == "array":
        return [_example(spec, schema.get("items", {}), depth + 1)] if depth < 4 else []
    if kind == "integer":
        return max(1, schema.get("minimum", 1))
    if kind == "number":
        return 1
    if kind == "boolean":
        return False
    if schema.get("format") == "date":
        return "2026-01-01"
    if schema.get("format") == "decimal":
        return "1"
    if schema.get("format") == "email":
        return "fuzz@example.vn"
    return "Fuzz"


def _locations(value, path=()):
    """The path of every leaf of the body (into the first item of lists)."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _locations(item, (*path, key))
    elif isinstance(value, list) and value:
        yield from _locations(value[0], (*path, 0))
    else:
        yield path


MARK = "\u0001FUZZ\u0001"


def _with_raw(body, location, raw: str) -> str:
    """The body as JSON text with the leaf at `location` replaced by the raw JSON `raw`."""
    import copy
    import json

    changed = copy.deepcopy(body)
    node = changed
    for key in location[:-1]:
        node = node[key]
    node[location[-1]] = MARK
    return json.dumps(changed).replace(json.dumps(MARK), raw)


def _json_string(value: str) -> str:
    """`value` as a JSON string; a lone surrogate is written as its escape, as a client
    would send it."""
    import json

    return json.dumps(value)


# --- links that lead nowhere ------------------------------------------------------------------

LINK_ROLES = ["admin", "tochuc", "tochuc_hc", "donvi1", "donvi2", "thuky", "hoidong1", "xem"]
HREF = re.compile(r'<a\b[^>]*\bhref="(/[^"#]*)')
# files and spreadsheets (some start a job), the API and leaving the session are not pages
NOT_PAGES = re.compile(r"^/(?:static|api|jobs|logout)\b|\.(?:xlsx|docx|pdf|json|csv)(?:\?|$)"
                       r"|/attachments/|/evidence/|/files/")
PAGES_PER_ROLE = 320
URLS_PER_SHAPE = 2  # a list of 300 dossiers is 300 links of one shape: two of them tell


@pytest.mark.parametrize("role", LINK_ROLES)
def test_no_link_leads_to_a_refusal(demo, role):
    """Every in-page link a role is shown, followed from the home page on the demo data,
    opens: a link that answers 403 or 404 is a dead end (link only where the reader may go).
    Pages are followed breadth first, at most two addresses of each shape (digits and query
    left out), so that every kind of page is reached without opening every record."""
    from html import unescape

    from emulation.demo import DEMO_PASSWORD

    client = demo.app.test_client()
    assert client.post("/login", data={"username": role,
                                       "password": DEMO_PASSWORD}).status_code == 302
    queue, seen, shapes, dead = [("/", "login")], {"/"}, {}, []
    opened = 0
    while queue and opened < PAGES_PER_ROLE:
        url, source = queue.pop(0)
        response = client.get(url)
        opened += 1
        if response.status_code in (403, 404):
            dead.append(f"{source} → {url}: {response.status_code}")
            continue
        if response.status_code != 200 or "html" not in response.content_type:
            continue
        for href in HREF.findall(response.get_data(as_text=True)):
            href = unescape(href)
            if href in seen or NOT_PAGES.search(href):
                continue
            seen.add(href)
            shape = re.sub(r"[0-9]+", "#", href.split("?")[0])
            shapes[shape] = shapes.get(shape, 0) + 1
            if shapes[shape] <= URLS_PER_SHAPE:
                queue.append((href, url))
    assert opened > 15, opened
    assert not dead, "\n".join(dead)

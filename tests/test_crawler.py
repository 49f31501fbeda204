"""A crawler: every route as every role, with real ids, ids of records the role may not see,
ids that do not exist and malformed query strings — never a server error. Every POST with
missing or malformed fields is refused with a 4xx and a message, and writes nothing."""
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
             "refdata.calendar_delete"}
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

"""Every route × every role (and anonymous): who gets in, who is refused.

A route added without an entry here fails `test_every_route_has_an_entry`.
"""
import pytest
from sqlalchemy import select

from emulation.auth.models import RoleGrant, User
from emulation.extensions import db
from tests.factories import gen_user

ROLES = ["anonymous", "admin", "tochuc", "donvi1", "chamdiem", "hoidong1", "thuky", "xem"]
AUTHED = set(ROLES) - {"anonymous"}
EVERYONE = set(ROLES)
ADMIN = {"admin"}
UNIT_MANAGERS = {"admin", "tochuc"}
PEOPLE_MANAGERS = {"admin", "tochuc", "donvi1"}

# endpoint → (method, url template, who may use it). Anyone else: anonymous → login page,
# signed-in users → 403/404.
MATRIX = {
    "main.healthz": ("GET", "/healthz", EVERYONE),
    "main.index": ("GET", "/", AUTHED),
    "main.set_language": ("POST", "/language", EVERYONE),
    "static": ("GET", "/static/css/app.css", EVERYONE),
    "auth.login": ("GET", "/login", EVERYONE),
    "auth.logout": ("POST", "/logout", EVERYONE),
    "auth.profile": ("GET", "/profile", AUTHED),
    "auth.sign_out_everywhere": ("POST", "/profile/sign-out-everywhere", AUTHED),
    "admin.users": ("GET", "/admin/users/", ADMIN),
    "admin.user_create": ("GET", "/admin/users/new", ADMIN),
    "admin.user_detail": ("GET", "/admin/users/{user}", ADMIN),
    "admin.user_reset_password": ("POST", "/admin/users/{user}/password", ADMIN),
    "admin.user_set_active": ("POST", "/admin/users/{user}/active", ADMIN),
    "admin.user_sign_out": ("POST", "/admin/users/{user}/sign-out", ADMIN),
    "admin.grant_add": ("POST", "/admin/users/{user}/grants", ADMIN),
    "admin.grant_remove": ("POST", "/admin/grants/{grant}/delete", ADMIN),
    "admin.audit_log": ("GET", "/admin/audit/", ADMIN),
    "org.units": ("GET", "/units/", AUTHED),
    "org.unit_detail": ("GET", "/units/{unit}", AUTHED),
    "org.units_export": ("GET", "/units/export.xlsx", AUTHED),
    "org.unit_create": ("GET", "/units/new", UNIT_MANAGERS),
    "org.unit_edit": ("POST", "/units/{unit}/edit", UNIT_MANAGERS),
    "org.unit_move": ("POST", "/units/{unit}/move", UNIT_MANAGERS),
    "org.unit_set_active": ("POST", "/units/{unit}/active", UNIT_MANAGERS),
    "org.unit_delete": ("POST", "/units/{unit}/delete", UNIT_MANAGERS),
    "org.units_import": ("GET", "/units/import", UNIT_MANAGERS),
    "org.units_template": ("GET", "/units/import/template.xlsx", UNIT_MANAGERS),
    "org.people": ("GET", "/people/", PEOPLE_MANAGERS),
    "org.person_detail": ("GET", "/people/{person}", PEOPLE_MANAGERS),
    "org.person_create": ("GET", "/people/new", PEOPLE_MANAGERS),
    "org.person_edit": ("GET", "/people/{person}/edit", PEOPLE_MANAGERS),
    "org.person_set_active": ("POST", "/people/{person}/active", PEOPLE_MANAGERS),
    "org.people_import": ("GET", "/people/import", PEOPLE_MANAGERS),
    "org.people_template": ("GET", "/people/import/template.xlsx", PEOPLE_MANAGERS),
    "org.people_export": ("GET", "/people/export.xlsx", PEOPLE_MANAGERS),
}
# Sent with every POST: a stale version and no-op values, so nothing is changed by the probe.
PROBE_FORM = {"version": "-1", "active": "1"}


def test_every_route_has_an_entry(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints == set(MATRIX), (
        f"missing: {sorted(endpoints - set(MATRIX))}; stale: {sorted(set(MATRIX) - endpoints)}")
    for rule in app.url_map.iter_rules():
        method = MATRIX[rule.endpoint][0]
        assert method in rule.methods, rule.endpoint


@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(role, world, login, in_app, app):
    with in_app():
        target = gen_user("target", "viewer", _unit(world.top.id))
        ids = {"unit": world.unit1.id, "person": world.person1.id, "user": target.id,
               "grant": target.grants[0].id}
    failures = []
    for endpoint, (method, template, allowed) in MATRIX.items():
        client = app.test_client() if role == "anonymous" else login(role)
        url = template.format(**ids)
        if method == "GET":
            response = client.get(url)
        else:
            response = client.post(url, data=PROBE_FORM)
        status, location = response.status_code, response.headers.get("Location", "")
        sent_to_login = status == 302 and location.startswith("/login?next=")
        refused = status in (403, 404)
        if status >= 500:
            failures.append(f"{endpoint}: {status}")
        elif role in allowed and (sent_to_login or refused):
            failures.append(f"{endpoint}: allowed but got {status} {location}")
        elif role not in allowed and role == "anonymous" and not sent_to_login:
            failures.append(f"{endpoint}: anonymous not sent to login ({status})")
        elif role not in allowed and role != "anonymous" and not refused:
            failures.append(f"{endpoint}: should be refused, got {status}")
    assert not failures, failures
    with in_app() as session:
        # Only an admin's probe may remove the target's grant; no probe deactivates anyone.
        user = session.scalar(select(User).where(User.username == "target"))
        assert user.active
        grant_left = session.get(RoleGrant, ids["grant"]) is not None
        assert grant_left == (role != "admin")


def _unit(unit_id):
    from emulation.org.models import Unit

    return db.session.get(Unit, unit_id)

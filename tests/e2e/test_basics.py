"""In a real browser: the language switch, one refusal per role, and an accessibility scan."""
import pytest
from sqlalchemy import select


def test_language_switch(open_as, e2e_world):
    page = open_as(None)
    page.goto("/login")
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.get_by_role("heading", name="Đăng nhập").is_visible()
    page.get_by_role("button", name="English").click()
    assert page.get_by_role("heading", name="Log in").is_visible()
    assert page.locator("html").get_attribute("lang") == "en"
    page.goto("/login")  # the choice stays for the session, not just for one page
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", name="Log in").is_visible()
    page.get_by_role("button", name="Tiếng Việt").click()
    assert page.get_by_role("heading", name="Đăng nhập").is_visible()
    page.goto("/login")
    assert page.locator("html").get_attribute("lang") == "vi"


REFUSALS = [  # (user, a page of another role or another unit)
    ("donvi1", "/admin/users/"),
    ("donvi1", "/units/{unit2}"),
    ("xem", "/people/"),
    ("chamdiem", "/units/new"),
    ("hoidong1", "/admin/audit/"),
    ("thuky", "/people/{person1}"),
    ("tochuc_a", "/units/{unit2}"),
]


@pytest.mark.parametrize("username,path", REFUSALS)
def test_each_role_is_refused_elsewhere(open_as, e2e_world, live_app, username, path):
    page = open_as(username)
    path = path.format(unit2=e2e_world.unit2.id, person1=e2e_world.person1.id)
    response = page.goto(path)
    assert response.status in (403, 404)
    assert page.locator("h1").first.is_visible()  # a translated error page, not a traceback
    assert "Traceback" not in page.content()
    assert page.locator("#username").count() == 0  # still logged in: a refusal, not a logout
    if response.status == 403:  # an access denial is audited, with who and where
        assert any(summary.startswith(f"GET {path}")
                   for summary in _refusals_of(live_app, username)), path


def _refusals_of(live_app, username: str) -> list[str]:
    from emulation.core.audit import AuditEvent
    from emulation.extensions import db

    with live_app.app_context():
        summaries = db.session.scalars(select(AuditEvent.summary).where(
            AuditEvent.action == "access.denied", AuditEvent.actor_name == username)).all()
        db.session.remove()
    return summaries


MAIN_PAGES = ["/", "/campaigns/", "/units/", "/people/", "/nominations/", "/awards/",
              "/honours/", "/decisions/", "/admin/users/", "/profile", "/notifications/"]


def test_main_pages_have_no_serious_accessibility_violations(open_as, e2e_world):
    # imported here: without playwright this module still collects, and its tests skip
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    page = open_as("admin")
    problems = []
    for path in ["/login", *MAIN_PAGES]:
        if path == "/login":
            anonymous = open_as(None)
            anonymous.goto(path)
            results = axe.run(anonymous)
        else:
            page.goto(path)
            results = axe.run(page)
        for violation in results.response["violations"]:
            if violation["impact"] in ("serious", "critical"):
                problems.append(f"{path}: {violation['id']} ({violation['impact']}) "
                                f"{violation['nodes'][0]['target']}")
    assert not problems, "\n".join(problems)

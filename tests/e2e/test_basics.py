"""In a real browser: the language switch, one refusal per role, and an accessibility scan."""
import pytest


def test_language_switch(open_as, e2e_world):
    page = open_as(None)
    page.goto("/login")
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.get_by_role("heading", name="Đăng nhập").is_visible()
    page.get_by_role("button", name="English").click()
    assert page.get_by_role("heading", name="Log in").is_visible()
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_role("button", name="Tiếng Việt").click()
    assert page.get_by_role("heading", name="Đăng nhập").is_visible()


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
def test_each_role_is_refused_elsewhere(open_as, e2e_world, username, path):
    page = open_as(username)
    response = page.goto(path.format(unit2=e2e_world.unit2.id, person1=e2e_world.person1.id))
    assert response.status in (403, 404)
    assert page.locator("h1").first.is_visible()  # a translated error page, not a traceback
    assert "Traceback" not in page.content()


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

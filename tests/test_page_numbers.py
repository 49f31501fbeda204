"""Every HTML list refuses a page number it cannot show (`abc`, `0`, `-1`, 13 digits) with
a translated 400 saying what is accepted, instead of quietly showing page 1."""
import pytest

from tests.test_access_matrix import MATRIX, OFF, TOKEN, probe_ids

# The HTML lists that read `?page=` (core.web.page_arg): found by probing every GET route of
# the access matrix as admin, so a list added without the check fails this test.
LIST_PAGES = {
    "admin.users", "admin.audit_log", "org.units", "org.people", "campaigns.index",
    "campaigns.detail", "campaigns.cluster_detail", "notify.index", "notify.mail",
    "pledges.overview", "pledges.campaign_dashboard", "scoring.hub", "scoring.mine",
    "nominations.index", "decisions.index", "decisions.honours",
}
BAD = ("abc", "0", "-1", "9999999999999", "1.5", "²")


def _admin_get_routes(ids):
    for endpoint, (method, template, allowed) in MATRIX.items():
        if method == "GET" and allowed not in (OFF, TOKEN) and "admin" in allowed:
            yield endpoint, template.format(**ids)


def _with(url, query):
    return url + ("&" if "?" in url else "?") + query


def test_every_list_refuses_a_bad_page_number(world, cworld, login, in_app):
    with in_app():
        ids = probe_ids(world, cworld)
    client = login("admin")
    refusing, failures = set(), []
    for endpoint, url in _admin_get_routes(ids):
        response = client.get(_with(url, "page=abc"))
        if response.status_code == 400 and "không phải số trang" in response.text:
            refusing.add(endpoint)
    assert refusing == LIST_PAGES, (f"not refusing: {sorted(LIST_PAGES - refusing)}; "
                                    f"new: {sorted(refusing - LIST_PAGES)}")
    for endpoint, url in _admin_get_routes(ids):
        if endpoint not in LIST_PAGES:
            continue
        for bad in BAD:
            response = client.get(_with(url, f"page={bad}"))
            if response.status_code != 400 or "1.000.000" not in response.text:
                failures.append(f"{endpoint} page={bad}: {response.status_code}")
        for good in ("", "1", "2"):
            response = client.get(_with(url, f"page={good}"))
            if response.status_code != 200:
                failures.append(f"{endpoint} page={good}: {response.status_code}")
    assert not failures, failures


@pytest.mark.parametrize("lang, text", [("vi", "“0” không phải số trang"),
                                        ("en", "“0” is not a page number")])
def test_the_refusal_is_translated(world, login, lang, text):
    client = login("admin")
    client.post("/language", data={"locale": lang})
    response = client.get("/units/?page=0")
    assert response.status_code == 400
    assert text in response.text


def test_the_public_roll_refuses_a_bad_page_number(world, client, in_app):
    """The public honour roll (off in the access matrix) once turned on."""
    from emulation.core.permissions import SYSTEM
    from emulation.public import services

    with in_app():
        services.set_switches(SYSTEM, {services.HONOUR_ROLL: True, services.SELF_CHECK: False})
    for bad in BAD:
        response = client.get(f"/public/honours/?page={bad}")
        assert response.status_code == 400, bad
        assert "không phải số trang" in response.text
    assert client.get("/public/honours/?page=1").status_code == 200

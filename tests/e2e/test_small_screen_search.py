"""On a phone (375 px) the search box of a list takes the whole row, so its hint ("Tên hoặc
mã, có dấu hay không") is read whole: it sat in a column sized to its content, 238 px wide,
cutting the hint at "có dấu ha" (the honour roll's longer hint still needs 431 px)."""
import pytest

SEARCH_PAGES = [("admin", "/people/"), ("admin", "/units/"), ("admin", "/honours/"),
                ("admin", "/admin/users/")]  # /public/honours/ too (off in this world: 404)


@pytest.mark.parametrize("username,path", SEARCH_PAGES)
def test_the_search_box_takes_the_row_on_a_phone(open_as, e2e_world, username, path):
    page = open_as(username)
    page.set_viewport_size({"width": 375, "height": 740})
    response = page.goto(path)
    assert response.status < 400, (path, response.status)
    box = page.locator('input[type="search"][name="q"]').first
    width = box.bounding_box()["width"]
    row = page.evaluate("() => document.querySelector('main').clientWidth")
    assert width >= row - 40, (path, width, row)  # the row, less the page's margins

import unicodedata

from sqlalchemy import select

from emulation.core.text import fold
from emulation.extensions import db
from emulation.org.models import Person, Unit
from tests.factories import fetch, gen_person


def _person(in_app, code):
    return fetch(in_app, Person, code)


def test_officer_cannot_read_or_change_another_units_people(world, login, in_app):
    c = login("donvi1")
    other = world.person2.id  # belongs to donvi2's unit
    assert c.get(f"/people/{other}").status_code == 404
    assert c.get(f"/people/{other}/edit").status_code == 404
    changed = c.post(f"/people/{other}/edit", data={
        "version": "1", "full_name": "Bị sửa", "unit_code": "CS-1", "code": "P2"})
    assert changed.status_code == 404
    assert c.post(f"/people/{other}/active", data={"version": "1",
                                                   "active": "0"}).status_code == 404
    assert c.get(f"/people/?unit={world.unit2.id}").status_code == 404
    listing = c.get("/people/?q=hang").get_data(as_text=True)
    assert "Trần Thị Hằng" not in listing
    person = _person(in_app, "P2")
    assert person.full_name == "Trần Thị Hằng" and person.active
    assert person.unit_id == world.unit2.id


def test_officer_cannot_move_own_person_into_another_unit(world, login, in_app):
    c = login("donvi1")
    response = c.post(f"/people/{world.person1.id}/edit", data={
        "version": "1", "full_name": "Nguyễn Văn Đức", "unit_code": "CS-2", "code": "P1"})
    assert response.status_code == 400
    assert _person(in_app, "P1").unit_id == world.unit1.id


def test_officer_cannot_create_person_in_another_unit(world, login, in_app):
    response = login("donvi1").post("/people/new", data={
        "code": "PX", "full_name": "Người Lạ", "unit_code": "CS-2"})
    assert response.status_code == 400
    assert _person(in_app, "PX") is None


def test_officer_manages_own_people(world, login, in_app):
    c = login("donvi1")
    created = c.post("/people/new", data={"code": "P10", "full_name": "Phạm Thu Hà",
                                          "gender": "female", "birth_date": "1990-02-03",
                                          "position": "Kế toán", "unit_code": "CS-1"})
    assert created.status_code == 302
    person = _person(in_app, "P10")
    edited = c.post(f"/people/{person.id}/edit", data={
        "version": str(person.version), "full_name": "Phạm Thu Hà", "gender": "female",
        "birth_date": "1990-02-03", "position": "Kế toán trưởng", "unit_code": "CS-1"})
    assert edited.status_code == 302
    assert _person(in_app, "P10").position == "Kế toán trưởng"


def test_stale_person_save_is_refused(world, login, in_app):
    c = login("donvi1")
    data = {"version": "1", "full_name": "Nguyễn Văn Đức", "unit_code": "CS-1",
            "position": "Tổ trưởng"}
    assert c.post(f"/people/{world.person1.id}/edit", data=data).status_code == 302
    stale = c.post(f"/people/{world.person1.id}/edit", data={**data, "position": "Ghi đè"})
    assert stale.status_code == 409
    assert _person(in_app, "P1").position == "Tổ trưởng"


def test_bad_form_input_gets_400_with_message(world, login):
    c = login("donvi1")
    response = c.post("/people/new", data={"code": "has space", "full_name": "",
                                           "unit_code": "CS-1", "birth_date": "31/02/1990",
                                           "email": "not-an-email"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Mã không được chứa khoảng trắng" in html
    assert "Địa chỉ thư điện tử không hợp lệ" in html


def test_search_ignores_diacritics_and_case_and_nfd_input(world, login, in_app):
    with in_app():
        decomposed = unicodedata.normalize("NFD", "Nguyễn Văn Hùng")
        gen_person("P3", db.session.get(Unit, world.unit1.id), decomposed)
    person = _person(in_app, "P3")
    assert person.full_name == unicodedata.normalize("NFC", "Nguyễn Văn Hùng")
    c = login("donvi1")
    for q in ("nguyen van", "NGUYỄN VĂN", unicodedata.normalize("NFD", "Văn")):
        html = c.get("/people/", query_string={"q": q}).get_data(as_text=True)
        assert "Nguyễn Văn Hùng" in html and "Nguyễn Văn Đức" in html, q
    only = c.get("/people/?q=van+hung").get_data(as_text=True)
    assert "Nguyễn Văn Hùng" in only and "Nguyễn Văn Đức" not in only
    assert "Nguyễn Văn Hùng" not in c.get("/people/?q=tran").get_data(as_text=True)


def test_fold():
    assert fold("  Nguyễn   Văn ĐỨC ") == "nguyen van duc"
    assert fold(unicodedata.normalize("NFD", "Đặng Thị Ánh")) == "dang thi anh"


def test_people_list_query_count_does_not_grow(world, login, in_app, queries):
    c = login("tochuc")
    with queries() as small:
        assert c.get("/people/").status_code == 200
    with in_app():
        units = [db.session.get(Unit, i) for i in (world.unit1.id, world.unit2.id,
                                                  world.unit3.id)]
        for i in range(45):
            gen_person(f"Q{i}", units[i % 3], f"Người Thứ {i}")
    with queries() as large:
        html = c.get("/people/").get_data(as_text=True)
    assert "Người Thứ 44" in html
    assert len(large) == len(small) <= 8


def test_people_list_is_paginated(world, login, in_app):
    with in_app():
        unit = db.session.get(Unit, world.unit1.id)
        for i in range(60):
            gen_person(f"R{i:02d}", unit, f"Vũ Văn {i:02d}")
    c = login("donvi1")
    first = c.get("/people/?q=vu van").get_data(as_text=True)
    second = c.get("/people/?q=vu+van&page=2").get_data(as_text=True)
    assert first.count("/people/") > 0 and "Vũ Văn 00" in first and "Vũ Văn 59" not in first
    assert "Vũ Văn 59" in second and "page=2" in first and "q=vu" in first


def test_people_are_listed_by_given_name_first(world, login, in_app):
    with in_app():
        unit = db.session.get(Unit, world.unit1.id)
        gen_person("S1", unit, "Trần Văn Bình")
        gen_person("S2", unit, "Nguyễn Thị Ánh")
        gen_person("S3", unit, "Lê Văn Cường")
    html = login("donvi1").get("/people/").get_data(as_text=True)
    positions = [html.index(n) for n in ("Nguyễn Thị Ánh", "Trần Văn Bình", "Lê Văn Cường",
                                         "Nguyễn Văn Đức")]
    assert positions == sorted(positions)


def test_whole_tree_users_list_people_without_a_unit_filter(world, ctx):
    """Admins and organisers of every root read the list in index order; anyone else keeps
    the filter — and a new root unit takes the top organiser out of the shortcut."""
    from sqlalchemy import select

    from emulation.auth.models import User
    from emulation.core import permissions as perms
    from emulation.org.services import people_query
    from tests.factories import gen_unit

    def user(name):
        return db.session.scalar(select(User).where(User.username == name))

    assert perms.covers_every_unit(user("admin"), perms.VIEW_PEOPLE)
    assert perms.covers_every_unit(user("tochuc"), perms.VIEW_PEOPLE)
    assert not perms.covers_every_unit(user("tochuc_a"), perms.VIEW_PEOPLE)
    assert not perms.covers_every_unit(user("xem"), perms.VIEW_PEOPLE)
    assert "unit_id IN" not in str(people_query(user("tochuc")))
    assert "unit_id IN" in str(people_query(user("tochuc_a")))
    other_root = gen_unit("KHAC", "Công đoàn khác", None, kind="union")
    gen_person("PX", other_root, "Người Ngoài Cây")
    assert not perms.covers_every_unit(user("tochuc"), perms.VIEW_PEOPLE)
    names = {p.full_name for p in db.session.scalars(people_query(user("tochuc")))}
    assert "Người Ngoài Cây" not in names and "Nguyễn Văn Đức" in names


def _next_link(html: str) -> str | None:
    import html as html_lib
    import re
    found = re.search(r'rel="next" href="([^"#]+)"', html)
    return html_lib.unescape(found.group(1)) if found else None


def test_people_pages_by_key_show_everyone_once_with_equal_names(world, login, in_app):
    import re
    with in_app():
        unit = db.session.get(Unit, world.unit1.id)
        for i in range(130):  # one name for all: every row ties on the sort key
            gen_person(f"T{i:03d}", unit, "Lê Thị Giống")
        ids = set(db.session.scalars(select(Person.id).where(Person.code.like("T%"))))
    c = login("donvi1")
    seen, url, pages = [], "/people/?q=giong", []
    while url:
        response = c.get(url)
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        pages.append(html)
        seen += [int(i) for i in re.findall(r'href="/people/(\d+)"', html)]
        url = _next_link(html)
        assert len(pages) <= 4
    assert sorted(seen) == sorted(ids) and len(seen) == len(set(seen)) == 130
    assert "cursor=" in _next_link(pages[1]) and "q=giong" in _next_link(pages[1])
    assert re.search(r'page-item active"><a class="page-link" href="[^"]*">3<', pages[2])
    assert "130 bản ghi" in pages[0]
    previous = re.search(r'rel="prev" href="([^"]+)"', pages[2]).group(1)
    back = c.get(previous.replace("&amp;", "&")).get_data(as_text=True)
    assert re.findall(r'href="/people/(\d+)"', back) == re.findall(r'href="/people/(\d+)"',
                                                                  pages[1])


def test_people_list_refuses_a_bad_cursor_or_a_deep_page_number(world, login, monkeypatch):
    from emulation.core import web
    c = login("donvi1")
    assert c.get("/people/?cursor=%00").status_code == 400  # refused before (NUL byte)
    for bad in ("garbage", "eyJ4IjoxfQ.abc", "a" * 5000):
        response = c.get(f"/people/?cursor={bad}")
        assert response.status_code == 400
        assert "Liên kết trang này không hợp lệ" in response.get_data(as_text=True)
    deep = c.get("/people/?page=11")
    assert deep.status_code == 400 and "Chỉ 10 trang đầu" in deep.get_data(as_text=True)
    assert c.get("/people/?page=10").status_code == 200
    monkeypatch.setattr(web, "COUNT_CAP", 1)
    assert "Hơn 1 bản ghi" in login("tochuc").get("/people/").get_data(as_text=True)


def test_a_branch_search_adds_one_bounded_count_whatever_the_people(world, login, in_app,
                                                                    queries):
    """A user covering one branch searches it with one more query (the bounded count of its
    people, org.services.SMALL_SCOPE), whatever the number of matches."""
    c = login("donvi1")
    with queries() as small:
        assert c.get("/people/?q=nguoi+thu").status_code == 200
    with in_app():
        unit = db.session.get(Unit, world.unit1.id)
        for i in range(45):
            gen_person(f"S{i}", unit, f"Người Thứ {i}")
    with queries() as large:
        html = c.get("/people/?q=nguoi+thu").get_data(as_text=True)
    assert "Người Thứ 44" in html
    assert len(large) == len(small) <= 9

"""The audit page and its export name the record type and the action in the reader's
language, and "Who" finds an account by its full name, accents aside."""
import io

import openpyxl
from sqlalchemy import select

from emulation.auth.models import User
from emulation.core import audit
from emulation.extensions import db
from emulation.org import services as org
from emulation.org.models import Unit


def _admin():
    return db.session.scalar(select(User).where(User.username == "admin"))


def _page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_page_shows_the_record_type_and_action_by_label(world, login, in_app):
    with in_app() as session:
        unit = session.get(Unit, world.unit2.id)
        org.set_unit_active(_admin(), unit, version=unit.version, active=False)
        session.commit()
    page = _page(login("admin"), "/admin/audit/?action=unit.deactivate")
    assert '<td title="unit.deactivate">Ngừng hoạt động đơn vị</td>' in page
    assert '<td title="unit">Đơn vị #' in page
    # the filters list labels, and send the codes
    assert '<option value="unit.deactivate" selected>Ngừng hoạt động đơn vị</option>' in page
    assert '<option value="unit" >Đơn vị</option>' in page or \
        '<option value="unit">Đơn vị</option>' in page


def test_the_english_reader_gets_english_labels(world, login, in_app):
    with in_app() as session:
        audit.record(session, actor=_admin(), action="settings.change",
                     object_type="site_setting", params={"count": 2})
        session.commit()
    client = login("admin")
    client.post("/language", data={"locale": "en"})
    page = _page(client, "/admin/audit/?action=settings.change")
    assert '<td title="settings.change">Site settings changed</td>' in page
    assert '<td title="site_setting">Site settings</td>' in page
    assert "Site settings changed (2 values)" in page


def test_the_export_shows_the_labels(world, login, in_app):
    with in_app() as session:
        unit = session.get(Unit, world.unit2.id)
        org.set_unit_active(_admin(), unit, version=unit.version, active=False)
        session.commit()
    data = login("admin").get("/admin/audit/export.xlsx?action=unit.deactivate").data
    rows = list(openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows(min_row=2,
                                                                           values_only=True))
    assert rows and rows[0][2] == "Ngừng hoạt động đơn vị" and rows[0][3] == "Đơn vị"


def test_who_finds_the_full_name_without_accents_and_the_username(world, login, in_app):
    with in_app() as session:
        admin = _admin()
        admin.full_name = "Nguyễn Quản Trị"
        session.commit()
        audit.record(session, actor=admin, action="holiday.create", object_type="holiday",
                     params={"day": "2026-09-02", "name": "Quốc khánh"})
        audit.record(session, actor=None, action="holiday.delete", object_type="holiday",
                     params={"day": "2026-09-03", "name": "Nghỉ bù"})
        session.commit()
    client = login("admin")
    for who in ("nguyen quan", "Quản Trị", "admin"):
        page = _page(client, f"/admin/audit/?action=holiday.&actor={who}")
        assert "Quốc khánh" in page, who
        assert "Nghỉ bù" not in page, who
    page = _page(client, "/admin/audit/?action=holiday.&actor=tran van")
    assert "Quốc khánh" not in page

"""The audit log reads in the reader's language: events keep a message key and its values and
are put in words when shown (page, export, a record's history); events written before that keep
their free-text summary. People are named by full name, the system as "Hệ thống"."""
import io
import json

import openpyxl
import pytest
from sqlalchemy import select

from emulation.auth.models import User
from emulation.core import audit
from emulation.core.audit import AuditEvent
from emulation.core.permissions import SYSTEM
from emulation.extensions import db
from emulation.org import services as org
from emulation.org.models import Unit


def _admin():
    return db.session.scalar(select(User).where(User.username == "admin"))


def _page(client, url="/admin/audit/") -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_an_event_reads_in_vietnamese_with_the_actors_full_name(world, login, in_app):
    with in_app() as session:
        admin = _admin()
        admin.full_name = "Nguyễn Quản Trị"
        session.commit()
        unit = session.get(Unit, world.unit1.id)
        org.update_unit(admin, unit, version=unit.version, name="Công đoàn Đạm Phú Mỹ",
                        kind=unit.kind, address="")
        ev = session.scalars(select(AuditEvent).where(AuditEvent.action == "unit.update")).one()
        assert json.loads(ev.params) == {"unit": "Công đoàn Đạm Phú Mỹ"}
        assert ev.summary == f"updated unit {world.unit1.code}"  # the English, searchable
    page = _page(login("admin"), "/admin/audit/?action=unit.update")
    assert "Sửa đơn vị Công đoàn Đạm Phú Mỹ" in page
    assert f"updated unit {world.unit1.code}" not in page
    assert "Nguyễn Quản Trị" in page and ">admin<" not in page


def test_the_english_reader_gets_the_english_message(world, login, in_app):
    with in_app() as session:
        audit.record(session, actor=_admin(), action="unit.create", object_type="unit",
                     object_id=world.unit1.id, params={"unit": "Đơn vị X"})
        session.commit()
    client = login("admin")
    client.post("/language", data={"locale": "en"})
    page = _page(client, "/admin/audit/?action=unit.create")
    assert "Unit Đơn vị X created" in page


def test_an_old_free_text_event_still_shows_its_summary(world, login, in_app):
    with in_app() as session:
        audit.record(session, actor=_admin(), action="unit.create", object_type="unit",
                     summary="created unit OLD-1")
        # a message key the application no longer knows, and values that do not fit it
        audit.record(session, actor=_admin(), action="gone.away", object_type="unit",
                     summary="an event of a removed feature", params={"x": 1})
        audit.record(session, actor=_admin(), action="unit.move", object_type="unit",
                     summary="moved unit A under B", params={"unit": "A"})
        session.commit()
    page = _page(login("admin"))
    assert "created unit OLD-1" in page
    assert "an event of a removed feature" in page
    assert "moved unit A under B" in page


@pytest.mark.parametrize("action, params, shown", [
    ("pledge.x", {"_m": "pledge:state", "unit": "CĐ A", "from": "submitted", "to": "returned"},
     "Đăng ký thi đua của CĐ A: Đã gửi → Bị trả lại"),
    ("nomination.create", {"award": "LDTT", "year": 2026, "subject": "Nguyễn Văn Đức"},
     "Đề nghị Lao động tiên tiến năm 2026 cho Nguyễn Văn Đức"),
    ("base_salary.create", {"amount": 2340000, "day": "2024-07-01"},
     "Mức lương cơ sở 2.340.000 đồng từ"),
])
def test_values_are_shown_by_label_name_and_locale(app, world, action, params, shown):
    from flask_babel import force_locale

    with app.test_request_context(), force_locale("vi"):
        text = audit.describe(action, json.dumps(params), "fallback",
                              {"LDTT": "Lao động tiên tiến"})
    assert text.startswith(shown), text


def test_the_system_is_named_system_and_an_unknown_actor_a_dash(world, login, in_app):
    with in_app() as session:
        audit.record(session, actor=SYSTEM, action="demo.load", object_type="system",
                     params={"units": 1, "people": 2, "accounts": 3})
        session.commit()
        assert audit.who(None, "system", {}) != "system"
        assert audit.who(None, "", {}) == "—"
        assert audit.actor_display(SYSTEM) == ""
    page = _page(login("admin"), "/admin/audit/?action=demo.load")
    assert '<td>Hệ thống</td><td title="demo.load">Nạp dữ liệu mẫu</td>' in page
    assert "Nạp dữ liệu mẫu: 1 đơn vị, 2 cá nhân, 3 tài khoản" in page


def test_award_codes_in_before_and_after_are_shown_by_name(app, world):
    names = {"LDTT": "Lao động tiên tiến", "CSTDCS": "Chiến sĩ thi đua cơ sở"}
    shown = audit.readable({"award": "LDTT", "titles": ["CSTDCS:4", "LDTT:"], "year": 2026},
                           names)
    assert shown == {"award": "Lao động tiên tiến",
                     "titles": ["Chiến sĩ thi đua cơ sở:4", "Lao động tiên tiến:"],
                     "year": 2026}
    assert audit.readable({"code": "LDTT"}, names, "award_type") == {"code": "Lao động tiên tiến"}
    assert audit.readable({"code": "LDTT"}, names, "unit") == {"code": "LDTT"}


def test_the_audit_export_reads_like_the_page(world, login, in_app):
    with in_app() as session:
        admin = _admin()
        unit = session.get(Unit, world.unit2.id)
        org.set_unit_active(admin, unit, version=unit.version, active=False)
        session.commit()
    data = login("admin").get("/admin/audit/export.xlsx?action=unit.").data
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert rows and rows[0][1] == "Admin"
    assert rows[0][5] == f"Ngừng hoạt động đơn vị {world.unit2.name}"


def test_a_unit_history_reads_in_words(world, login, in_app):
    with in_app() as session:
        unit = session.get(Unit, world.unit1.id)
        org.update_unit(_admin(), unit, version=unit.version, name="Tên mới", kind=unit.kind,
                        address="")
    page = _page(login("admin"), f"/units/{world.unit1.id}")
    assert "Sửa đơn vị Tên mới" in page and "Admin" in page


def test_the_pledge_history_names_people_by_full_name_and_the_system(cworld, world, login,
                                                                    in_app):
    from emulation.pledges.models import PledgeStep

    with in_app() as session:
        steps = session.scalars(select(PledgeStep)).all()
        assert steps and all(s.actor_name == "" for s in steps)  # made by SYSTEM
    page = _page(login("tochuc"), f"/campaigns/{cworld.campaign}/units/{world.unit1.id}/pledge")
    assert "Hệ thống" in page


def test_a_dossier_history_names_the_officer_by_full_name(world, login, in_app):
    from emulation.awards.catalogue.data import seed
    from emulation.awards.catalogue.services import award_by_code
    from emulation.awards.nominations import services as nom
    from emulation.org.models import Person

    with in_app() as session:
        seed(session)
        officer = session.scalar(select(User).where(User.username == "donvi1"))
        officer.full_name = "Trần Văn Đơn Vị"
        session.commit()
        n = nom.create(officer, award=award_by_code("LDTT"), year=2026,
                       proposing_unit=session.get(Unit, world.unit1.id),
                       person=session.get(Person, world.person1.id),
                       texts={"summary": "Thành tích"})
        nom.submit(officer, n, n.version, "Giải trình")
        assert [s.actor_name for s in n.steps] == ["Trần Văn Đơn Vị"]
        nomination_id = n.id
    page = _page(login("donvi1"), f"/nominations/{nomination_id}")
    history = page.split("Quá trình xử lý hồ sơ")[-1]
    assert "Trần Văn Đơn Vị" in history and ">donvi1<" not in history

"""The "put on the council's agenda" button only where the dossier's level has a council
(issue 16's fresh-user test: it showed on a grassroots union's dossier, where no council
sits): elsewhere the page says why and what to do."""
from decimal import Decimal

from emulation.awards.catalogue.data import seed
from emulation.awards.catalogue.services import award_by_code
from emulation.awards.councils import services as councils
from emulation.awards.nominations import services as nom
from emulation.awards.nominations.models import Nomination
from emulation.core.permissions import SYSTEM
from emulation.extensions import db
from emulation.org.models import Person, Unit


def _received_at_the_grassroots(world, in_app) -> tuple[int, int]:
    """CS-1's dossier received at its own level (as dossier #18 of a grassroots union in the
    demo), where CD-A's organiser handles it and no council sits. (id, version)."""
    with in_app():
        seed(db.session)
        unit1 = db.session.get(Unit, world.unit1.id)
        person = db.session.get(Person, world.person1.id)
        n = nom.create(SYSTEM, award=award_by_code("LDTT"), year=2026, proposing_unit=unit1,
                       person=person, texts={"summary": "Thành tích"})
        nom.submit(SYSTEM, n, n.version, "Giải trình")
        nom.receive(SYSTEM, n, n.version)
        assert n.level_unit_id == world.unit1.id
        return n.id, n.version


def test_no_council_at_the_level_no_agenda_button(world, in_app, login):
    n_id, version = _received_at_the_grassroots(world, in_app)
    client = login("tochuc_a")
    page = client.get(f"/nominations/{n_id}").get_data(as_text=True)
    assert "Đưa vào chương trình họp" not in page
    assert 'id="no-council"' in page
    assert f"{world.unit1.name} chưa có hội đồng" in page
    assert "chuyển hồ sơ lên cấp trên" in page and 'href="/councils/"' in page
    # once CS-1 has its council the button is there and works
    with in_app():
        councils.create_council(SYSTEM, db.session.get(Unit, world.unit1.id),
                                "Hội đồng TĐKT Công đoàn Công ty DAP", Decimal("66.67"))
    page = client.get(f"/nominations/{n_id}").get_data(as_text=True)
    assert 'id="no-council"' not in page
    assert "Đưa vào chương trình họp" in page
    response = client.post(f"/nominations/{n_id}/agenda", data={"version": version})
    assert response.status_code == 302
    with in_app():
        assert db.session.get(Nomination, n_id).state == "on_agenda"

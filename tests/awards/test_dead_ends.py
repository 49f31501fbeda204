"""No dead ends around the dossiers (issue 16): the bulk nominations are reachable from the
pages where the user is and say whom they skipped and why; council members and the secretary
read the dossiers of their meetings, read-only."""
import re

from sqlalchemy import func, select

from emulation.awards.catalogue.data import seed
from emulation.awards.catalogue.services import award_by_code
from emulation.awards.nominations import services as nom
from emulation.awards.nominations.models import Nomination
from emulation.core.models import utcnow
from emulation.core.permissions import SYSTEM
from emulation.core.web import local_today
from emulation.extensions import db
from emulation.org.models import Person, Unit
from emulation.pledges.models import Pledge, TitleRegistration
from emulation.scoring.models import RankingEntry
from emulation.scoring.services import settings_for
from tests.factories import gen_person


def _registrations(in_app, world, cworld):
    """CS-1's approved pledge registers P1 for LĐTT and CSTĐCS, P11 for LĐTT and the unit
    for TTLĐTT; P1 is already nominated for LĐTT 2026."""
    with in_app():
        seed(db.session)
        unit = db.session.get(Unit, world.unit1.id)
        first = db.session.get(Person, world.person1.id)
        second = gen_person("P11", unit, "Lê Văn Bình")
        db.session.flush()
        for code, person in (("LDTT", first), ("CSTDCS", first), ("LDTT", second),
                             ("TTLDTT", None)):
            db.session.add(TitleRegistration(pledge_id=cworld.pledge, award_code=code,
                                             person_id=person.id if person else None))
        nom.create(SYSTEM, award=award_by_code("LDTT"), year=2026, proposing_unit=unit,
                   person=first)
        db.session.commit()


def _csrf(page: str) -> str:
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)


def test_the_approved_pledge_offers_the_bulk_nominations_and_lists_whom_it_skipped(
        world, cworld, login, in_app):
    _registrations(in_app, world, cworld)
    officer = login("donvi1")
    page = officer.get(f"/campaigns/{cworld.campaign}/units/{world.unit1.id}/pledge")
    text = page.get_data(as_text=True)
    assert 'id="nominate-registrations"' in text
    form = re.search(r'<form method="post" action="/nominations/from-registrations".*?</form>',
                     text, re.S).group(0)
    assert f'value="{cworld.campaign}"' in form and 'value="CS-1"' in form
    response = officer.post("/nominations/from-registrations", data={
        "csrf_token": _csrf(text), "campaign_id": cworld.campaign, "unit_code": "CS-1"})
    result = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Đã lập 3 dự thảo đề nghị" in result
    skipped = re.search(r'<table class="table table-sm bulk-skipped">(.*?)</table>', result,
                        re.S).group(1)
    assert "Nguyễn Văn Đức" in skipped and "Lao động tiên tiến" in skipped
    assert "đã được đề nghị Lao động tiên tiến năm 2026" in skipped
    assert "Lê Văn Bình" not in skipped
    with in_app():
        assert db.session.scalar(select(func.count(Nomination.id))) == 4
    # made again: every registration is skipped, each with its reason
    again = officer.post("/nominations/from-registrations", data={
        "csrf_token": _csrf(text), "campaign_id": cworld.campaign, "unit_code": "CS-1"})
    rows = re.findall(r"<tr><td>[^<]+</td><td>[^<]+</td><td>[^<]+</td></tr>",
                      again.get_data(as_text=True))
    assert len(rows) == 4 and "Đã lập 0 dự thảo đề nghị" in again.get_data(as_text=True)


def test_the_bulk_button_is_only_where_it_works(world, cworld, login, in_app):
    _registrations(in_app, world, cworld)
    url = f"/campaigns/{cworld.campaign}/units/{world.unit1.id}/pledge"
    # the organiser reads the pledge but does not propose the unit's people
    assert 'id="nominate-registrations"' not in login("tochuc").get(url).get_data(as_text=True)
    with in_app():
        db.session.get(Pledge, cworld.pledge).state = "submitted"
        db.session.commit()
    assert 'id="nominate-registrations"' not in login("donvi1").get(url).get_data(as_text=True)
    # an officer of another unit is refused the unit's registrations
    assert login("donvi2").post("/nominations/from-registrations", data={
        "campaign_id": cworld.campaign, "unit_code": "CS-1"}).status_code == 400


def _frozen_ranking(in_app, world, cworld):
    """CS-1 and CS-2 lead the frozen ranking; CS-2 is already nominated for the flag."""
    with in_app():
        seed(db.session)
        from emulation.campaigns.models import Campaign

        campaign = db.session.get(Campaign, cworld.campaign)
        for rank, unit in enumerate((world.unit1, world.unit2), 1):
            db.session.add(RankingEntry(campaign_id=campaign.id, cluster_id=cworld.cluster,
                                        unit_id=unit.id, rank=rank, leader=True))
        settings_for(campaign).frozen_at = utcnow()
        nom.create(SYSTEM, award=award_by_code("CO_BO"), year=2026,
                   proposing_unit=db.session.get(Unit, world.branch_b.id),
                   unit=db.session.get(Unit, world.unit2.id))
        db.session.commit()


def test_the_frozen_ranking_offers_flag_nominations_made_by_its_organiser(
        world, cworld, login, in_app):
    _frozen_ranking(in_app, world, cworld)
    organiser = login("tochuc")
    page = organiser.get(f"/campaigns/{cworld.campaign}/ranking").get_data(as_text=True)
    assert 'id="nominate-leaders"' in page
    response = organiser.post("/nominations/from-ranking", data={
        "csrf_token": _csrf(page), "campaign_id": cworld.campaign})
    result = response.get_data(as_text=True)
    assert response.status_code == 200 and "Đã lập 1 dự thảo đề nghị" in result
    skipped = re.search(r'bulk-skipped">(.*?)</table>', result, re.S).group(1)
    assert "Công đoàn Công ty Thuốc lá Sài Gòn" in skipped and "đã được đề nghị" in skipped
    with in_app():
        made = db.session.scalar(select(Nomination).where(
            Nomination.unit_id == world.unit1.id))
        assert made.proposing_unit_id == world.branch_a.id and made.state == "draft"
    # an organiser of a branch does not manage the parent campaign's ranking
    assert login("tochuc_a").post("/nominations/from-ranking", data={
        "campaign_id": cworld.campaign}).status_code == 403


def test_a_ranking_not_frozen_offers_no_flag_nominations(world, cworld, login):
    page = login("tochuc").get(f"/campaigns/{cworld.campaign}/ranking").get_data(as_text=True)
    assert 'id="nominate-leaders"' not in page


def test_the_nominations_list_links_every_bulk_source(world, cworld, login, in_app):
    _registrations(in_app, world, cworld)
    _frozen_ranking(in_app, world, cworld)
    officer = login("donvi1").get("/nominations/").get_data(as_text=True)
    assert 'action="/nominations/from-registrations"' in officer
    assert 'action="/nominations/from-ranking"' not in officer
    organiser = login("tochuc").get("/nominations/").get_data(as_text=True)
    assert 'action="/nominations/from-ranking"' in organiser
    assert f'href="/campaigns/{cworld.campaign}/ranking"' in organiser
    assert "bulk-sources" not in login("donvi2").get("/nominations/").get_data(as_text=True)


def _agenda(in_app, meeting_id):
    from emulation.awards.councils.models import CouncilMeeting

    with in_app():
        meeting = db.session.get(CouncilMeeting, meeting_id)
        return [(item.nomination_id, item.nomination.version) for item in meeting.items]


def test_council_members_and_the_secretary_read_their_agenda_dossiers_read_only(
        world, meeting_id, login, in_app):
    agenda = _agenda(in_app, meeting_id)
    for name in ("hoidong1", "hd2", "thuky"):
        client = login(name)
        meeting = client.get(f"/meetings/{meeting_id}").get_data(as_text=True)
        for nid, version in agenda:
            assert f'href="/nominations/{nid}"' in meeting, name
            response = client.get(f"/nominations/{nid}")
            page = response.get_data(as_text=True)
            assert response.status_code == 200, name
            assert "council-reader" in page and "Nguyễn Văn Đức" in page
            assert f'action="/nominations/{nid}/' not in page  # no action of any kind
            assert "Lưu nháp" not in page and "<fieldset disabled>" in page
            # what they post is refused and changes nothing
            for url, data in ((f"/nominations/{nid}", {"version": version, "summary": "Sửa",
                                                        "kind": "regular"}),
                              (f"/nominations/{nid}/withdraw", {"version": version,
                                                                "reason": "Rút"}),
                              (f"/nominations/{nid}/submit", {"version": version}),
                              (f"/nominations/{nid}/receive", {"version": version})):
                assert client.post(url, data=data).status_code in (403, 404), (name, url)
    with in_app():
        for nid, version in agenda:
            n = db.session.get(Nomination, nid)
            assert (n.state, n.summary, n.version) == ("on_agenda", "Thành tích", version)


def test_a_member_of_another_council_still_cannot_open_the_dossiers(
        world, meeting_id, login, in_app):
    from decimal import Decimal

    from emulation.awards.councils import services as cs
    from tests.factories import gen_user

    with in_app():
        branch = db.session.get(Unit, world.branch_a.id)
        other = cs.create_council(SYSTEM, branch, "Hội đồng CD-A", Decimal("66.67"))
        cs.add_member(SYSTEM, other, gen_user("hd_khac", "council_member",
                                              db.session.get(Unit, world.top.id)), "member")
        gen_user("hd_le", "council_member", db.session.get(Unit, world.top.id))
        db.session.commit()
    for name in ("hd_khac", "hd_le", "xem"):
        client = login(name)
        for nid, _version in _agenda(in_app, meeting_id):
            assert client.get(f"/nominations/{nid}").status_code == 404, name


def test_the_honour_roll_links_a_name_only_for_readers_who_may_open_it(world, login, in_app):
    from emulation.awards.records.models import AwardRecord

    with in_app():
        seed(db.session)
        db.session.add(AwardRecord(award_code="LDTT", person_id=world.person1.id, year=2025,
                                   decision_number="7/QĐ"))
        db.session.commit()
    link = f'href="/people/{world.person1.id}/eligibility"'
    for name, linked in (("xem", False), ("thuky", False), ("hoidong1", False),
                         ("donvi2", False), ("donvi1", True), ("tochuc", True)):
        client = login(name)
        page = client.get("/honours/").get_data(as_text=True)
        assert "Nguyễn Văn Đức" in page, name
        assert (link in page) is linked, name
        if linked:
            assert client.get(link[6:-1]).status_code == 200, name


def test_a_dossier_forwarded_up_stays_readable_by_the_level_that_forwarded_it(
        world, meeting_id, login, in_app):
    nid = _agenda(in_app, meeting_id)[0][0]
    client = login("tochuc_a")
    assert client.get(f"/nominations/{nid}").status_code == 200
    assert f'href="/nominations/{nid}"' in client.get("/nominations/").get_data(as_text=True)
    # read-only: the level above holds it now
    assert client.post(f"/nominations/{nid}/withdraw", data={"version": 1, "reason": "x"}
                       ).status_code == 403


def test_the_nominations_export_shows_the_outcome_as_the_list_does(world, in_app, login):
    import io
    from datetime import timedelta

    import openpyxl

    from tests.awards.conftest import passed_dossiers
    from tests.awards.test_dossier_outcome import _grant

    with in_app():
        granted, passed = passed_dossiers(world, [("GK", "regular"), ("LDTT", "regular")],
                                          published_on=local_today() - timedelta(days=60))
        _grant(world, granted, "16/QĐ-CĐCT")
        ids = granted.id, passed.id
    response = login("tochuc").get("/nominations/export.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).worksheets[0]
    status = {row[0]: row[12] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert status[ids[0]].startswith("Đã khen thưởng — QĐ 16/QĐ-CĐCT ngày ")
    assert status[ids[1]] == "Được Hội đồng thông qua (5/5)"


def test_decisions_new_with_nothing_ready_shows_the_waiting_list_not_the_form(
        world, in_app, login):

    from tests.awards.conftest import passed_dossiers

    empty = login("tochuc").get("/decisions/new").get_data(as_text=True)
    assert "decision-nothing-ready" in empty and 'name="unit_code"' not in empty
    assert 'href="/publications/"' in empty or "Danh sách công khai" in empty
    with in_app():
        seed(db.session)
        award_by_code("GK").publication_days = 5
        db.session.commit()
        (n,) = passed_dossiers(world, [("GK", "regular")], published_on=local_today())
        nid = n.id
    page = login("tochuc").get("/decisions/new").get_data(as_text=True)
    assert "decision-nothing-ready" in page and 'name="unit_code"' not in page
    assert 'name="signer"' not in page and 'name="nomination"' not in page
    assert f'href="/nominations/{nid}"' in page.split("decision-waiting")[1]


def test_decisions_new_names_the_issuing_unit_and_keeps_what_was_typed(world, in_app, login):
    from datetime import timedelta

    from tests.awards.conftest import passed_dossiers

    with in_app():
        (n,) = passed_dossiers(world, [("GK", "regular")],
                               published_on=local_today() - timedelta(days=60))
        nid = n.id
    client = login("tochuc")
    page = client.get("/decisions/new").get_data(as_text=True)
    assert '<label class="form-label" for="d-unit">Đơn vị ban hành</label>' in page
    assert "Mã đơn vị phát động" not in page and "Đơn vị phát động" not in page
    refused = client.post("/decisions/new", data={
        "csrf_token": _csrf(page), "number": "16/QĐ-CĐCT", "signer": "Chủ tịch Nguyễn Văn A",
        "signed_on": local_today().isoformat(), "unit_code": "KHONG-CO"})
    text = refused.get_data(as_text=True)
    assert refused.status_code >= 400
    assert 'value="16/QĐ-CĐCT"' in text and 'value="Chủ tịch Nguyễn Văn A"' in text
    assert 'value="KHONG-CO"' in text
    assert f'value="{nid}" id="n-{nid}" >' in text  # the box left unticked stays unticked
    decisions = client.get("/decisions/").get_data(as_text=True)
    assert "<th>Đơn vị ban hành</th>" in decisions


def test_a_negative_cash_multiple_is_refused_as_negative(world, login, in_app):
    with in_app():
        seed(db.session)
        db.session.commit()
    from tests.awards.test_catalogue import NEW

    response = login("admin").post("/awards/new", data={**NEW, "cash_multiple": "-1,5"})
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Nhập số 0 hoặc số dương, không nhập số âm." in text
    assert "Không phải số thập phân hợp lệ" not in text
    # a value that is no number at all keeps its own message
    other = login("admin").post("/awards/new", data={**NEW, "cash_multiple": "abc"})
    assert "Không phải số thập phân hợp lệ" in other.get_data(as_text=True)
    assert "không nhập số âm" not in other.get_data(as_text=True)


# --- never lose typed work on the dossier --------------------------------------------------

def _draft(in_app, world, code="LDTT") -> tuple[int, int]:
    with in_app():
        seed(db.session)
        n = nom.create(SYSTEM, award=award_by_code(code), year=2026,
                       proposing_unit=db.session.get(Unit, world.unit1.id),
                       person=db.session.get(Person, world.person1.id),
                       texts={"summary": "Bản cũ"})
        return n.id, n.version


def test_submitting_a_dossier_saves_what_was_typed_first(world, login, in_app):
    import io

    nid, version = _draft(in_app, world, "GK")
    client = login("donvi1")
    page = client.get(f"/nominations/{nid}").get_data(as_text=True)
    assert 'id="dossier-form"' in page and 'value="submit"' in page and 'value="attach"' in page
    response = client.post(f"/nominations/{nid}", data={
        "csrf_token": _csrf(page), "version": version, "kind": "regular", "action": "submit",
        "summary": "Bản mới đã sửa", "achievements": "Ba sáng kiến", "initiatives_text": "",
        "explanation": "Giải trình", "file": (io.BytesIO(b"%PDF-1.4 hs"), "thành tích.pdf")},
        content_type="multipart/form-data")
    assert response.status_code == 302
    from emulation.core import uploads

    with in_app():
        n = db.session.get(Nomination, nid)
        assert (n.state, n.summary, n.achievements) == ("submitted", "Bản mới đã sửa",
                                                        "Ba sáng kiến")
        assert [a.original_name for a in uploads.attachments_of("nomination", [nid])[nid]] \
            == ["thành tích.pdf"]


def test_a_refused_submission_keeps_the_typed_text_saved_and_shows_it(world, login, in_app):
    nid, version = _draft(in_app, world, "CSTD_BO")  # not eligible: needs an explanation
    client = login("donvi1")
    page = client.get(f"/nominations/{nid}").get_data(as_text=True)
    response = client.post(f"/nominations/{nid}", data={
        "csrf_token": _csrf(page), "version": version, "kind": "regular", "action": "submit",
        "summary": "Văn bản gõ trước khi gửi", "achievements": "", "initiatives_text": ""})
    text = response.get_data(as_text=True)
    assert response.status_code in (400, 409)
    assert "Văn bản gõ trước khi gửi" in text and "chưa được gửi" in text
    with in_app():
        n = db.session.get(Nomination, nid)
        assert (n.state, n.summary) == ("draft", "Văn bản gõ trước khi gửi")
        fresh = n.version
    # the page goes on from the version just saved: saving again works
    assert re.search(rf'name="version" type="hidden" value="{fresh}"', text)
    # a stale version is refused and the page comes back with what was typed, unsaved
    stale = client.post(f"/nominations/{nid}", data={
        "csrf_token": _csrf(page), "version": version, "kind": "regular", "action": "save",
        "summary": "Sửa trên trang cũ", "achievements": "", "initiatives_text": ""})
    stale_text = stale.get_data(as_text=True)
    assert stale.status_code == 409 and "Sửa trên trang cũ" in stale_text
    assert re.search(r'id="dossier-form" novalidate data-unsaved', stale_text)


# --- never lose typed work: the meeting's attendance --------------------------------------

def _members(in_app, meeting_id):
    from emulation.awards.councils.models import CouncilMeeting

    with in_app():
        meeting = db.session.get(CouncilMeeting, meeting_id)
        return ([m.id for m in meeting.council.members], meeting.version,
                {a.member_id for a in meeting.attendance}, meeting.state)


def test_opening_the_ballot_saves_the_attendance_ticked_first(world, meeting_id, login,
                                                              in_app):
    members, version, present, _state = _members(in_app, meeting_id)
    assert present == set()
    secretary = login("thuky")
    page = secretary.get(f"/meetings/{meeting_id}").get_data(as_text=True)
    form = re.search(r'<form [^>]*id="attendance-form".*?</form>', page, re.S).group(0)
    assert 'value="open"' in form and f'action="/meetings/{meeting_id}/open"' not in page
    # two ticked of six: no quorum — the attendance is kept, the ballot is not opened
    refused = secretary.post(f"/meetings/{meeting_id}/attendance", data={
        "csrf_token": _csrf(page), "version": version, "member": members[:2],
        "action": "open"})
    assert refused.status_code in (400, 409)
    assert "chưa mở bỏ phiếu" in refused.get_data(as_text=True)
    _members_now, version, present, state = _members(in_app, meeting_id)
    assert present == set(members[:2]) and state == "scheduled"
    done = secretary.post(f"/meetings/{meeting_id}/attendance", data={
        "csrf_token": _csrf(page), "version": version, "member": members, "action": "open"})
    assert done.status_code == 302
    _members_now, _version, present, state = _members(in_app, meeting_id)
    assert present == set(members) and state == "voting"


def test_a_refused_attendance_comes_back_as_ticked(world, meeting_id, login, in_app):
    members, version, _present, _state = _members(in_app, meeting_id)
    secretary = login("thuky")
    page = secretary.get(f"/meetings/{meeting_id}").get_data(as_text=True)
    stale = secretary.post(f"/meetings/{meeting_id}/attendance", data={
        "csrf_token": _csrf(page), "version": version + 5, "member": members[1:3]})
    text = stale.get_data(as_text=True)
    assert stale.status_code == 409
    assert re.search(r'id="attendance-form" data-unsaved', text)
    ticked = set(map(int, re.findall(r'name="member" value="(\d+)" id="att-\d+" checked', text)))
    assert ticked == set(members[1:3])
    assert _members(in_app, meeting_id)[2] == set()

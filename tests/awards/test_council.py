from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, inspect, select

from emulation.awards.catalogue.services import award_by_code
from emulation.awards.councils import services as cs
from emulation.awards.councils.models import AgendaItem, BallotPaper, BallotParticipation
from emulation.awards.nominations import services as nom
from emulation.awards.nominations.models import Nomination
from emulation.core.audit import AuditEvent
from emulation.core.errors import InvalidState, PermissionDenied, ServiceError
from emulation.core.permissions import SYSTEM
from emulation.extensions import db
from emulation.org.models import Person, Unit
from tests.awards.conftest import _user, close_with
from tests.factories import PASSWORD, gen_user


def _attend(meeting, usernames):
    members = [m.id for m in meeting.council.members if m.user.username in usernames]
    cs.set_attendance(_user("thuky"), meeting, meeting.version, members)


def test_quorum_is_required_to_open(meeting):
    _attend(meeting, ["thuky", "hoidong1", "hd2", "hd3"])  # 4 of 6 = 66.6% < 66.67%
    with pytest.raises(InvalidState):
        cs.open_ballot(_user("thuky"), meeting, meeting.version)
    _attend(meeting, ["thuky", "hoidong1", "hd2", "hd3", "hd4"])
    cs.open_ballot(_user("thuky"), meeting, meeting.version)
    assert meeting.state == "voting" and meeting.members_present == 5


def test_only_the_secretary_runs_the_meeting(meeting):
    with pytest.raises(PermissionDenied):
        _attend_as(meeting, "hoidong1")
    with pytest.raises(PermissionDenied):
        cs.open_ballot(_user("admin"), meeting, meeting.version)


def _attend_as(meeting, username):
    cs.set_attendance(_user(username), meeting, meeting.version, [])


def test_votes_tally_thresholds_and_secrecy(meeting):
    _attend(meeting, ["thuky", "hoidong1", "hd2", "hd3", "hd4", "hd5"])
    cs.open_ballot(_user("thuky"), meeting, meeting.version)
    ldtt, cstd = meeting.items
    choices = {"thuky": "agree", "hoidong1": "agree", "hd2": "agree", "hd3": "agree",
               "hd4": "disagree", "hd5": "abstain"}
    for name, choice in choices.items():
        cs.cast_vote(_user(name), ldtt, choice)
        cs.cast_vote(_user(name), cstd, choice)
    with pytest.raises(InvalidState):  # a second vote
        cs.cast_vote(_user("hd2"), ldtt, "disagree")
    outsider = gen_user("ngoai", "viewer", db.session.get(Unit, meeting.council.unit_id))
    with pytest.raises(PermissionDenied):
        cs.cast_vote(outsider, ldtt, "agree")
    cs.close_ballot(_user("thuky"), meeting, meeting.version)
    db.session.refresh(ldtt)
    db.session.refresh(cstd)
    assert (ldtt.agree, ldtt.disagree, ldtt.abstain, ldtt.base) == (4, 1, 1, 6)
    assert ldtt.passed is True          # 4/6 = 67% ≥ 50% of those present
    assert cstd.passed is False         # 4/6 < 90% of all members
    with pytest.raises(InvalidState):   # closed: nothing more is accepted
        cs.cast_vote(_user("hd5"), ldtt, "agree")
    # Secrecy: no stored row links a member to a choice; the papers are gone once counted.
    assert {c.key for c in inspect(BallotParticipation).columns} == {"item_id", "member_id",
                                                                  "written"}
    assert {c.key for c in inspect(BallotPaper).columns} == {"id", "item_id", "sealed"}
    item_columns = {c.key for c in inspect(AgendaItem).columns}
    assert not {"member_id", "user_id", "choice"} & item_columns
    assert db.session.scalar(select(func.count()).select_from(BallotPaper)) == 0
    assert meeting.ballot_salt is None
    assert not db.session.scalars(select(AuditEvent).where(AuditEvent.action ==
                                                           "ballot.vote")).all()
    # the audit names who voted on what, in alphabetical order, never the choices
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action ==
                                                       "ballot.participation"))
    assert event.after_data == {str(ldtt.nomination_id): sorted(choices),
                           str(cstd.nomination_id): sorted(choices)}
    assert not any(word in event.after for word in ("agree", "disagree", "abstain"))


def test_absent_member_cannot_vote(meeting):
    _attend(meeting, ["thuky", "hoidong1", "hd2", "hd3", "hd4"])
    cs.open_ballot(_user("thuky"), meeting, meeting.version)
    with pytest.raises(PermissionDenied):
        cs.cast_vote(_user("hd5"), meeting.items[0], "agree")


def test_agenda_only_takes_dossiers_on_the_agenda(meeting, world):
    other = nom.create(SYSTEM, award=award_by_code("CSTDCS"), year=2026,
                       proposing_unit=db.session.get(Unit, world.unit1.id),
                       person=db.session.get(Person, world.person1.id),
                       texts={"summary": "x"})
    with pytest.raises(InvalidState):
        cs.add_to_agenda(_user("thuky"), meeting, other)
    with pytest.raises(InvalidState):  # already on this meeting's agenda
        cs.add_to_agenda(_user("thuky"), meeting, db.session.scalar(
            select(Nomination).where(Nomination.state == "on_agenda")))


def test_meeting_pages(world, login, in_app):
    with in_app():
        top = db.session.get(Unit, world.top.id)
        council = cs.create_council(SYSTEM, top, "Hội đồng", Decimal(50))
        cs.add_member(SYSTEM, council, _user("thuky"), "secretary")
        cs.add_member(SYSTEM, council, _user("hoidong1"), "member")
        meeting_id = cs.schedule(SYSTEM, council, "Phiên 1", date(2026, 12, 1)).id
        council_id = council.id
    assert login("hoidong1").get(f"/meetings/{meeting_id}").status_code == 200
    assert login("donvi1").get(f"/meetings/{meeting_id}").status_code == 404
    secretary = login("thuky")
    assert secretary.get(f"/councils/{council_id}").status_code == 200
    refused = secretary.post(f"/meetings/{meeting_id}/open", data={"version": "1"})
    assert refused.status_code == 409  # empty agenda
    assert login("hoidong1").post(f"/meetings/{meeting_id}/open",
                                  data={"version": "1"}).status_code == 403


def test_publication_objection_decision_and_revocation(meeting, world):
    from datetime import date as d

    from emulation.awards.decisions import services as ds
    from emulation.awards.decisions.models import Objection
    from emulation.awards.records.models import AwardRecord

    close_with(meeting, "agree")
    ldtt = meeting.items[0].nomination
    top = db.session.get(Unit, world.top.id)
    with pytest.raises(ServiceError):  # not published yet
        ds.object_to(_user("xem"), ldtt, "Không đúng")
    with pytest.raises(InvalidState):
        ds.create_decision(_user("tochuc"), top, number="1/QĐ", signed_on=d(2026, 12, 30),
                           signer="Chủ tịch", nominations=[ldtt], today=d(2026, 12, 21))
    publication = ds.publish(_user("tochuc"), meeting, d(2026, 12, 21))
    # CSTĐ bộ has 0 publication days seeded; the period is the longest of the list (0 here)
    assert publication.ends_on == d(2026, 12, 21)
    objection = ds.object_to(_user("xem"), ldtt, "Đề nghị xem lại thời gian công tác")
    with pytest.raises(InvalidState):  # an open objection blocks the decision
        ds.create_decision(_user("tochuc"), top, number="1/QĐ", signed_on=d(2026, 12, 30),
                           signer="Chủ tịch", nominations=[ldtt], today=d(2026, 12, 22))
    with pytest.raises(ServiceError):
        ds.resolve(_user("tochuc"), objection, False, "")
    ds.resolve(_user("tochuc"), objection, False, "Đã xác minh, đúng quy định")
    assert db.session.get(Objection, objection.id).state == "dismissed"
    decision = ds.create_decision(_user("tochuc"), top, number="1/QĐ-CĐCT",
                                  signed_on=d(2026, 12, 30), signer="Chủ tịch",
                                  nominations=[ldtt], today=d(2026, 12, 22))
    with pytest.raises(PermissionDenied):
        ds.issue(_user("tochuc_a"), decision, decision.version, d(2026, 12, 30))
    ds.issue(_user("tochuc"), decision, decision.version, d(2026, 12, 30))
    # signed 30/12/2026: the base salary in force is 2,530,000 VND (from 01/07/2026), and
    # 0.3 × 2,530,000 = 759,000 is rounded up to 760,000
    assert decision.state == "issued" and decision.base_salary == 2_530_000
    assert decision.items[0].cash_amount == 760_000 and decision.total_cash == 760_000
    record = db.session.get(AwardRecord, decision.items[0].award_record_id)
    assert record.award_code == "LDTT" and record.source == "decision"
    with pytest.raises(InvalidState):
        ds.refuse_edit(decision)
    with pytest.raises(InvalidState):  # issuing twice
        ds.issue(_user("tochuc"), decision, decision.version, d(2026, 12, 30))
    with pytest.raises(ServiceError):
        ds.revoke(_user("tochuc"), decision, decision.version, "")
    ds.revoke(_user("tochuc"), decision, decision.version, "Sai đối tượng")
    assert decision.state == "revoked" and db.session.get(AwardRecord, record.id).revoked


def test_upheld_objection_withdraws_the_nomination(meeting, world):
    from datetime import date as d

    from emulation.awards.decisions import services as ds

    _attend(meeting, ["thuky", "hoidong1", "hd2", "hd3", "hd4", "hd5"])
    cs.open_ballot(_user("thuky"), meeting, meeting.version)
    for name in ("thuky", "hoidong1", "hd2", "hd3", "hd4", "hd5"):
        cs.cast_vote(_user(name), meeting.items[0], "agree")
        cs.cast_vote(_user(name), meeting.items[1], "disagree")
    cs.close_ballot(_user("thuky"), meeting, meeting.version)
    ds.publish(_user("tochuc"), meeting, d(2026, 12, 21))
    n = meeting.items[0].nomination
    objection = ds.object_to(_user("donvi2"), n, "Đang bị kỷ luật")
    ds.resolve(_user("tochuc"), objection, True, "Xác minh đúng")
    assert n.state == "withdrawn"
    assert ds.grantable(n, d(2027, 1, 10)) is not None


def test_decree152_art49_titles_of_one_period_are_paid_only_the_highest(meeting, world):
    from datetime import date as d

    from emulation.awards.decisions import services as ds
    from emulation.awards.decisions.cash import cash_amount

    close_with(meeting, "agree")
    ds.publish(_user("tochuc"), meeting, d(2026, 12, 21))
    ldtt, cstd_bo = (item.nomination for item in meeting.items)
    top = db.session.get(Unit, world.top.id)
    decision = ds.create_decision(_user("tochuc"), top, number="2/QĐ-CĐCT",
                                  signed_on=d(2026, 12, 30), signer="Chủ tịch",
                                  nominations=[ldtt, cstd_bo], today=d(2026, 12, 22))
    ds.issue(_user("tochuc"), decision, decision.version, d(2026, 12, 30))
    paid = {i.nomination.award_type.code: i.cash_amount for i in decision.items}
    highest = cash_amount(Decimal("3.0"), decision.base_salary)
    assert paid == {"LDTT": 0, "CSTD_BO": highest}
    assert decision.total_cash == highest


def test_decree152_art49_54_cash_multiples_per_subject_kind():
    from emulation.awards.decisions.cash import multiple_for, pay_highest_title

    assert multiple_for("individual", Decimal("1.5"), Decimal("3.0")) == Decimal("1.5")
    assert multiple_for("collective", Decimal("1.5"), Decimal("3.0")) == Decimal("3.0")
    assert multiple_for("collective", Decimal("0.8"), None) == Decimal("0.8")
    assert pay_highest_title([("a", 1, 710_000), ("b", 1, 2_340_000), ("c", 2, 710_000)]) == \
        {"a": 0, "b": 2_340_000, "c": 710_000}
    # an earlier title of the period was paid: the highest tops it up to its own amount
    assert pay_highest_title([("b", 1, 2_340_000)], {1: 710_000}) == {"b": 1_630_000}
    assert pay_highest_title([("b", 1, 710_000)], {1: 2_340_000}) == {"b": 0}


def test_working_days_and_cash():
    from datetime import date as d

    from emulation.awards.decisions.cash import cash_amount
    from emulation.core.calendar import add_working_days

    assert add_working_days(d(2026, 11, 20), 10, set()) == d(2026, 12, 4)  # Friday + 10
    assert add_working_days(d(2026, 8, 31), 2, {d(2026, 9, 1), d(2026, 9, 2)}) == d(2026, 9, 4)
    assert cash_amount(Decimal("0.3"), 2_340_000) == 710_000
    assert cash_amount(Decimal("1.5"), 2_340_000) == 3_510_000
    assert cash_amount(None, 2_340_000) is None


def test_meeting_documents(meeting, app):
    import io

    import docx
    import openpyxl

    from emulation.awards.decisions.documents import minutes, submission_memo
    from emulation.awards.decisions.services import agenda_rows as _agenda_rows

    rows = _agenda_rows(meeting)
    memo = docx.Document(io.BytesIO(submission_memo(meeting, rows, date(2026, 12, 10))))
    texts = [p.text for p in memo.paragraphs]
    assert "TỜ TRÌNH" in texts
    header = memo.tables[0]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in header.cell(0, 1).text
    assert "Độc lập - Tự do - Hạnh phúc" in header.cell(0, 1).text
    assert memo.sections[0].left_margin.mm == pytest.approx(30, abs=0.1)
    assert all(run.font.name == "Times New Roman" for p in memo.paragraphs for run in p.runs
               if run.text.strip())
    assert memo.styles["Normal"].font.name == "Times New Roman"
    annex = memo.tables[-1]
    assert len(annex.rows) == 1 + 2 and "Chưa đủ" in annex.cell(2, 4).text
    rows = [{**r, "agree": 5, "disagree": 1, "abstain": 0, "result": "Đạt"} for r in rows]
    record = docx.Document(io.BytesIO(minutes(meeting, rows)))
    assert "BIÊN BẢN" in [p.text for p in record.paragraphs]
    with app.test_request_context():
        from flask_login import login_user

        login_user(_user("thuky"))
        from emulation.awards.decisions.views import agenda_list

        response = agenda_list(meeting.id)
        sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
        assert sheet["B1"].value == "Họ tên / Tập thể" and sheet.max_row == 3


def test_an_unreadable_date_is_said_to_be_invalid_not_missing(meeting, app):
    """A DataRequired date field answers "required" for a date it cannot read; the forms
    use InputRequired so the reason shown is the real one."""
    client = app.test_client()
    assert client.post("/login", data={"username": "tochuc", "password": PASSWORD}) \
        .status_code == 302
    response = client.post("/decisions/new", data={"unit_code": "CDCTVN", "number": "1/QĐ",
                                                   "signer": "Chủ tịch",
                                                   "signed_on": "31/02/2026-bad"})
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Nhập ngày theo dạng dd/mm/yyyy" in text and "bắt buộc" not in text


def test_a_council_for_an_unknown_unit_code_is_refused_with_the_reason(meeting, app):
    from emulation.awards.councils.models import Council

    client = app.test_client()
    assert client.post("/login", data={"username": "tochuc", "password": PASSWORD}) \
        .status_code == 302
    before = db.session.scalar(select(func.count(Council.id)))
    response = client.post("/councils/", data={"unit_code": "KHONG-CO", "name": "Hội đồng"})
    assert response.status_code == 400
    assert "KHONG-CO" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Council.id))) == before

"""Written opinions of absent council members (phiếu ý kiến bằng văn bản), issue 14 item 11.

Where an award's threshold is counted over all the council's members, a member who cannot
attend counted as a "no": attendance decided the outcome. The text that set that threshold paired
it with a written opinion from absent members (Decree 91/2017/NĐ-CP Art. 45.8, repealed; the
current provision is to verify). The secretary records the signed opinion while the ballot is
open; it goes into the sealed box like a vote and counts as one.

The `meeting` fixture: six members (thuky the secretary, hoidong1 the chair, hd2–hd5), a quorum
of two thirds, and two dossiers — LĐTT (majority of those present, no written opinions) and
CSTĐ bộ (90% of all members, written opinions allowed by the seed).
"""
from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from emulation.awards.catalogue.models import AwardType
from emulation.awards.catalogue.services import award_by_code, update_award
from emulation.awards.councils import services as cs
from emulation.awards.councils.models import (
    AgendaItem,
    BallotPaper,
    BallotParticipation,
    CouncilMeeting,
)
from emulation.core.audit import AuditEvent
from emulation.core.errors import InvalidState, PermissionDenied, ServiceError
from emulation.core.permissions import SYSTEM
from emulation.extensions import db
from emulation.org.models import Unit
from tests.awards.conftest import _user
from tests.factories import gen_user

PRESENT = ("thuky", "hoidong1", "hd2", "hd3", "hd4")  # 5 of 6: the quorum of two thirds


def _member(meeting, username):
    return next(m for m in meeting.council.members if m.user.username == username)


def _open_without(meeting, *absent):
    """Everyone but `absent` present, and the ballot open."""
    present = [m.id for m in meeting.council.members if m.user.username not in absent]
    cs.set_attendance(_user("thuky"), meeting, meeting.version, present)
    cs.open_ballot(_user("thuky"), meeting, meeting.version)


def _written(meeting, item, username, choice, actor="thuky"):
    cs.record_written_opinion(_user(actor), item, _member(meeting, username).id, choice)


def _close(meeting):
    cs.close_ballot(_user("thuky"), meeting, meeting.version)
    for item in meeting.items:
        db.session.refresh(item)


def _rows():
    return (db.session.scalar(select(func.count()).select_from(BallotParticipation)),
            db.session.scalar(select(func.count()).select_from(BallotPaper)))


# --- the seed and the award page ------------------------------------------------------------------

def test_seed_allows_written_opinions_where_the_vote_is_over_all_members(meeting):
    awards = db.session.scalars(select(AwardType)).all()
    assert {a.code for a in awards if a.written_votes_allowed} == \
        {a.code for a in awards if a.vote_base == "all"}
    assert award_by_code("CSTD_BO").written_votes_allowed
    assert not award_by_code("LDTT").written_votes_allowed


def test_an_administrator_changes_it_on_the_award_page_audited(world, login, in_app):
    from emulation.awards.catalogue.data import seed

    with in_app() as session:
        seed(session)
        session.commit()
        award = award_by_code("LDTT")
        form = {"version": award.version, "name": award.name, "category": award.category,
                "subject": award.subject, "level": award.level,
                "issuing_authority": award.issuing_authority, "cash_multiple": "0.3",
                "cash_multiple_collective": "", "legal_reference": award.legal_reference,
                "note": award.note, "vote_threshold_pct": "50", "vote_base": award.vote_base,
                "publication_days": "0", "active": "y", "written_votes_allowed": "y"}
    assert login("tochuc").post("/awards/LDTT", data=form).status_code == 403
    with in_app():
        assert not award_by_code("LDTT").written_votes_allowed
    admin = login("admin")
    assert 'name="written_votes_allowed"' in admin.get("/awards/LDTT").get_data(as_text=True)
    assert admin.post("/awards/LDTT", data=form).status_code == 302
    with in_app() as session:
        award = award_by_code("LDTT")
        assert award.written_votes_allowed
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "award.update",
                                                        AuditEvent.object_id == award.id))
        assert event.actor_name == "admin"
        assert event.before_data == {"written_votes_allowed": False}
        assert event.after_data == {"written_votes_allowed": True}


# --- counting -------------------------------------------------------------------------------------

@pytest.mark.parametrize("with_written", [False, True])
def test_decree91_art45_a_threshold_over_all_members_is_reached_with_a_written_opinion(
        meeting, with_written):
    """CSTĐ bộ needs 90% of all six members: the five present cannot reach it (5/6 = 83%);
    the absent member's written "agree" makes six of six."""
    _open_without(meeting, "hd5")
    ldtt, cstd = meeting.items
    for name in PRESENT:
        cs.cast_vote(_user(name), ldtt, "agree")
        cs.cast_vote(_user(name), cstd, "agree")
    if with_written:
        _written(meeting, cstd, "hd5", "agree")
    _close(meeting)
    assert cstd.base == 6
    assert (cstd.agree, cstd.disagree, cstd.abstain) == ((6 if with_written else 5), 0, 0)
    assert cstd.passed is with_written
    assert (ldtt.agree, ldtt.base, ldtt.passed) == (5, 5, True)


def test_a_written_opinion_counts_in_the_base_over_those_present(meeting):
    """An award counted over the members present that takes written opinions: the written
    opinion's member joins the base. 3 agree of 5 present is 60%; with a written "disagree"
    it is 3 of 6 = 50%, short of 60%."""
    award = award_by_code("LDTT")
    update_award(_user("admin"), award, award.version,
                 {"subject": award.subject, "vote_threshold_pct": Decimal(60),
                  "vote_base": "present", "written_votes_allowed": True})
    _open_without(meeting, "hd5")
    ldtt, cstd = meeting.items
    for name, choice in zip(PRESENT, ("agree", "agree", "agree", "disagree", "disagree"),
                            strict=True):
        cs.cast_vote(_user(name), ldtt, choice)
        cs.cast_vote(_user(name), cstd, choice)
    _written(meeting, ldtt, "hd5", "disagree")
    _close(meeting)
    assert (ldtt.agree, ldtt.disagree, ldtt.base) == (3, 3, 6)
    assert ldtt.passed is False
    assert cstd.base == 6 and cstd.passed is False


def test_written_opinions_count_towards_the_votes_an_item_needs(meeting):
    """Five votes are needed (two thirds of six); four present voted on CSTĐ bộ: the written
    opinion makes the fifth."""
    _open_without(meeting, "hd5")
    ldtt, cstd = meeting.items
    assert cs.votes_needed(meeting) == 5
    for name in PRESENT:
        cs.cast_vote(_user(name), ldtt, "agree")
    for name in PRESENT[:4]:
        cs.cast_vote(_user(name), cstd, "agree")
    with pytest.raises(InvalidState, match="4"):
        cs.close_ballot(_user("thuky"), meeting, meeting.version)
    _written(meeting, cstd, "hd5", "disagree")
    assert cs.votes_cast(meeting)[cstd.id] == 5 and cs.votes_written(meeting) == {cstd.id: 1}
    _close(meeting)
    assert (cstd.agree, cstd.disagree) == (4, 1)


def test_the_quorum_to_open_counts_only_the_members_present(meeting):
    """Written opinions are recorded once the ballot is open; before, four present of six
    are short of the quorum whatever the absent members wrote."""
    present = [m.id for m in meeting.council.members if m.user.username in PRESENT[:4]]
    cs.set_attendance(_user("thuky"), meeting, meeting.version, present)
    with pytest.raises(InvalidState):  # the ballot is not open: nothing to record into
        _written(meeting, meeting.items[1], "hd5", "agree")
    with pytest.raises(InvalidState, match="4"):
        cs.open_ballot(_user("thuky"), meeting, meeting.version)
    assert _rows() == (0, 0)


def test_present_votes_alone_must_keep_the_secret(meeting):
    """The secretary read the written opinions: with three of them and only two votes of
    members present, the totals would tell the secretary each present voter's choice. The
    close waits for a third present vote."""
    council = meeting.council
    council.quorum_pct = Decimal(50)
    db.session.commit()
    _open_without(meeting, "hd3", "hd4", "hd5")  # 3 of 6 present: the quorum of half
    ldtt, cstd = meeting.items
    assert cs.votes_needed(meeting) == 3
    for name in ("thuky", "hoidong1", "hd2"):
        cs.cast_vote(_user(name), ldtt, "agree")
    for name in ("hd3", "hd4", "hd5"):
        _written(meeting, cstd, name, "agree")
    for name in ("thuky", "hoidong1"):
        cs.cast_vote(_user(name), cstd, "disagree")
    with pytest.raises(InvalidState, match="2"):
        cs.close_ballot(_user("thuky"), meeting, meeting.version)
    assert meeting.state == "voting"
    cs.cast_vote(_user("hd2"), cstd, "abstain")
    _close(meeting)
    assert (cstd.agree, cstd.disagree, cstd.abstain, cstd.base) == (3, 2, 1, 6)


# --- refusals -------------------------------------------------------------------------------------

def test_a_present_member_votes_in_person(meeting):
    _open_without(meeting, "hd5")
    with pytest.raises(InvalidState):
        _written(meeting, meeting.items[1], "hd4", "agree")
    assert _rows() == (0, 0)


def test_only_a_member_of_the_council(meeting, world):
    _open_without(meeting, "hd5")
    other = cs.create_council(SYSTEM, db.session.get(Unit, world.top.id), "Hội đồng khác",
                              Decimal(50))
    stranger = cs.add_member(SYSTEM, other, gen_user("ngoai", "council_member",
                                                     db.session.get(Unit, world.top.id)),
                             "member")
    for member_id in (stranger.id, None, 2**31 - 1):
        with pytest.raises(ServiceError) as refused:
            cs.record_written_opinion(_user("thuky"), meeting.items[1], member_id, "agree")
        assert refused.value.status == 400
    assert _rows() == (0, 0)


def test_only_where_the_award_allows_it(meeting):
    _open_without(meeting, "hd5")
    with pytest.raises(InvalidState, match="Lao động tiên tiến"):
        _written(meeting, meeting.items[0], "hd5", "agree")  # LĐTT takes none
    assert _rows() == (0, 0)


def test_only_while_the_ballot_is_open(meeting):
    ldtt, cstd = meeting.items
    with pytest.raises(InvalidState):  # scheduled
        _written(meeting, cstd, "hd5", "agree")
    _open_without(meeting, "hd5")
    for name in PRESENT:
        cs.cast_vote(_user(name), ldtt, "agree")
        cs.cast_vote(_user(name), cstd, "agree")
    _close(meeting)
    with pytest.raises(InvalidState):  # closed
        _written(meeting, cstd, "hd5", "agree")
    assert (cstd.agree, cstd.base) == (5, 6)


def test_one_written_opinion_per_member_and_item(meeting):
    _open_without(meeting, "hd5")
    cstd = meeting.items[1]
    _written(meeting, cstd, "hd5", "agree")
    with pytest.raises(InvalidState, match="đã được ghi nhận") as refused:
        _written(meeting, cstd, "hd5", "disagree")
    assert refused.value.status == 409
    assert _rows() == (1, 1)


@pytest.mark.parametrize("actor", ["hoidong1", "hd5", "tochuc", "admin"])
def test_only_the_secretary_records_it(meeting, actor):
    """A council member (the absent one included) and the council unit's organiser are
    refused, like an administrator."""
    _open_without(meeting, "hd5")
    with pytest.raises(PermissionDenied):
        _written(meeting, meeting.items[1], "hd5", "agree", actor=actor)
    assert _rows() == (0, 0)


def test_an_unknown_choice_is_refused(meeting):
    _open_without(meeting, "hd5")
    with pytest.raises(ServiceError):
        _written(meeting, meeting.items[1], "hd5", "yes")
    assert _rows() == (0, 0)


def test_annulling_destroys_the_written_opinions_too(meeting):
    _open_without(meeting, "hd5")
    _written(meeting, meeting.items[1], "hd5", "agree")
    cs.annul_ballot(_user("thuky"), meeting, meeting.version, "Thành viên về sớm")
    assert _rows() == (0, 0)


# --- secrecy in the application -------------------------------------------------------------------

def test_the_close_names_written_opinions_alphabetically_never_the_choices(meeting):
    meeting.council.quorum_pct = Decimal(50)
    db.session.commit()
    _open_without(meeting, "hd2", "hd5")
    ldtt, cstd = meeting.items
    before = db.session.scalar(select(func.count()).select_from(AuditEvent))
    _written(meeting, cstd, "hd5", "disagree")
    _written(meeting, cstd, "hd2", "agree")
    # a written opinion writes nothing to the audit log, like a vote (its time would order it)
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == before
    for name in ("thuky", "hoidong1", "hd3", "hd4"):
        cs.cast_vote(_user(name), ldtt, "agree")
        cs.cast_vote(_user(name), cstd, "agree")
    _close(meeting)
    participation = db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "ballot.participation"))
    assert participation.after_data[str(cstd.nomination_id)] == \
        ["hd2", "hd3", "hd4", "hd5", "hoidong1", "thuky"]
    written = db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "ballot.written_opinions"))
    assert written.after_data == {str(cstd.nomination_id): ["hd2", "hd5"]}
    assert not any(word in written.after + participation.after
                   for word in ("agree", "disagree", "abstain"))
    assert (cstd.agree, cstd.disagree, cstd.base) == (5, 1, 6)


def test_no_written_opinion_no_audit_row_for_them(meeting):
    _open_without(meeting)
    for member in meeting.council.members:
        for item in meeting.items:
            cs.cast_vote(member.user, item, "agree")
    _close(meeting)
    assert db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "ballot.written_opinions")) is None


def _section(page: str) -> str:
    """The written-opinions section of the meeting page, without its CSRF token."""
    match = re.search(r'<section id="written-opinions".*?</section>', page, re.S)
    assert match, "no written-opinions section"
    return re.sub(r'name="csrf_token"[^>]*', "", match.group(0))


def test_the_page_records_them_and_shows_whose_never_what(meeting_id, login, in_app):
    with in_app() as session:
        meeting = session.get(CouncilMeeting, meeting_id)
        _open_without(meeting, "hd5")
        ldtt, cstd = meeting.items
        ldtt_id, cstd_id, hd5 = ldtt.id, cstd.id, _member(meeting, "hd5").id
    secretary = login("thuky")
    page = secretary.get(f"/meetings/{meeting_id}").get_data(as_text=True)
    section = _section(page)
    assert f"/agenda/{cstd_id}/written" in section
    assert f"/agenda/{ldtt_id}/written" not in section  # LĐTT takes none
    assert "chưa có phiếu ý kiến" in section
    done = secretary.post(f"/agenda/{cstd_id}/written", data={"member": hd5, "choice": "1"})
    assert done.status_code == 302
    page = secretary.get(f"/meetings/{meeting_id}").get_data(as_text=True)
    section = _section(page)
    assert "đã ghi nhận phiếu ý kiến" in section
    assert f"/agenda/{cstd_id}/written" not in section  # nobody left to record
    assert "1 phiếu ý kiến bằng văn bản của thành viên vắng mặt" in page
    assert "0/5 thành viên có mặt đã bỏ phiếu" in page  # the written one is not "present"
    # the same page whatever the written opinion said
    with in_app() as session:
        meeting = session.get(CouncilMeeting, meeting_id)
        cs.annul_ballot(_user("thuky"), meeting, meeting.version, "Ghi lại")
        cs.open_ballot(_user("thuky"), meeting, meeting.version)
    assert secretary.post(f"/agenda/{cstd_id}/written",
                          data={"member": hd5, "choice": "2"}).status_code == 302
    again = secretary.get(f"/meetings/{meeting_id}").get_data(as_text=True)
    assert _section(again) == section
    # members see no such section
    member_page = login("hoidong1").get(f"/meetings/{meeting_id}").get_data(as_text=True)
    assert 'id="written-opinions"' not in member_page


def test_every_refusal_through_the_page_is_a_clear_4xx(meeting_id, login, in_app, world):
    with in_app() as session:
        meeting = session.get(CouncilMeeting, meeting_id)
        _open_without(meeting, "hd5")
        ldtt, cstd = meeting.items
        ids = {"ldtt": ldtt.id, "cstd": cstd.id, "hd5": _member(meeting, "hd5").id,
               "hd4": _member(meeting, "hd4").id}
    secretary = login("thuky")

    def post(client, item, member, choice="1"):
        return client.post(f"/agenda/{ids[item]}/written",
                           data={"member": member, "choice": choice})

    assert post(login("hoidong1"), "cstd", ids["hd5"]).status_code == 403
    assert post(login("tochuc"), "cstd", ids["hd5"]).status_code == 403
    assert post(login("donvi1"), "cstd", ids["hd5"]).status_code == 404  # not their council
    assert post(secretary, "cstd", ids["hd4"]).status_code == 409          # present
    assert post(secretary, "ldtt", ids["hd5"]).status_code == 409          # award: none
    assert post(secretary, "cstd", 999999).status_code == 400              # not a member
    assert post(secretary, "cstd", "x").status_code == 400
    assert post(secretary, "cstd", ids["hd5"], "agree").status_code == 400  # one digit
    assert post(secretary, "cstd", ids["hd5"], "").status_code == 400
    with in_app():
        assert _rows() == (0, 0)
    assert post(secretary, "cstd", ids["hd5"]).status_code == 302
    twice = post(secretary, "cstd", ids["hd5"], "2")
    assert twice.status_code == 409
    assert "đã được ghi nhận" in twice.get_data(as_text=True)
    with in_app() as session:
        assert _rows() == (1, 1)
        meeting = session.get(CouncilMeeting, meeting_id)
        for name in PRESENT:
            for item in meeting.items:
                cs.cast_vote(_user(name), item, "agree")
        cs.close_ballot(_user("thuky"), meeting, meeting.version)
    assert post(secretary, "cstd", ids["hd5"]).status_code == 409          # closed


def test_the_page_and_minutes_give_the_number_of_written_opinions(meeting_id, login, in_app):
    from docx import Document

    with in_app() as session:
        meeting = session.get(CouncilMeeting, meeting_id)
        _open_without(meeting, "hd5")
        ldtt, cstd = meeting.items
        for name in PRESENT:
            cs.cast_vote(_user(name), ldtt, "agree")
            cs.cast_vote(_user(name), cstd, "agree")
        _written(meeting, cstd, "hd5", "agree")
        cs.close_ballot(_user("thuky"), meeting, meeting.version)
        assert session.get(AgendaItem, cstd.id).passed
    client = login("tochuc")
    page = client.get(f"/meetings/{meeting_id}").get_data(as_text=True)
    assert "trong đó 1 phiếu ý kiến bằng văn bản" in page
    response = client.get(f"/meetings/{meeting_id}/minutes.docx")
    assert response.status_code == 200
    document = Document(io.BytesIO(response.data))
    text = " ".join(p.text for p in document.paragraphs)
    assert "vắng mặt có ý kiến bằng văn bản: tổng cộng 1 phiếu ý kiến" in text
    table = document.tables[-2]  # the tally, before the signatures
    header = [c.text for c in table.rows[0].cells]
    assert "Trong đó phiếu bằng văn bản" in header
    column = header.index("Trong đó phiếu bằng văn bản")
    assert [row.cells[column].text for row in table.rows[1:]] == ["0", "1"]


def test_minutes_without_written_opinions_keep_their_table(meeting, app):
    import docx

    from emulation.awards.decisions.documents import minutes
    from emulation.awards.decisions.services import agenda_rows

    rows = [{**r, "agree": 5, "disagree": 1, "abstain": 0, "written": 0, "result": "Đạt"}
            for r in agenda_rows(meeting)]
    record = docx.Document(io.BytesIO(minutes(meeting, rows)))
    texts = " ".join(p.text for p in record.paragraphs)
    assert "bằng văn bản" not in texts
    assert len(record.tables[-2].columns) == 7

"""Ids and codes from another branch, posted to every operation that takes them from the client.

Two branches, each with its campaign, pledge, council, meeting and a dossier passed by its
council and published. Logged in as branch A's organiser (or a unit officer of A, or A's
council secretary), each case posts branch B's ids or codes — web forms and API — and
expects a refusal with nothing written: the rows of the tables the operation writes and the
audit trail are counted before and after.

What the refusal is (README, security): an id outside the actor's scope is answered exactly as
an id that does not exist — 404 — so its existence is not revealed; a code typed in a form is
refused with the same words as an unknown code (400 on the form).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from emulation.api.services import create_token
from emulation.auth.models import User
from emulation.awards.catalogue.data import seed
from emulation.awards.catalogue.services import award_by_code
from emulation.awards.councils import services as cs
from emulation.awards.councils.models import (
    AgendaItem,
    Council,
    CouncilMeeting,
    MeetingAttendance,
)
from emulation.awards.decisions.models import Decision, DecisionItem, Publication
from emulation.awards.nominations import services as nom
from emulation.awards.nominations.models import Nomination
from emulation.awards.records.models import AwardRecord
from emulation.campaigns.models import Campaign, CampaignParticipant, Cluster
from emulation.core.audit import AuditEvent
from emulation.core.permissions import SYSTEM
from emulation.extensions import db
from emulation.org.models import Person, Unit
from emulation.pledges import services as ps
from emulation.pledges.models import DeadlineExtension, Pledge, TitleRegistration
from emulation.scoring.models import ScoreAdjustment
from tests.factories import gen_campaign, gen_user


@dataclass
class Scene:
    """Ids of both branches' records (A is the actor's branch, B the foreign one)."""

    campaign_a: int
    campaign_b: int
    pledge_a: int
    pledge_b: int
    meeting_a: int
    member_b: int
    nomination_a: int
    nomination_b: int
    draft_nomination_b: int
    person_b: int
    person_a: int


@pytest.fixture
def scene(app, world) -> Scene:
    with app.app_context():
        seed(db.session)
        unit1, unit2 = db.session.get(Unit, world.unit1.id), db.session.get(Unit, world.unit2.id)
        branch_a = db.session.get(Unit, world.branch_a.id)
        branch_b = db.session.get(Unit, world.branch_b.id)
        campaign_a = gen_campaign(branch_a, title="Thi đua nhánh A", participants=[unit1])
        campaign_b = gen_campaign(branch_b, title="Thi đua nhánh B", participants=[unit2])
        pledges = []
        for campaign, unit in ((campaign_a, unit1), (campaign_b, unit2)):
            pledge = ps.save_pledge(SYSTEM, campaign, unit, 0, {
                m.id: {"commitment": "Hoàn thành"} for m in campaign.movements})
            ps.submit(SYSTEM, pledge, pledge.version, date(2026, 2, 1))
            pledges.append(pledge)
        gen_user("thuky_a", "council_secretary", branch_a)
        gen_user("thuky_b", "council_secretary", branch_b)
        meetings, members, passed = [], [], []
        for branch, secretary, person in ((branch_a, "thuky_a", world.person1.id),
                                          (branch_b, "thuky_b", world.person2.id)):
            council = cs.create_council(SYSTEM, branch, f"Hội đồng {branch.code}", Decimal(50))
            members.append(cs.add_member(SYSTEM, council, _user(secretary), "secretary"))
            n = nom.create(SYSTEM, award=award_by_code("LDTT"), year=2026,
                           proposing_unit=db.session.get(Person, person).unit,
                           person=db.session.get(Person, person), texts={"summary": "x"})
            n.state, n.level_unit = "on_agenda", branch
            # the council passed it at an earlier meeting and the list was published
            done = CouncilMeeting(council=council, title="Phiên trước", held_on=date(2025, 12, 1),
                                  state="closed")
            db.session.add(done)
            db.session.add(AgendaItem(meeting=done, nomination=n, passed=True))
            db.session.add(Publication(meeting=done, starts_on=date(2025, 12, 2),
                                       ends_on=date(2025, 12, 20), published_by="system"))
            db.session.commit()
            passed.append(n)
            meetings.append(cs.schedule(SYSTEM, council, "Phiên họp", date(2026, 12, 1)))
        draft_b = nom.create(SYSTEM, award=award_by_code("CSTDCS"), year=2026,
                             proposing_unit=unit2, person=db.session.get(Person, world.person2.id),
                             texts={"summary": "y"})
        scene = Scene(campaign_a.id, campaign_b.id, pledges[0].id, pledges[1].id, meetings[0].id,
                      members[1].id, passed[0].id, passed[1].id, draft_b.id, world.person2.id,
                      world.person1.id)
        db.session.remove()
    return scene


WRITTEN = (AuditEvent, Decision, DecisionItem, AwardRecord, AgendaItem, Council, Campaign,
           CampaignParticipant, Cluster, Unit, Person, Nomination, TitleRegistration,
           DeadlineExtension, ScoreAdjustment)


def _counts(in_app) -> dict:
    with in_app() as session:
        counts = {m.__tablename__: session.scalar(select(func.count()).select_from(m))
                  for m in WRITTEN}
        counts["approved pledges"] = session.scalar(select(func.count(Pledge.id)).where(
            Pledge.state == "approved"))
        counts["attendance"] = session.scalar(select(func.count()).select_from(
            MeetingAttendance))
        counts["nomination versions"] = session.scalar(select(func.sum(Nomination.version)))
        counts["person versions"] = session.scalar(select(func.sum(Person.version)))
        counts["unit versions"] = session.scalar(select(func.sum(Unit.version)))
        return counts


def _user(name):
    return db.session.scalar(select(User).where(User.username == name))


def _id(in_app, model, code):
    with in_app() as session:
        return session.scalar(select(model.id).where(model.code == code))


# (case name, actor, method, url, form or json, expected status, a text the answer must hold).
# `{…}` in the url and the data are filled from the scene and the world.
WEB = [
    ("decision with another branch's nomination", "tochuc_a", "/decisions/new",
     {"unit_code": "CD-A", "number": "1/QĐ", "signer": "Chủ tịch", "signed_on": "{today}",
      "nomination": ["{nomination_a}", "{nomination_b}"]}, 404, "#{nomination_b}"),
    ("decision with a nomination id that does not exist", "tochuc_a", "/decisions/new",
     {"unit_code": "CD-A", "number": "1/QĐ", "signer": "Chủ tịch", "signed_on": "{today}",
      "nomination": ["{nomination_a}", "99999"]}, 404, "#99999"),
    ("decision issued by another branch", "tochuc_a", "/decisions/new",
     {"unit_code": "CD-B", "number": "1/QĐ", "signer": "Chủ tịch", "signed_on": "{today}",
      "nomination": ["{nomination_a}"]}, 400, "CD-B"),
    ("another branch's dossier on the agenda", "thuky_a", "/meetings/{meeting_a}/agenda",
     {"nomination": "{nomination_b}"}, 404, ""),
    ("another council's member present", "thuky_a", "/meetings/{meeting_a}/attendance",
     {"version": "1", "member": ["{member_b}"]}, 400, ""),
    ("bulk approval with another campaign's pledge", "tochuc_a",
     "/campaigns/{campaign_a}/pledges/bulk-approve",
     {"pledge": ["{pledge_a}", "{pledge_b}"], "confirm": "1"}, 404, "#{pledge_b}"),
    ("bulk approval preview with another campaign's pledge", "tochuc_a",
     "/campaigns/{campaign_a}/pledges/bulk-approve", {"pledge": ["{pledge_b}"]}, 404, ""),
    ("bulk approval on another branch's campaign", "tochuc_a",
     "/campaigns/{campaign_b}/pledges/bulk-approve",
     {"pledge": ["{pledge_b}"], "confirm": "1"}, 404, ""),
    ("council for another branch", "tochuc_a", "/councils/",
     {"unit_code": "CD-B", "name": "Hội đồng lạ", "quorum_pct": "66.67"}, 400, "CD-B"),
    ("campaign issued for another branch", "tochuc_a", "/campaigns/new",
     {"issuing_unit_code": "CD-B", "number": "9/CT", "title": "Lạ", "kind": "regular",
      "year_start": "2026", "launch_date": "2026-01-05"}, 400, "CD-B"),
    ("unit created under another branch", "tochuc_a", "/units/new",
     {"code": "CS-X", "name": "Công đoàn lạ", "parent_code": "CD-B", "kind": "grassroots"},
     400, "CD-B"),
    ("unit moved under another branch", "tochuc_a", "/units/{unit_cs1}/move",
     {"version": "1", "parent_code": "CD-B"}, 400, "CD-B"),
    ("participants from another branch", "tochuc_a", "/campaigns/{campaign_a}/participants",
     {"mode": "list", "unit_codes": "CS-1, CS-2"}, 400, "CS-2"),
    ("cluster with another branch's unit", "tochuc_a", "/campaigns/{campaign_a}/clusters/new",
     {"name": "Cụm lạ", "kind": "cum", "member_codes": "CS-1\nCS-2"}, 400, "CS-2"),
    ("extension for another branch's unit", "tochuc_a", "/campaigns/{campaign_a}/extensions",
     {"unit_code": "CS-2", "until": "2026-12-31"}, 404, "CS-2"),
    ("bonus for another branch's unit", "tochuc_a",
     "/campaigns/{campaign_a}/scoring/adjustments",
     {"unit_code": "CS-2", "points": "5", "reason": "Thưởng"}, 404, "CS-2"),
    ("council scorer on another campaign's cluster", "tochuc_a",
     "/campaigns/{campaign_a}/scoring/council-scorers",
     {"username": "chamdiem", "cluster_id": "{cluster_b}"}, 400, ""),
    ("nomination proposed by another branch's unit", "donvi1", "/nominations/new",
     {"award": "{ldtt}", "year": "2026", "proposing_unit_code": "CS-2",
      "person_code": "P2", "campaign_id": "0", "summary": "x"}, 400, "CS-2"),
    ("nomination of another branch's person", "donvi1", "/nominations/new",
     {"award": "{cstdcs}", "year": "2026", "proposing_unit_code": "CS-1",
      "person_code": "P2", "campaign_id": "0", "summary": "x"}, 400, "P2"),
    ("nomination in another branch's campaign", "donvi1", "/nominations/new",
     {"award": "{cstdcs}", "year": "2026", "proposing_unit_code": "CS-1",
      "person_code": "P1", "campaign_id": "{campaign_b}", "summary": "x"}, 400, ""),
    ("nominations from another unit's registrations", "donvi1",
     "/nominations/from-registrations", {"campaign_id": "{campaign_a}", "unit_code": "CS-2"},
     400, ""),
    ("titles for another branch's person", "donvi1",
     "/campaigns/{campaign_a}/units/{unit_cs1}/pledge/titles",
     {"version": "{pledge_a_version}", "person-LDTT": ["{person_b}"]}, 404, ""),
    ("objection to a nomination not published", "donvi1",
     "/nominations/{draft_nomination_b}/objections", {"text": "Không đúng"}, 404, ""),
]

API = [
    ("API nomination proposed by another branch's unit", "donvi1", "POST", "/nominations",
     {"award": "CSTDCS", "year": 2026, "proposing_unit_id": "{unit_cs2}",
      "person_id": "{person_b}"}),
    ("API nomination of another branch's person", "donvi1", "POST", "/nominations",
     {"award": "CSTDCS", "year": 2026, "proposing_unit_id": "{unit_cs1}",
      "person_id": "{person_b}"}),
    ("API nomination of another branch's unit", "donvi1", "POST", "/nominations",
     {"award": "TTLDXS", "year": 2026, "proposing_unit_id": "{unit_cs1}",
      "unit_id": "{unit_cs2}"}),
    ("API nomination in another branch's campaign", "donvi1", "POST", "/nominations",
     {"award": "CSTDCS", "year": 2026, "proposing_unit_id": "{unit_cs1}",
      "person_id": "{person_a}", "campaign_id": "{campaign_b}"}),
    ("API unit under another branch", "tochuc_a", "POST", "/units",
     {"code": "CS-X", "name": "Công đoàn lạ", "parent_id": "{unit_cdb}"}),
    ("API person in another branch's unit", "donvi1", "POST", "/people",
     {"code": "PX", "full_name": "Người Lạ", "unit_id": "{unit_cs2}"}),
    ("API person moved to another branch's unit", "donvi1", "PATCH", "/people/{person_a}",
     {"version": 1, "unit_id": "{unit_cs2}"}),
    ("API another branch's person changed", "donvi1", "PATCH", "/people/{person_b}",
     {"version": 1, "full_name": "Đổi tên"}),
    ("API another branch's pledge submitted", "donvi1", "POST",
     "/campaigns/{campaign_b}/units/{unit_cs2}/pledge/submit", {"version": 1}),
    ("API another branch's nomination submitted", "donvi1", "POST",
     "/nominations/{draft_nomination_b}/submit", {"version": 1, "explanation": ""}),
]


def _values(scene: Scene, in_app) -> dict:
    from emulation.awards.catalogue.models import AwardType
    from emulation.core.web import local_today

    with in_app() as session:
        cluster_b = Cluster(campaign_id=scene.campaign_b, name="Cụm B", kind="cum")
        session.add(cluster_b)
        session.commit()
        awards = dict(session.execute(select(AwardType.code, AwardType.id)).all())
        units = dict(session.execute(select(Unit.code, Unit.id)).all())
        values = {**{k: str(v) for k, v in vars(scene).items()},
                  "today": local_today().isoformat(), "cluster_b": str(cluster_b.id),
                  "ldtt": str(awards["LDTT"]), "cstdcs": str(awards["CSTDCS"]),
                  "unit_cs1": str(units["CS-1"]), "unit_cs2": str(units["CS-2"]),
                  "unit_cdb": str(units["CD-B"]),
                  "pledge_a_version": str(session.get(Pledge, scene.pledge_a).version)}
    return values


def _fill(value, values: dict):
    if isinstance(value, list):
        return [_fill(v, values) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, values) for k, v in value.items()}
    return value.format(**values) if isinstance(value, str) else value


@pytest.mark.parametrize("case", WEB, ids=[c[0] for c in WEB])
def test_a_foreign_id_posted_to_a_form_is_refused_with_nothing_written(case, scene, login,
                                                                        in_app):
    _name, actor, url, data, status, shown = case
    values = _values(scene, in_app)
    client = login(actor)
    before = _counts(in_app)
    response = client.post(_fill(url, values), data=_fill(data, values))
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    text = response.get_data(as_text=True)
    assert _fill(shown, values) in text
    # the other branch's unit names never appear in the answer
    assert "Công đoàn Tổng công ty Thuốc lá" not in text
    assert _counts(in_app) == before


@pytest.mark.parametrize("case", API, ids=[c[0] for c in API])
def test_a_foreign_id_sent_to_the_api_is_refused_with_nothing_written(case, scene, app,
                                                                       in_app):
    _name, actor, method, url, body = case
    values = _values(scene, in_app)
    with in_app() as session:
        _record, secret = create_token(SYSTEM, session.scalar(
            select(User).where(User.username == actor)), "test")
    body = {k: int(v) if isinstance(v, str) and k.endswith("_id") else v
            for k, v in _fill(body, values).items()}
    before = _counts(in_app)
    response = app.test_client().open("/api/v1" + _fill(url, values), method=method,
                                      json=body, headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 404, response.get_data(as_text=True)[:1000]
    assert _counts(in_app) == before


def test_the_same_posts_within_the_branch_succeed(scene, login, in_app):
    """The refusals above are about scope, not about the operations: with the actor's own
    ids the same posts pass (the nomination of branch A is granted, the pledge approved)."""
    values = _values(scene, in_app)
    organiser = login("tochuc_a")
    made = organiser.post("/decisions/new", data={
        "unit_code": "CD-A", "number": "1/QĐ", "signer": "Chủ tịch",
        "signed_on": values["today"], "nomination": [values["nomination_a"]]})
    assert made.status_code == 302
    approved = organiser.post(f"/campaigns/{scene.campaign_a}/pledges/bulk-approve",
                              data={"pledge": [values["pledge_a"]], "confirm": "1"})
    assert approved.status_code == 302
    with in_app() as session:
        assert session.get(Pledge, scene.pledge_a).state == "approved"
        assert session.scalar(select(DecisionItem.nomination_id)) == scene.nomination_a


def test_issuing_rechecks_the_scope_of_every_item(scene, login, in_app):
    """A draft that holds another branch's nomination (made before the check existed, or
    before a grant was withdrawn) is refused at issue: no award, no cash."""
    with in_app() as session:
        decision = Decision(number="2/QĐ", signed_on=date(2026, 12, 30), signer="Chủ tịch",
                            issuing_unit_id=session.scalar(select(Unit.id).where(
                                Unit.code == "CD-A")), state="draft")
        decision.items = [DecisionItem(nomination_id=scene.nomination_a),
                          DecisionItem(nomination_id=scene.nomination_b)]
        session.add(decision)
        session.commit()
        decision_id, version = decision.id, decision.version
    client = login("tochuc_a")
    before = _counts(in_app)
    response = client.post(f"/decisions/{decision_id}", data={"action": "issue",
                                                               "version": str(version)})
    assert response.status_code == 404
    assert f"#{scene.nomination_b}" in response.get_data(as_text=True)
    assert _counts(in_app) == before
    with in_app() as session:
        assert session.get(Decision, decision_id).state == "draft"


def test_the_council_form_lists_only_the_units_the_user_organises(scene, login):
    """The new-council form offers the units its user organises, and no one else's; users
    who organise nothing do not get the form."""
    page = login("tochuc_a").get("/councils/").get_data(as_text=True)
    assert 'value="CD-A"' in page and 'value="CS-1"' in page
    assert "CD-B" not in page and "Thuốc lá" not in page
    for name in ("donvi1", "xem", "thuky_a"):
        page = login(name).get("/councils/").get_data(as_text=True)
        assert 'name="unit_code"' not in page and "CD-B" not in page
    page = login("tochuc_a").get("/decisions/new").get_data(as_text=True)
    assert 'value="CD-A"' in page and "CD-B" not in page


@pytest.mark.parametrize("url, field, extra", [
    ("/councils/", "unit_code", {"name": "Hội đồng"}),
    ("/decisions/new", "unit_code", {"number": "1/QĐ", "signer": "Chủ tịch",
                                     "signed_on": "2026-12-30", "nomination": "1"}),
    ("/units/new", "parent_code", {"code": "CS-X", "name": "Mới", "kind": "grassroots"}),
    ("/campaigns/{campaign_a}/participants", "unit_codes", {"mode": "list"}),
    ("/campaigns/{campaign_a}/extensions", "unit_code", {"until": "2026-12-31"}),
], ids=["council", "decision", "unit", "participants", "extension"])
def test_an_unknown_code_and_a_foreign_code_get_the_same_answer(url, field, extra, scene,
                                                                login):
    """Whether a code exists elsewhere cannot be told from the answer."""
    client = login("tochuc_a")
    answers = []
    for code in ("CS-2", "KHONG-CO"):
        response = client.post(url.format(**vars(scene)), data={field: code, **extra})
        page = re.sub(r'name="csrf_token" value="[^"]*"', "", response.get_data(as_text=True))
        answers.append((response.status_code, page.replace(code, "<code>")))
    assert answers[0] == answers[1]
    assert answers[0][0] in (400, 404)

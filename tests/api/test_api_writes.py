"""API writes: units and people, a unit's pledge and reports, nominations; the ranking read.
Each write goes through the same service as the web, so the same refusals hold."""
from datetime import date

from sqlalchemy import func, select

from emulation.awards.nominations.models import Nomination
from emulation.campaigns.models import Campaign
from emulation.core.audit import AuditEvent
from emulation.core.permissions import SYSTEM
from emulation.org.models import Person, Unit
from emulation.pledges.models import Pledge, Report
from emulation.scoring import services as scoring


def _audits(in_app, action: str) -> int:
    with in_app() as session:
        return session.scalar(select(func.count()).select_from(AuditEvent)
                              .where(AuditEvent.action == action))


def test_units_are_created_and_updated_by_their_organisers(client, token, world, in_app):
    organiser, officer = token("tochuc"), token("donvi1")
    body = {"code": "CS-9", "name": "Công đoàn Công ty Phân lân Ninh Bình",
            "parent_id": world.branch_a.id, "kind": "grassroots"}
    # an officer neither sees the branch above its unit nor creates units under its own
    assert client.post("/api/v1/units", json=body, headers=officer).status_code == 404
    assert client.post("/api/v1/units", json={**body, "parent_id": world.unit1.id},
                       headers=officer).status_code == 403
    created = client.post("/api/v1/units", json=body, headers=organiser)
    assert created.status_code == 201, created.get_json()
    unit = created.get_json()
    assert unit["name"] == body["name"] and unit["parent_id"] == world.branch_a.id
    assert _audits(in_app, "unit.create") >= 1
    again = client.post("/api/v1/units", json=body, headers=organiser)
    assert again.status_code == 409 and "CS-9" in again.get_json()["detail"]
    top_level = client.post("/api/v1/units", json={**body, "code": "X", "parent_id": None},
                            headers=organiser)
    assert top_level.status_code == 403
    blank = client.post("/api/v1/units", json={**body, "code": "Y", "name": " \t"},
                        headers=organiser)
    assert blank.status_code == 422 and "name" in blank.get_json()["errors"]["json"]
    hidden_parent = client.post("/api/v1/units", json={**body, "code": "Z",
                                                       "parent_id": 2147483000},
                                headers=organiser)
    assert hidden_parent.status_code == 404

    # folding may lengthen a name (ß → ss) and an address may fill its column: no 500 on
    # PostgreSQL, which enforces column lengths
    long = client.post("/api/v1/units", json={**body, "code": "SS", "name": "ß" * 255,
                                              "address": "Số 1 " * 51}, headers=organiser)
    assert long.status_code == 201 and long.get_json()["name"] == "ß" * 255
    assert client.post("/api/v1/units", json={**body, "code": "SS2", "address": "x" * 256},
                       headers=organiser).status_code == 422

    path = f"/api/v1/units/{unit['id']}"
    renamed = client.patch(path, json={"version": unit["version"], "name": "Công đoàn Lân"},
                           headers=organiser)
    assert renamed.status_code == 200 and renamed.get_json()["name"] == "Công đoàn Lân"
    assert renamed.get_json()["kind"] == "grassroots"  # fields not sent stay as they were
    stale = client.patch(path, json={"version": unit["version"], "name": "Tên cũ"},
                         headers=organiser)
    assert stale.status_code == 409
    with in_app() as session:
        assert session.get(Unit, unit["id"]).name == "Công đoàn Lân"
    other = client.patch(f"/api/v1/units/{world.unit2.id}", json={"version": 1, "name": "X"},
                         headers=officer)
    assert other.status_code == 404  # another unit's record is not even visible


def test_people_are_managed_by_their_units_officers_only(client, token, world, in_app):
    officer = token("donvi1")
    body = {"code": "P-NEW", "full_name": "Lê Thị Ánh Tuyết", "unit_id": world.unit1.id,
            "gender": "female", "birth_date": "1990-05-17", "position": "Kế toán"}
    created = client.post("/api/v1/people", json=body, headers=officer)
    assert created.status_code == 201, created.get_json()
    person = created.get_json()
    assert person["full_name"] == "Lê Thị Ánh Tuyết" and person["unit_id"] == world.unit1.id
    elsewhere = client.post("/api/v1/people", json={**body, "code": "P-X",
                                                    "unit_id": world.unit2.id},
                            headers=officer)
    assert elsewhere.status_code == 404
    future = client.post("/api/v1/people", json={**body, "code": "P-Y",
                                                 "birth_date": "2099-01-01"}, headers=officer)
    assert future.status_code == 400 and future.get_json()["detail"]
    # a year beyond 2100 is refused by the schema, with the field named
    beyond = client.post("/api/v1/people", json={**body, "code": "P-Y",
                                                 "birth_date": "2999-01-01"}, headers=officer)
    assert beyond.status_code == 422 and "birth_date" in str(beyond.get_json()["errors"])
    assert client.post("/api/v1/people", json={**body, "code": "P-Z", "email": "not mail"},
                       headers=officer).status_code == 422
    assert client.get("/api/v1/people", headers=token("xem")).status_code == 403
    assert client.post("/api/v1/people", json={**body, "code": "P-V"},
                       headers=token("xem")).status_code == 404

    path = f"/api/v1/people/{person['id']}"
    moved_away = client.patch(path, json={"version": person["version"],
                                          "unit_id": world.unit2.id}, headers=officer)
    assert moved_away.status_code == 404
    changed = client.patch(path, json={"version": person["version"], "position": "Chủ tịch"},
                           headers=officer)
    assert changed.status_code == 200
    assert changed.get_json()["position"] == "Chủ tịch"
    assert changed.get_json()["birth_date"] == "1990-05-17"
    assert client.patch(path, json={"version": person["version"], "position": "X"},
                        headers=officer).status_code == 409
    assert client.patch(f"/api/v1/people/{world.person2.id}",
                        json={"version": 1, "position": "X"}, headers=officer).status_code == 404
    with in_app() as session:
        assert session.scalar(select(Person.position).where(Person.code == "P-NEW")) == "Chủ tịch"
        assert session.scalar(select(Person.id).where(Person.code == "P-Y")) is None


def test_a_unit_officer_writes_and_submits_its_pledge(client, token, world, cworld, in_app):
    officer = token("donvi2")
    path = f"/api/v1/campaigns/{cworld.campaign}/units/{world.unit2.id}/pledge"
    assert client.get(path, headers=officer).status_code == 404  # not started
    body = {"version": None, "items": [
        {"movement_number": 1, "commitment": "Phấn đấu 100% đoàn viên học tập Nghị quyết",
         "indicator": "Tỷ lệ", "unit_of_measure": "%", "target_value": "100"},
        {"movement_number": 2, "commitment": "Tổ chức 2 hội thao", "target_value": "1234.5"}]}
    saved = client.put(path, json=body, headers=officer)
    assert saved.status_code == 200, saved.get_json()
    pledge = saved.get_json()
    assert pledge["state"] == "draft"
    items = {i["movement_number"]: i for i in pledge["items"]}
    assert items[1]["commitment"] == "Phấn đấu 100% đoàn viên học tập Nghị quyết"
    assert items[2]["target_value"] == "1234.50"
    assert client.put(path, json=body, headers=officer).status_code == 409  # version null: stale
    unknown = client.put(path, json={"version": pledge["version"], "items": [
        {"movement_number": 9, "commitment": "?"}]}, headers=officer)
    assert unknown.status_code == 400 and "9" in unknown.get_json()["detail"]
    bad_number = client.put(path, json={"version": pledge["version"], "items": [
        {"movement_number": 1, "target_value": "-5"}]}, headers=officer)
    assert bad_number.status_code == 422

    assert client.get(path, headers=token("donvi1")).status_code == 404
    organiser = token("tochuc")
    assert client.get(path, headers=organiser).status_code == 200
    assert client.put(path, json={"version": pledge["version"], "items": []},
                      headers=organiser).status_code == 403

    stale_submit = client.post(path + "/submit", json={"version": pledge["version"] - 1},
                               headers=officer)
    assert stale_submit.status_code == 409
    submitted = client.post(path + "/submit", json={"version": pledge["version"]},
                            headers=officer)
    assert submitted.status_code == 200 and submitted.get_json()["state"] == "submitted"
    locked = client.put(path, json={"version": submitted.get_json()["version"], "items": []},
                        headers=officer)
    assert locked.status_code == 409
    with in_app() as session:
        assert session.scalar(select(Pledge.state).where(
            Pledge.unit_id == world.unit2.id)) == "submitted"
    assert _audits(in_app, "pledge.save") >= 2


def test_a_unit_officer_reports_results(client, token, world, cworld, in_app):
    officer = token("donvi1")
    base = f"/api/v1/campaigns/{cworld.campaign}/units/{world.unit1.id}/reports"
    reports = client.get(base, headers=officer).get_json()
    assert [r["state"] for r in reports] == ["draft"]
    report = reports[0]
    path = f"{base}/{cworld.period}"
    saved = client.put(path, json={
        "version": report["version"], "integration": "Đã lồng ghép vào nghị quyết",
        "items": [{"movement_number": 1, "achieved_value": "7.5", "progress_pct": "75",
                   "narrative": "Đã có 7 sáng kiến và một nửa"}]}, headers=officer)
    assert saved.status_code == 200, saved.get_json()
    row = saved.get_json()["items"][0]
    assert row["achieved_value"] == "7.50" and row["progress_pct"] == "75.0"
    assert saved.get_json()["integration"] == "Đã lồng ghép vào nghị quyết"
    not_pledged = client.put(path, json={"version": saved.get_json()["version"], "items": [
        {"movement_number": 3, "achieved_value": "1"}]}, headers=officer)
    assert not_pledged.status_code == 400
    assert client.put(path, json={"version": saved.get_json()["version"],
                                  "items": [{"movement_number": 1, "progress_pct": "101"}]},
                      headers=officer).status_code == 422
    assert client.put(path, json={"version": 0}, headers=token("donvi2")).status_code == 404
    submitted = client.post(path + "/submit", json={"version": saved.get_json()["version"]},
                            headers=officer)
    assert submitted.status_code == 200 and submitted.get_json()["state"] == "submitted"
    assert client.put(path, json={"version": submitted.get_json()["version"]},
                      headers=officer).status_code == 409
    with in_app() as session:
        assert session.get(Report, cworld.report).state == "submitted"

    unapproved = f"/api/v1/campaigns/{cworld.campaign}/units/{world.unit2.id}/reports"
    officer2 = token("donvi2")
    assert client.get(unapproved, headers=officer2).get_json() == []
    refused = client.put(f"{unapproved}/{cworld.period}", json={"version": None},
                         headers=officer2)
    assert refused.status_code == 409  # the pledge is not approved yet
    assert client.get(f"{unapproved}/{cworld.period}", headers=officer2).status_code == 404


def test_ranking_is_live_for_organisers_and_frozen_only_for_units(client, token, world,
                                                                  cworld, in_app):
    path = f"/api/v1/campaigns/{cworld.campaign}/ranking"
    live = client.get(path, headers=token("tochuc"))
    assert live.status_code == 200 and live.get_json()["frozen"] is False
    clusters = live.get_json()["clusters"]
    assert [c["cluster_id"] for c in clusters] == [cworld.cluster]
    assert {r["unit_id"] for r in clusters[0]["rows"]} == {world.unit1.id, world.unit2.id}
    assert client.get(f"{path}?cluster={cworld.cluster}",
                      headers=token("tochuc")).get_json()["clusters"] == clusters
    officer = token("donvi1")
    assert client.get(path, headers=officer).status_code == 403
    assert client.get(path, headers=token("xem")).status_code == 403
    with in_app() as session:
        campaign = session.get(Campaign, cworld.campaign)
        settings = scoring.settings_for(campaign)
        scoring.freeze(SYSTEM, campaign, settings.version, date(2100, 1, 1))
    frozen = client.get(path, headers=officer)
    assert frozen.status_code == 200 and frozen.get_json()["frozen"] is True
    assert frozen.get_json()["clusters"] == clusters  # the snapshot equals the live ranking
    one = client.get(f"{path}?cluster={cworld.cluster}", headers=officer).get_json()
    assert one["clusters"] == clusters
    assert client.get(f"{path}?cluster=999999", headers=officer).get_json()["clusters"] == []
    assert client.get(f"{path}?cluster=x", headers=officer).status_code == 422


def test_unit_officers_create_and_submit_nominations(client, token, world, in_app):
    officer = token("donvi1")
    body = {"award": "CSTD_BO", "year": 2026, "proposing_unit_id": world.unit1.id,
            "person_id": world.person1.id, "summary": "Hoàn thành xuất sắc nhiệm vụ năm 2026"}
    created = client.post("/api/v1/nominations", json=body, headers=officer)
    assert created.status_code == 201, created.get_json()
    n = created.get_json()
    assert n["status"] == "draft" and n["award"] == "CSTD_BO" and n["summary"] == body["summary"]
    assert client.post("/api/v1/nominations", json=body, headers=officer).status_code == 409
    assert client.post("/api/v1/nominations", json={**body, "person_id": world.person2.id},
                       headers=officer).status_code == 404
    assert client.post("/api/v1/nominations", json={**body, "award": "CSTDCS"},
                       headers=token("tochuc")).status_code == 403
    assert client.post("/api/v1/nominations", json={**body, "award": "NOPE"},
                       headers=officer).status_code == 404
    both = client.post("/api/v1/nominations", json={**body, "award": "CSTDCS",
                                                    "unit_id": world.unit1.id},
                       headers=officer)
    assert both.status_code == 400

    path = f"/api/v1/nominations/{n['id']}"
    assert client.get(path, headers=token("donvi2")).status_code == 404
    assert client.post(path + "/submit", json={"version": n["version"] + 5},
                       headers=officer).status_code == 409
    unexplained = client.post(path + "/submit", json={"version": n["version"]},
                              headers=officer)
    assert unexplained.status_code == 409  # no CSTĐCS years on record: not eligible
    assert "giải trình" in unexplained.get_json()["detail"]
    submitted = client.post(path + "/submit", json={
        "version": n["version"], "explanation": "Đánh giá năm 2026 chưa nhập vào hệ thống"},
        headers=officer)
    assert submitted.status_code == 200, submitted.get_json()
    result = submitted.get_json()
    assert result["status"] == "submitted" and result["eligible"] is False
    assert result["flagged"] is True
    with in_app() as session:
        stored = session.get(Nomination, n["id"])
        assert stored.state == "submitted" and stored.explanation.startswith("Đánh giá")
    assert _audits(in_app, "nomination.create") == 1

"""The API side of issue 14 items 12 and 13: award types name their deciding level, a decision
the unit may not issue is refused, a dossier goes to the superior and its answer is recorded,
nominations and eligibility take the kind of commendation."""
from datetime import timedelta

from sqlalchemy import func, select

from emulation.awards.decisions.models import Decision
from emulation.core.web import local_today
from tests.awards.conftest import passed_dossiers

# the dossiers are published well before today; the dates typed are days just past
PAST = local_today() - timedelta(days=60)
SENT, ANSWERED = local_today() - timedelta(days=10), local_today() - timedelta(days=5)


def test_the_api_carries_kinds_levels_and_the_upward_path(world, in_app, client, token):
    officer, organiser = token("donvi1"), token("tochuc")
    types = {t["code"]: t for t in client.get("/api/v1/award-types",
                                              headers=organiser).get_json()}
    assert types["BK_TTG"]["decided_by"] == "state" and types["GK"]["decided_by"] == "unit"
    made = client.post("/api/v1/nominations", headers=officer, json={
        "award": "GK", "year": 2026, "proposing_unit_id": world.unit1.id,
        "person_id": world.person1.id, "summary": "x", "kind": "thematic"})
    assert made.status_code == 201 and made.get_json()["kind"] == "thematic"
    assert made.get_json()["superior"] is None
    assert client.post("/api/v1/nominations", headers=officer, json={
        "award": "GK", "year": 2026, "proposing_unit_id": world.unit1.id,
        "person_id": world.person1.id, "kind": "heroic"}).status_code == 422

    with in_app():
        (n,) = passed_dossiers(world, [("BK_TTG", None)], published_on=PAST)
        nid, version = n.id, n.version
    path = f"/api/v1/nominations/{nid}/superior-submission"
    body = {"version": version, "submitted_on": SENT.isoformat(), "document_number": "12/TTr"}
    assert client.post(path, headers=token("donvi2"), json=body).status_code == 404
    assert client.post(path, headers=officer, json=body).status_code == 403
    assert client.post(path, headers=organiser, json={**body, "version": version - 1}) \
        .status_code == 409
    sent = client.post(path, headers=organiser, json=body)
    assert sent.status_code == 200, sent.get_json()
    assert sent.get_json()["status"] == "submitted_up"
    assert sent.get_json()["superior"]["document_number"] == "12/TTr"
    answer = {"version": sent.get_json()["version"], "decision_number": "345/QĐ-TTg",
              "decided_on": (SENT - timedelta(days=1)).isoformat(),
              "deciding_body": "Thủ tướng Chính phủ"}
    decision_path = f"/api/v1/nominations/{nid}/superior-decision"
    early = client.post(decision_path, headers=organiser, json=answer)
    assert early.status_code == 400 and f"{SENT:%d/%m/%Y}" in early.get_json()["detail"]
    assert client.post(decision_path, headers=organiser,
                       json={**answer, "cash_amount": -1}).status_code == 422
    granted = client.post(decision_path, headers=organiser,
                          json={**answer, "decided_on": ANSWERED.isoformat()})
    assert granted.status_code == 200, granted.get_json()
    superior_part = granted.get_json()["superior"]
    assert superior_part["outcome"] == "granted" and superior_part["cash_amount"] is None
    records = client.get(f"/api/v1/award-records?person={world.person1.id}",
                         headers=organiser).get_json()["items"]
    assert [(r["award_code"], r["source"], r["kind"]) for r in records] == [
        ("BK_TTG", "superior", "regular")]
    assert client.post(f"/api/v1/nominations/{nid}/superior-refusal", headers=organiser,
                       json={"version": granted.get_json()["version"],
                             "decided_on": ANSWERED.isoformat(), "reason": "Không"}
                       ).status_code == 409


def test_the_eligibility_api_takes_the_kind_of_commendation(client, token):
    organiser = token("tochuc")
    body = {"award": "CSTD_BO", "year": 2025,
            "subject": {"kind": "individual", "appraisals": {"2025": "excellent"}}}
    regular = client.post("/api/v1/eligibility", headers=organiser, json=body).get_json()
    assert regular["eligible"] is False
    one_off = client.post("/api/v1/eligibility", headers=organiser,
                          json={**body, "commendation": "one_off"}).get_json()
    assert one_off["eligible"] is None
    disciplined = {**body["subject"], "disciplines": [
        {"level": "canh_cao", "from": "2025-03-01", "to": "2026-02-28"}]}
    assert client.post("/api/v1/eligibility", headers=organiser, json={
        **body, "subject": disciplined, "commendation": "one_off"}).get_json()["eligible"] \
        is False


def test_the_refusal_on_the_web_and_the_api(world, in_app, login, client, token):
    with in_app():
        ids = [n.id for n in passed_dossiers(world, [("BK_TTG", None)], published_on=PAST)]
    organiser = token("tochuc")
    answer = client.post("/api/v1/decisions", headers=organiser, json={
        "unit_id": world.top.id, "number": "9/QĐ-CĐCT", "signed_on": "2026-12-31",
        "signer": "Chủ tịch", "nominations": ids})
    assert answer.status_code == 403
    assert "Bằng khen của Thủ tướng Chính phủ" in answer.get_json()["detail"]
    page = login("tochuc").post("/decisions/new", data={
        "unit_code": "CDCTVN", "number": "9/QĐ-CĐCT", "signed_on": "2026-12-31",
        "signer": "Chủ tịch", "nomination": ids})
    assert page.status_code == 403
    assert "không có thẩm quyền quyết định" in page.get_data(as_text=True)
    with in_app() as session:
        assert session.scalar(select(func.count()).select_from(Decision)) == 0


def test_a_decision_the_unit_may_issue_is_made_and_issued_through_the_api(world, in_app,
                                                                          client, token):
    with in_app():
        (ldtt,) = passed_dossiers(world, [("LDTT", None)], published_on=PAST)
        ldtt_id = ldtt.id
    organiser = token("tochuc")
    made = client.post("/api/v1/decisions", headers=organiser, json={
        "unit_id": world.top.id, "number": "4/QĐ-CĐCT", "signed_on": "2026-12-30",
        "signer": "Chủ tịch", "nominations": [ldtt_id]})
    assert made.status_code == 201, made.get_json()
    decision = made.get_json()
    assert decision["items"][0]["kind"] == "regular" and decision["status"] == "draft"
    path = f"/api/v1/decisions/{decision['id']}/issue"
    assert client.post(path, headers=organiser, json={"version": decision["version"] + 5}) \
        .status_code == 409
    assert client.post(path, headers=token("tochuc_a"),
                       json={"version": decision["version"]}).status_code == 404
    issued = client.post(path, headers=organiser, json={"version": decision["version"]})
    assert issued.status_code == 200 and issued.get_json()["status"] == "issued"
    assert issued.get_json()["items"][0]["cash_amount"] == 760_000

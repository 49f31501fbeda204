from sqlalchemy import select

from emulation.api.models import ApiToken
from emulation.core.permissions import SYSTEM
from emulation.extensions import db


def test_requests_without_a_valid_token_get_problem_json(client, world):
    for headers in ({}, {"Authorization": "Bearer td_wrong"}, {"Authorization": "Basic x"}):
        response = client.get("/api/v1/units", headers=headers)
        assert response.status_code == 401
        assert response.mimetype == "application/problem+json"
        body = response.get_json()
        assert body["status"] == 401 and body["title"] and body["detail"]


def test_token_acts_with_its_owners_grants_only(client, token, world):
    officer = token("donvi1")
    units = client.get("/api/v1/units?per_page=100", headers=officer).get_json()
    assert {u["code"] for u in units["items"]} == {"CS-1"} and units["total"] == 1
    assert client.get(f"/api/v1/people/{world.person2.id}", headers=officer).status_code == 404
    assert client.get(f"/api/v1/people/{world.person1.id}", headers=officer).status_code == 200
    viewer = token("xem")
    assert client.get("/api/v1/people", headers=viewer).status_code == 403
    organiser = token("tochuc")
    page = client.get("/api/v1/units?page=2&per_page=2", headers=organiser).get_json()
    assert page["total"] == 6 and page["page"] == 2 and len(page["items"]) == 2


def test_tokens_are_hashed_and_revocable(client, token, app, in_app):
    headers = token("donvi1")
    secret = headers["Authorization"][7:]
    with in_app() as session:
        stored = session.scalar(select(ApiToken))
        assert secret not in (stored.token_hash, stored.prefix) and len(stored.token_hash) == 64
        from emulation.api.services import revoke_token
        revoke_token(SYSTEM, stored)
    assert client.get("/api/v1/units", headers=headers).status_code == 401


def test_eligibility_endpoint_uses_the_engine(client, token):
    headers = token("xem")
    body = {"award": "CSTDCS", "year": 2026, "subject": {
        "kind": "individual", "appraisals": {"2026": "good"},
        "awards": [{"code": "LDTT", "year": 2025}],
        "initiatives": [{"year": 2026, "scope": "grassroots"}],
        "disciplines": [{"level": "khien_trach", "from": "2025-01-01", "to": "2025-06-30"}]}}
    response = client.post("/api/v1/eligibility", json=body, headers=headers)
    assert response.status_code == 200, response.get_json()
    result = response.get_json()
    assert result["eligible"] is True
    assert result["rules"][0]["message"].startswith("Đạt")
    english = client.post("/api/v1/eligibility", json=body,
                          headers={**headers, "Accept-Language": "en"}).get_json()
    assert english["rules"][0]["message"].startswith("Met")
    collective = {"award": "TTLDXS", "year": 2026, "subject": {
        "kind": "collective", "appraisals": {"2026": "excellent"},
        "members": {"total": 10, "ldtt": 7, "cstdcs": 1, "completed_tasks": 10,
                    "disciplined": 0}}}
    assert client.post("/api/v1/eligibility", json=collective,
                       headers=headers).get_json()["eligible"] is True


def _verdict(client, headers, award, year, subject):
    response = client.post("/api/v1/eligibility", json={"award": award, "year": year,
                                                         "subject": subject}, headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_eligibility_names_the_rule_set_in_force_for_the_year(client, token):
    headers = token("xem")
    subject = {"kind": "individual", "appraisals": {"2024": "good", "2026": "good"}}
    recent = _verdict(client, headers, "LDTT", 2026, subject)
    assert recent["eligible"] is True
    assert recent["rule_set"]["code"] == "TDKT2022-ND152"
    assert recent["rule_set"]["valid_from"] == "2025-07-01"
    assert "Nghị định 152/2025/NĐ-CP" in recent["rule_set"]["legal_source"]
    assert recent["rules"][1]["legal_reference"] == "Nghị định 152/2025/NĐ-CP, Điều 4"
    older = _verdict(client, headers, "LDTT", 2024, subject)
    assert older["rule_set"]["code"] == "TDKT2022-ND98"
    assert older["rules"][1]["legal_reference"] == "Nghị định 98/2023/NĐ-CP, Điều 4"


def test_award_types_list_their_quotas_and_the_example_is_marked(client, token):
    response = client.get("/api/v1/award-types", headers=token("xem"))
    assert response.status_code == 200
    cstdcs = next(a for a in response.get_json() if a["code"] == "CSTDCS")
    [quota] = cstdcs["quotas"]
    assert {k: quota[k] for k in ("base", "of_code", "max_pct", "max_count", "rounding",
                                  "unit_kind", "is_example")} == {
        "base": "awards", "of_code": "LDTT", "max_pct": "15.00", "max_count": None,
        "rounding": "floor", "unit_kind": "", "is_example": True}
    assert "91/2017" in quota["legal_reference"] and "152/2025" in quota["note"]


def test_art24_api_individual_title_for_a_collective_is_not_eligible(client, token):
    result = _verdict(client, token("xem"), "CSTDCS", 2026, {
        "kind": "collective", "appraisals": {"2026": "excellent"},
        "members": {"total": 10, "ldtt": 10, "cstdcs": 2, "completed_tasks": 10}})
    assert result["eligible"] is False
    assert result["rules"] == [{
        "code": "subject", "passed": False, "legal_reference": "",
        "message": "Chưa đạt: Chiến sĩ thi đua cơ sở chỉ xét tặng cho cá nhân, không xét cho "
                   "tập thể"}]


def test_art74_2_api_bk_bo_for_a_collective_is_for_the_council(client, token):
    result = _verdict(client, token("xem"), "BK_BO", 2026, {"kind": "collective"})
    assert result["eligible"] is None
    assert result["rules"][0]["message"] == ("Cần Hội đồng xem xét: tiêu chuẩn tập thể theo "
                                             "Điều 74.2 (định tính)")


def test_art74_1_d_api_initiative_used_for_another_award_does_not_count(client, token):
    subject = {"kind": "individual", "appraisals": {"2025": "excellent", "2026": "excellent"},
               "initiatives": [{"year": 2025, "scope": "grassroots"},
                               {"year": 2026, "scope": "grassroots", "research": True}]}
    assert _verdict(client, token("xem"), "BK_BO", 2026, subject)["eligible"] is True
    subject["initiatives"][0].update(used_for="GK", used_for_year=2025)
    assert _verdict(client, token("xem"), "BK_BO", 2026, subject)["eligible"] is False


def test_art28_api_ttldtt_at_least_70_percent(client, token):
    subject = {"kind": "collective", "appraisals": {"2026": "good"},
               "members": {"total": 10, "ldtt": 6}}
    assert _verdict(client, token("xem"), "TTLDTT", 2026, subject)["eligible"] is False
    subject["members"]["ldtt"] = 7
    assert _verdict(client, token("xem"), "TTLDTT", 2026, subject)["eligible"] is True


def test_validation_errors_are_problem_json_with_fields(client, token):
    headers = token("xem")
    response = client.post("/api/v1/eligibility", json={"award": "CSTDCS", "year": "soon",
                                                         "subject": {"kind": "robot"}},
                           headers=headers)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    errors = response.get_json()["errors"]["json"]
    assert "year" in errors and "kind" in errors["subject"]
    missing = client.post("/api/v1/eligibility", json={"award": "NOPE", "year": 2026,
                                                        "subject": {"kind": "individual"}},
                          headers=headers)
    assert missing.status_code == 404
    assert client.get("/api/v1/units?page=0", headers=headers).status_code == 422


def test_openapi_document_is_generated(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    assert "/api/v1/eligibility" in spec["paths"] and "/api/v1/units" in spec["paths"]
    assert spec["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    assert "EligibilityIn" in spec["components"]["schemas"]


def test_create_token_command(runner, world, in_app):
    result = runner.invoke(args=["create-token", "donvi1", "--name", "HR"])
    assert result.exit_code == 0 and result.output.strip().startswith("td_")
    assert runner.invoke(args=["create-token", "nobody"]).exit_code == 2


def test_profile_token_pages(world, login, in_app):
    c = login("donvi1")
    page = c.post("/profile/tokens", data={"name": "Hệ thống nhân sự"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "td_" in html
    with in_app() as session:
        token_id = session.scalar(select(ApiToken.id))
    assert login("donvi2").post(f"/tokens/{token_id}/revoke").status_code == 404
    assert c.post(f"/tokens/{token_id}/revoke").status_code == 302
    assert login("admin").get("/admin/users/").status_code == 200


def test_browsable_docs_page_is_served_from_static_files(client):
    page = client.get("/api/docs").get_data(as_text=True)
    assert "/static/js/api-docs.js" in page and "/api/v1/openapi.json" in page
    assert "cdn" not in page.lower()


def test_ids_beyond_the_database_range_are_404_not_500(client, token, world, login):
    headers = token("tochuc")
    for path in ("/api/v1/units/99999999999999999999", "/api/v1/people/2147483648",
                 "/api/v1/campaigns/0"):
        response = client.get(path, headers=headers)
        assert response.status_code == 404, path
        assert response.mimetype == "application/problem+json"
    assert client.get("/api/v1/units/2147483647", headers=headers).status_code == 404
    browser = login("tochuc")
    assert browser.get("/units/99999999999999999999").status_code == 404


def test_openapi_documents_decimals_and_key_patterns(client):
    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    assert schemas["AwardType"]["properties"]["cash_multiple"]["type"] == ["string", "null"]
    appraisals = schemas["SubjectIn"]["properties"]["appraisals"]
    assert appraisals["propertyNames"]["pattern"] == r"^\d{4}$"
    members = schemas["SubjectIn"]["properties"]["members"]
    assert {"type": "null"} in members["anyOf"]  # nullable, yet `{}` is not a valid member set


def test_wrong_method_is_405_with_allow_header(client, token, login):
    response = client.delete("/api/v1/units", headers=token("tochuc"))
    assert response.status_code == 405 and response.mimetype == "application/problem+json"
    assert "GET" in response.headers["Allow"]
    page = login("tochuc").put("/units/")
    assert page.status_code == 405 and "GET" in page.headers["Allow"]


def test_decisions_drafts_only_for_the_issuing_organiser(client, token, world, in_app):
    from datetime import date

    from emulation.awards.decisions.models import Decision
    from emulation.org.models import Unit

    with in_app():
        top = db.session.get(Unit, world.top.id)
        db.session.add_all([
            Decision(number="1/QĐ", signed_on=date(2026, 3, 1), signer="Chủ tịch",
                     issuing_unit=top, state="draft"),
            Decision(number="2/QĐ", signed_on=date(2025, 3, 1), signer="Chủ tịch",
                     issuing_unit=top, state="issued", base_salary=2_340_000)])
        db.session.commit()

    def numbers(username, query=""):
        body = client.get(f"/api/v1/decisions{query}", headers=token(username)).get_json()
        return [d["number"] for d in body["items"]]

    assert numbers("tochuc") == ["1/QĐ", "2/QĐ"]
    assert numbers("tochuc", "?year=2025") == ["2/QĐ"]
    assert numbers("donvi1") == ["2/QĐ"]


def test_unknown_award_gets_the_services_404_message(client, token):
    response = client.post("/api/v1/eligibility", headers=token("xem"), json={
        "award": "KHONGCO", "year": 2026, "subject": {"kind": "individual"}})
    assert response.status_code == 404 and response.mimetype == "application/problem+json"
    assert "KHONGCO" in response.get_json()["detail"]


def test_list_filters_by_status_unit_and_year(client, token, world, cworld):
    organiser = token("tochuc")
    published = client.get(f"/api/v1/campaigns?status=published&unit={world.unit2.id}",
                           headers=organiser).get_json()
    assert [c["id"] for c in published["items"]] == [cworld.campaign]
    assert client.get(f"/api/v1/campaigns?unit={world.unit3.id}",
                      headers=organiser).get_json()["total"] == 0
    assert client.get("/api/v1/campaigns?status=closed",
                      headers=organiser).get_json()["total"] == 0
    assert client.get("/api/v1/campaigns?status=open", headers=organiser).status_code == 422
    officer = token("donvi1")
    body = {"award": "LDTT", "year": 2026, "proposing_unit_id": world.unit1.id,
            "person_id": world.person1.id, "summary": "Hoàn thành tốt"}
    assert client.post("/api/v1/nominations", json=body, headers=officer).status_code == 201
    mine = client.get(f"/api/v1/nominations?unit={world.unit1.id}&status=draft&year=2026",
                      headers=organiser).get_json()
    assert mine["total"] == 1 and mine["items"][0]["proposing_unit_id"] == world.unit1.id
    assert client.get(f"/api/v1/nominations?unit={world.unit2.id}",
                      headers=organiser).get_json()["total"] == 0
    assert client.get("/api/v1/decisions?status=issued", headers=organiser).get_json() == {
        "items": [], "total": 0, "page": 1, "per_page": 50, "next": None, "previous": None,
        "next_cursor": None, "previous_cursor": None}


def test_art8_api_only_regular_awards_count(client, token):
    subject = {"kind": "individual", "appraisals": {"2026": "good"},
               "awards": [{"code": "CSTDCS", "year": 2025, "kind": "thematic"},
                          {"code": "CSTDCS", "year": 2026}],
               "initiatives": [{"year": 2025, "scope": "grassroots"},
                               {"year": 2026, "scope": "grassroots"}]}
    assert _verdict(client, token("xem"), "BK_BO", 2026, subject)["eligible"] is False
    subject["awards"][0]["kind"] = "regular"
    assert _verdict(client, token("xem"), "BK_BO", 2026, subject)["eligible"] is True


def test_lists_are_read_by_cursor_with_next_links(client, token, world):
    organiser = token("tochuc")
    by_number = [u["id"] for u in client.get("/api/v1/units?per_page=100",
                                             headers=organiser).get_json()["items"]]
    seen, url, pages = [], "/api/v1/units?per_page=2", []
    while url:
        response = client.get(url, headers=organiser)
        assert response.status_code == 200
        body = response.get_json()
        pages.append(body)
        seen += [u["id"] for u in body["items"]]
        url = body["next"]
        assert ('rel="next"' in response.headers.get("Link", "")) == bool(url)
        assert len(pages) <= len(by_number)
    assert seen == by_number and len(pages) == 3
    assert [p["page"] for p in pages] == [1, 2, 3] and pages[-1]["next_cursor"] is None
    back = client.get(pages[-1]["previous"], headers=organiser).get_json()
    assert back["items"] == pages[1]["items"] and back["page"] == 2
    assert back["total"] == 6 and 'rel="prev"' in client.get(
        pages[-1]["previous"], headers=organiser).headers["Link"]


def test_a_cursor_of_another_list_or_tampered_is_a_translated_400(client, token, world):
    organiser = token("tochuc")
    units = client.get("/api/v1/units?per_page=1", headers=organiser).get_json()
    cursor = units["next_cursor"]
    for bad in (cursor[:-2], cursor + "x", "garbage", "eyJ9", "..", cursor.swapcase()):
        response = client.get(f"/api/v1/units?cursor={bad}", headers=organiser)
        assert response.status_code == 400 and response.mimetype == "application/problem+json"
        assert "không hợp lệ" in response.get_json()["detail"]
    other = client.get(f"/api/v1/people?cursor={cursor}", headers=organiser)
    assert other.status_code == 400
    too_long = client.get(f"/api/v1/units?cursor={'a' * 1001}", headers=organiser)
    assert too_long.status_code == 422


def test_the_list_count_stops_at_its_cap(client, token, world, monkeypatch):
    from emulation.api import services
    monkeypatch.setattr(services, "COUNT_CAP", 3)
    body = client.get("/api/v1/units?per_page=2", headers=token("tochuc")).get_json()
    assert body["total"] is None and body["next"] and len(body["items"]) == 2
    monkeypatch.setattr(services, "COUNT_CAP", 6)
    body = client.get("/api/v1/units?per_page=2", headers=token("tochuc")).get_json()
    assert body["total"] == 6

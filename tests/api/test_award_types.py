"""API v1 award types: an administrator's token adds an award type and takes one out of use;
everyone else is refused; the list keeps its shape. The eligibility request is unchanged and
judges the union's forms."""
from sqlalchemy import select

from emulation.awards.catalogue.models import AwardType
from emulation.core.audit import AuditEvent
from emulation.extensions import db

BODY = {"code": "bk_cdx", "name": "Bằng khen của Công đoàn X", "category": "commendation",
        "subject": "both", "level": "Công đoàn ngành", "cash_multiple": "1.5",
        "legal_reference": "Quyết định 999/QĐ-TLĐ ngày 29/05/2024", "publication_days": 5}


def test_an_administrator_adds_an_award_type_audited(client, token, in_app):
    admin = token("admin")
    created = client.post("/api/v1/award-types", json=BODY, headers=admin)
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert {k: body[k] for k in ("code", "name", "subject", "cash_multiple", "vote_threshold_pct",
                                 "vote_base", "publication_days", "active", "rules",
                                 "commendation_kind")} == {
        "code": "BK_CDX", "name": "Bằng khen của Công đoàn X", "subject": "both",
        "cash_multiple": "1.50", "vote_threshold_pct": "50.00", "vote_base": "present",
        "publication_days": 5, "active": True, "rules": [], "commendation_kind": "regular"}
    listed = client.get("/api/v1/award-types", headers=token("xem")).get_json()
    assert "BK_CDX" in {a["code"] for a in listed}
    # the list's earlier fields are all still there
    ldtt = next(a for a in listed if a["code"] == "LDTT")
    assert {"code", "name", "category", "subject", "level", "cash_multiple",
            "cash_multiple_collective", "legal_reference", "rules"} <= set(ldtt)
    with in_app() as session:
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "award.create"))
        assert event.after_data["code"] == "BK_CDX" and event.actor_name == "admin"


def test_duplicates_bad_codes_and_other_users_are_refused(client, token, in_app):
    admin = token("admin")
    duplicate = client.post("/api/v1/award-types", json={**BODY, "code": "LDTT"}, headers=admin)
    assert duplicate.status_code == 409
    assert duplicate.mimetype == "application/problem+json"
    assert "LDTT" in duplicate.get_json()["detail"]
    bad = client.post("/api/v1/award-types", json={**BODY, "code": "B K"}, headers=admin)
    assert bad.status_code == 400 and "BK_CDN" in bad.get_json()["detail"]
    invalid = client.post("/api/v1/award-types", json={**BODY, "subject": "robot"},
                          headers=admin)
    assert invalid.status_code == 422 and "subject" in invalid.get_json()["errors"]["json"]
    for username in ("tochuc", "donvi1", "xem"):
        refused = client.post("/api/v1/award-types", json=BODY, headers=token(username))
        assert refused.status_code == 403, username
    with in_app() as session:
        assert session.scalar(select(AwardType).where(AwardType.code == "BK_CDX")) is None


def test_an_award_type_is_read_and_taken_out_of_use(client, token, in_app):
    admin = token("admin")
    one = client.get("/api/v1/award-types/KNC_CD", headers=token("xem"))
    assert one.status_code == 200
    assert one.get_json()["commendation_kind"] == "long_service"
    assert client.get("/api/v1/award-types/NOPE", headers=admin).status_code == 404
    assert client.post("/api/v1/award-types/KNC_CD/active", json={"active": False},
                       headers=token("tochuc")).status_code == 403
    stale = client.post("/api/v1/award-types/KNC_CD/active",
                        json={"active": False, "version": 0}, headers=admin)
    assert stale.status_code == 409
    off = client.post("/api/v1/award-types/KNC_CD/active", json={"active": False},
                      headers=admin)
    assert off.status_code == 200 and off.get_json()["active"] is False
    listed = client.get("/api/v1/award-types", headers=admin).get_json()
    assert "KNC_CD" not in {a["code"] for a in listed}
    assert client.get("/api/v1/award-types/KNC_CD", headers=admin).get_json()["active"] is False
    with in_app() as session:
        assert session.scalar(select(AuditEvent.action).where(
            AuditEvent.action.like("award.%activate"))) == "award.deactivate"
        db.session.remove()


def test_eligibility_request_unchanged_judges_the_unions_forms(client, token):
    headers = token("xem")

    def verdict(award, subject):
        response = client.post("/api/v1/eligibility", json={"award": award, "year": 2026,
                                                             "subject": subject},
                               headers=headers)
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    star = {"kind": "individual", "appraisals": {"2025": "excellent", "2026": "excellent"},
            "awards": [{"code": "CSTDCS", "year": 2025}, {"code": "CSTDCS", "year": 2026}],
            "initiatives": [{"year": 2025, "scope": "grassroots"},
                            {"year": 2026, "scope": "grassroots"}]}
    assert verdict("BK_TLD", star)["eligible"] is True
    council = verdict("BK_CDN", star)
    assert council["eligible"] is None
    assert council["rules"][0]["legal_reference"] == "Quyết định 999/QĐ-TLĐ ngày 29/05/2024"
    assert "điều kiện chưa đối chiếu" in council["rules"][0]["message"]
    assert verdict("KNC_CD", {"kind": "collective"})["eligible"] is False
    assert verdict("CO_TLD", {"kind": "collective", "rank": 1})["eligible"] is True

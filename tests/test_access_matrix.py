"""Every route × every role (and anonymous): who gets in, who is refused.

A route added without an entry here fails `test_every_route_has_an_entry`.
"""
import pytest
from sqlalchemy import func, select

from emulation.auth.models import RoleGrant, User
from emulation.extensions import db
from tests.factories import gen_user

ROLES = ["anonymous", "admin", "tochuc", "donvi1", "chamdiem", "hoidong1", "thuky", "xem"]
AUTHED = set(ROLES) - {"anonymous"}
EVERYONE = set(ROLES)
ADMIN = {"admin"}
UNIT_MANAGERS = {"admin", "tochuc"}
PEOPLE_MANAGERS = {"admin", "tochuc", "donvi1"}
ORGANISERS = {"admin", "tochuc"}
OFFICER = {"admin", "donvi1"}
PLEDGE_READERS = {"admin", "tochuc", "donvi1"}
COUNCIL = {"admin", "tochuc", "thuky", "hoidong1"}
TOKEN = "token"
OFF = "off"  # a public page turned off: 404 for everyone

# endpoint → (method, url template, who may use it). Anyone else: anonymous → login page,
# signed-in users → 403/404.
MATRIX = {
    "main.healthz": ("GET", "/healthz", EVERYONE),
    "main.index": ("GET", "/", AUTHED),
    "main.set_language": ("POST", "/language", EVERYONE),
    "static": ("GET", "/static/css/app.css", EVERYONE),
    "auth.login": ("GET", "/login", EVERYONE),
    "auth.logout": ("POST", "/logout", EVERYONE),
    "auth.profile": ("GET", "/profile", AUTHED),
    "auth.reauth": ("GET", "/reauth", AUTHED),
    "auth.sign_out_everywhere": ("POST", "/profile/sign-out-everywhere", AUTHED),
    "admin.users": ("GET", "/admin/users/", ADMIN),
    "admin.user_create": ("GET", "/admin/users/new", ADMIN),
    "admin.user_detail": ("GET", "/admin/users/{user}", ADMIN),
    "admin.user_reset_password": ("POST", "/admin/users/{user}/password", ADMIN),
    "admin.user_set_active": ("POST", "/admin/users/{user}/active", ADMIN),
    "admin.user_sign_out": ("POST", "/admin/users/{user}/sign-out", ADMIN),
    "admin.grant_add": ("POST", "/admin/users/{user}/grants", ADMIN),
    "admin.grant_remove": ("POST", "/admin/grants/{grant}/delete", ADMIN),
    "admin.audit_log": ("GET", "/admin/audit/", ADMIN),
    "admin.audit_export": ("GET", "/admin/audit/export.xlsx?actor=admin", ADMIN),
    "admin.audit_export_csv": ("GET", "/admin/audit/export.csv?actor=admin", ADMIN),
    "refdata.base_salaries": ("POST", "/admin/base-salaries/", ADMIN),
    "public.settings": ("POST", "/admin/public-pages", ADMIN),
    # off until an administrator turns them on (tests/public): 404 for everyone meanwhile
    "public.honours": ("GET", "/public/honours/", OFF),
    "public.self_check": ("POST", "/public/self-check", OFF),
    "refdata.base_salary_delete": ("POST", "/admin/base-salaries/{salary}/delete", ADMIN),
    "refdata.calendar": ("POST", "/admin/calendar/", ADMIN),
    "refdata.calendar_delete": ("POST", "/admin/calendar/{calendar_day}/delete", ADMIN),
    "org.units": ("GET", "/units/", AUTHED),
    "org.unit_detail": ("GET", "/units/{unit}", AUTHED),
    "org.units_export": ("GET", "/units/export.xlsx", AUTHED),
    "org.unit_create": ("GET", "/units/new", UNIT_MANAGERS),
    "org.unit_edit": ("POST", "/units/{unit}/edit", UNIT_MANAGERS),
    "org.unit_move": ("POST", "/units/{unit}/move", UNIT_MANAGERS),
    "org.unit_set_active": ("POST", "/units/{unit}/active", UNIT_MANAGERS),
    "org.unit_delete": ("POST", "/units/{unit}/delete", UNIT_MANAGERS),
    "org.units_import": ("GET", "/units/import", UNIT_MANAGERS),
    "org.units_template": ("GET", "/units/import/template.xlsx", UNIT_MANAGERS),
    "org.people": ("GET", "/people/", PEOPLE_MANAGERS),
    "pick.people": ("GET", "/pick/people?q=duc", PEOPLE_MANAGERS),
    "pick.units": ("GET", "/pick/units?q=cs", AUTHED),
    "pick.users": ("GET", "/pick/users?q=a", ORGANISERS),
    "org.person_detail": ("GET", "/people/{person}", PEOPLE_MANAGERS),
    "org.person_create": ("GET", "/people/new", PEOPLE_MANAGERS),
    "org.person_edit": ("GET", "/people/{person}/edit", PEOPLE_MANAGERS),
    "org.person_set_active": ("POST", "/people/{person}/active", PEOPLE_MANAGERS),
    "org.people_import": ("GET", "/people/import", PEOPLE_MANAGERS),
    "org.people_template": ("GET", "/people/import/template.xlsx", PEOPLE_MANAGERS),
    "org.people_export": ("GET", "/people/export.xlsx", PEOPLE_MANAGERS),
    "org.people_export_csv": ("GET", "/people/export.csv", PEOPLE_MANAGERS),
    "campaigns.index": ("GET", "/campaigns/", AUTHED),
    "campaigns.detail": ("GET", "/campaigns/{campaign}", AUTHED),
    "campaigns.export": ("GET", "/campaigns/export.xlsx", AUTHED),
    "campaigns.attachment": ("GET", "/campaigns/{campaign}/attachments/{attachment}", AUTHED),
    "campaigns.create": ("GET", "/campaigns/new", ORGANISERS),
    "campaigns.edit": ("GET", "/campaigns/{campaign}/edit", ORGANISERS),
    "campaigns.publish": ("POST", "/campaigns/{campaign}/publish", ORGANISERS),
    "campaigns.close": ("POST", "/campaigns/{campaign}/close", ORGANISERS),
    "campaigns.clone": ("POST", "/campaigns/{campaign}/clone", ORGANISERS),
    "campaigns.period_add": ("POST", "/campaigns/{campaign}/periods", ORGANISERS),
    "campaigns.period_delete": ("POST", "/campaigns/periods/{period}/delete", ORGANISERS),
    "campaigns.movement_add": ("POST", "/campaigns/{campaign}/movements", ORGANISERS),
    "campaigns.movement_edit": ("GET", "/campaigns/movements/{movement}/edit", ORGANISERS),
    "campaigns.movement_delete": ("POST", "/campaigns/movements/{movement}/delete",
                                  ORGANISERS),
    "campaigns.movement_move": ("POST", "/campaigns/movements/{movement}/move", ORGANISERS),
    "campaigns.criterion_add": ("POST", "/campaigns/{campaign}/criteria", ORGANISERS),
    "campaigns.criterion_edit": ("GET", "/campaigns/criteria/{criterion}/edit", ORGANISERS),
    "campaigns.criterion_delete": ("POST", "/campaigns/criteria/{criterion}/delete",
                                   ORGANISERS),
    "campaigns.participants": ("POST", "/campaigns/{campaign}/participants", ORGANISERS),
    "campaigns.cluster_form": ("GET", "/campaigns/{campaign}/clusters/new", ORGANISERS),
    # before cluster_delete: an organiser's probe deletes the cluster
    "campaigns.cluster_detail": ("GET", "/campaigns/clusters/{cluster}", AUTHED),
    "campaigns.cluster_delete": ("POST", "/campaigns/clusters/{cluster}/delete", ORGANISERS),
    "campaigns.attachment_add": ("POST", "/campaigns/{campaign}/attachments", ORGANISERS),
    "campaigns.unit_dashboard": ("GET", "/campaigns/{campaign}/units/{unit}/dashboard",
                                 PLEDGE_READERS),
    "campaigns.remind": ("POST", "/campaigns/{campaign}/reminders", ORGANISERS),
    # the probe names no member unit: a 404 for everyone (tests/campaigns covers signing)
    "campaigns.compact_sign": ("POST", "/campaigns/clusters/{cluster}/sign", set()),
    "pledges.mine": ("GET", "/pledges/", OFFICER),
    "pledges.pledge": ("GET", "/campaigns/{campaign}/units/{unit}/pledge", PLEDGE_READERS),
    "pledges.titles": ("POST", "/campaigns/{campaign}/units/{unit}/pledge/titles", OFFICER),
    "pledges.submit": ("POST", "/campaigns/{campaign}/units/{unit}/pledge/submit", OFFICER),
    "pledges.approve": ("POST", "/pledges/{pledge}/approve", ORGANISERS),
    "pledges.return_": ("POST", "/pledges/{pledge}/return", ORGANISERS),
    "pledges.overview": ("GET", "/campaigns/{campaign}/pledges", ORGANISERS),
    "pledges.bulk_approve": ("POST", "/campaigns/{campaign}/pledges/bulk-approve", ORGANISERS),
    "pledges.extension": ("POST", "/campaigns/{campaign}/extensions", ORGANISERS),
    "pledges.campaign_dashboard": ("GET", "/campaigns/{campaign}/dashboard", ORGANISERS),
    "pledges.export_pledges": ("GET", "/campaigns/{campaign}/export/pledges.xlsx", ORGANISERS),
    "pledges.export_results": ("GET", "/campaigns/{campaign}/export/results.xlsx", ORGANISERS),
    "pledges.report": ("GET", "/campaigns/{campaign}/units/{unit}/reports/{period}",
                       PLEDGE_READERS),
    "pledges.report_submit": ("POST", "/reports/{report}/submit", OFFICER),
    "pledges.report_reopen": ("POST", "/reports/{report}/reopen", ORGANISERS),
    "pledges.evidence_add": ("POST", "/reports/{report}/items/{report_item}/evidence", OFFICER),
    "pledges.evidence": ("GET", "/reports/{report}/evidence/{evidence}", PLEDGE_READERS),
    "scoring.hub": ("GET", "/campaigns/{campaign}/scoring", ORGANISERS),
    "scoring.settings": ("POST", "/campaigns/{campaign}/scoring/settings", ORGANISERS),
    "scoring.peer_assignments": ("POST", "/campaigns/{campaign}/scoring/peer-assignments",
                                 ORGANISERS),
    "scoring.council_scorers": ("POST", "/campaigns/{campaign}/scoring/council-scorers",
                                ORGANISERS),
    "scoring.adjustment": ("POST", "/campaigns/{campaign}/scoring/adjustments", ORGANISERS),
    "scoring.freeze": ("POST", "/campaigns/{campaign}/scoring/freeze", ORGANISERS),
    "scoring.unfreeze": ("POST", "/campaigns/{campaign}/scoring/unfreeze", ORGANISERS),
    "scoring.mine": ("GET", "/scoring/", AUTHED),
    "scoring.self_sheet": ("POST", "/campaigns/{campaign}/units/{unit}/self-sheet", OFFICER),
    "scoring.sheet": ("GET", "/sheets/{sheet}", PLEDGE_READERS),
    # the probe's report is a draft: its evidence is beside no sheet (a 404 for everyone);
    # the sheet's readers opening submitted evidence: tests/scoring/test_access.py
    "scoring.sheet_evidence": ("GET", "/sheets/{sheet}/evidence/{evidence}", set()),
    "scoring.sheet_submit": ("POST", "/sheets/{sheet}/submit", OFFICER),
    "scoring.sheet_reopen": ("POST", "/sheets/{sheet}/reopen", ORGANISERS),
    "scoring.ranking": ("GET", "/campaigns/{campaign}/ranking", ORGANISERS),
    "scoring.export_scores": ("GET", "/campaigns/{campaign}/export/scores.xlsx", ORGANISERS),
    "scoring.export_scores_csv": ("GET", "/campaigns/{campaign}/export/scores.csv",
                                  ORGANISERS),
    "scoring.unit_scores": ("GET", "/campaigns/{campaign}/units/{unit}/scores",
                            PLEDGE_READERS),
    "awards.catalogue": ("GET", "/awards/", AUTHED),
    "awards.catalogue_export": ("GET", "/awards/export.xlsx", AUTHED),
    "awards.award": ("GET", "/awards/CSTDCS", AUTHED),
    "awards.award_create": ("GET", "/awards/new", ADMIN),
    "awards.award_set_active": ("POST", "/awards/CSTDCS/active", ADMIN),
    "awards.award_delete": ("POST", "/awards/CSTDCS/delete", ADMIN),
    "awards.rule_save": ("POST", "/awards/CSTDCS/rules", ADMIN),
    "awards.rule_delete": ("POST", "/awards/CSTDCS/rules/{rule}/delete", ADMIN),
    "awards.quota_save": ("POST", "/awards/CSTDCS/quotas", ADMIN),
    "awards.quota_delete": ("POST", "/awards/CSTDCS/quotas/{quota}/delete", ADMIN),
    "awards.records_import": ("GET", "/records/import/appraisals", PEOPLE_MANAGERS),
    "awards.records_template": ("GET", "/records/import/awards/template.xlsx",
                                PEOPLE_MANAGERS),
    "awards.records_export": ("GET", "/records/export/awards.xlsx", PEOPLE_MANAGERS),
    "awards.records_export_csv": ("GET", "/records/export/awards.csv", PEOPLE_MANAGERS),
    "awards.person_eligibility": ("GET", "/people/{person}/eligibility?award=LDTT",
                                  PEOPLE_MANAGERS),
    "awards.unit_eligibility": ("GET", "/units/{unit}/eligibility?award=TTLDXS", AUTHED),
    "nominations.index": ("GET", "/nominations/", AUTHED),
    "nominations.export": ("GET", "/nominations/export.xlsx", AUTHED),
    # organisers start the check of a year (nothing to check in the matrix's year: 400 with
    # the reason, not a refusal); its results are the requester's alone, like a job's
    # (tests/awards/test_eligibility_batch.py covers the requester)
    "nominations.eligibility_check": ("POST", "/nominations/eligibility-check", ORGANISERS),
    "nominations.eligibility_results": ("GET", "/nominations/eligibility-check/" + "x" * 43,
                                        set()),
    "nominations.create": ("GET", "/nominations/new", OFFICER),
    "nominations.detail": ("GET", "/nominations/{nomination}", PLEDGE_READERS),
    "nominations.act": ("POST", "/nominations/{nomination}/receive", ORGANISERS),
    "nominations.from_registrations": ("POST", "/nominations/from-registrations", OFFICER),
    "nominations.from_ranking": ("POST", "/nominations/from-ranking", ORGANISERS),
    # those who read the dossier reach the form (its service then admits only the organisers
    # of the dossier's level: tests/awards/test_deciding.py)
    "nominations.superior_step": ("POST", "/nominations/{nomination}/superior/submit",
                                  PLEDGE_READERS),
    "councils.index": ("GET", "/councils/", AUTHED),
    "councils.council": ("GET", "/councils/{council}", COUNCIL),
    "councils.member_add": ("POST", "/councils/{council}/members", ORGANISERS),
    "councils.meeting_add": ("POST", "/councils/{council}/meetings", ORGANISERS | {"thuky"}),
    "councils.meeting": ("GET", "/meetings/{meeting}", COUNCIL),
    "councils.attendance": ("POST", "/meetings/{meeting}/attendance", {"thuky"}),
    "councils.agenda_add": ("POST", "/meetings/{meeting}/agenda", {"thuky"}),
    "councils.ballot_open": ("POST", "/meetings/{meeting}/open", {"thuky"}),
    "councils.ballot_close": ("POST", "/meetings/{meeting}/close", {"thuky"}),
    "councils.vote": ("POST", "/agenda/{item}/vote", set()),
    "councils.written_opinion": ("POST", "/agenda/{item}/written", {"thuky"}),
    "councils.reopen": ("POST", "/agenda/{item}/reopen", ORGANISERS),
    "councils.ballot_annul": ("POST", "/meetings/{meeting}/annul", {"thuky"}),
    "decisions.publish": ("POST", "/meetings/{meeting}/publish", ORGANISERS),
    "decisions.publications": ("GET", "/publications/", AUTHED),
    "decisions.memo": ("GET", "/meetings/{meeting}/memo.docx", COUNCIL),
    "decisions.agenda_list": ("GET", "/meetings/{meeting}/list.xlsx", COUNCIL),
    "decisions.minutes": ("GET", "/meetings/{closed_meeting}/minutes.docx", COUNCIL),
    "decisions.objection_add": ("POST", "/nominations/{published_nomination}/objections",
                                AUTHED),
    "decisions.objection_resolve": ("POST", "/objections/{objection}/resolve", ORGANISERS),
    "decisions.index": ("GET", "/decisions/", AUTHED),
    "decisions.export": ("GET", "/decisions/export.xlsx", AUTHED),
    "decisions.create": ("GET", "/decisions/new", ORGANISERS),
    "decisions.detail": ("GET", "/decisions/{decision}", ORGANISERS),
    "decisions.annex": ("GET", "/decisions/{decision}/annex.xlsx", ORGANISERS),
    "decisions.draft": ("GET", "/decisions/{decision}/draft.docx", ORGANISERS),
    "decisions.certificates": ("GET", "/decisions/{decision}/certificates.pdf", ORGANISERS),
    "decisions.certificate_list": ("GET", "/certificates/", AUTHED),
    "awards.certificate_settings": ("GET", "/awards/CSTDCS/certificate", ORGANISERS),
    "awards.certificate_emblem": ("POST", "/awards/CSTDCS/certificate/emblem", ORGANISERS),
    "awards.certificate_layout": ("POST", "/awards/CSTDCS/certificate/layouts", ORGANISERS),
    "awards.certificate_layout_delete": (
        "POST", "/awards/CSTDCS/certificate/layouts/{certificate_layout}/delete", ORGANISERS),
    "awards.certificate_calibration": ("GET", "/awards/CSTDCS/certificate/calibration.pdf",
                                       ORGANISERS),
    "decisions.honours": ("GET", "/honours/", AUTHED),
    "decisions.honours_export": ("GET", "/honours/export.xlsx", AUTHED),
    "decisions.honours_export_csv": ("GET", "/honours/export.csv", AUTHED),
    "decisions.statistics_export": ("GET", "/honours/statistics.xlsx", AUTHED),
    "decisions.yearly_report": ("GET", "/honours/report.xlsx?year=2026", AUTHED),
    "documents.templates": ("GET", "/documents/templates", ORGANISERS),
    "documents.template_download": ("GET", "/documents/templates/{unit}/decision.docx",
                                    ORGANISERS),
    "documents.template_upload": ("POST", "/documents/templates/{unit}/decision", ORGANISERS),
    "documents.template_reset": ("POST", "/documents/templates/{unit}/decision/reset",
                                 ORGANISERS),
    "documents.letterhead": ("POST", "/documents/letterhead/{unit}", ORGANISERS),
    "documents.achievement_report": ("GET", "/nominations/{nomination}/report.docx",
                                     PLEDGE_READERS),
    "documents.nomination_list": ("GET", "/meetings/{meeting}/nominations.docx", COUNCIL),
    "nominations.attach": ("POST", "/nominations/{draft_nomination}/attachments", OFFICER),
    "nominations.attachment": ("GET", "/nominations/{nomination}/attachments/{n_file}",
                               PLEDGE_READERS),
    "auth.token_create": ("POST", "/profile/tokens", AUTHED),
    "auth.token_revoke": ("POST", "/tokens/999999/revoke", set()),
    "api-docs.openapi_json": ("GET", "/api/v1/openapi.json", EVERYONE),
    "main.api_docs": ("GET", "/api/docs", EVERYONE),
    "notify.index": ("GET", "/notifications/", AUTHED),
    "notify.mark_read": ("POST", "/notifications/read", AUTHED),
    "notify.mail": ("GET", "/notifications/mail/", ADMIN),
    "notify.mail_resend": ("POST", "/notifications/mail/999999/resend", set()),
    # a job is its requester's alone; tests/test_jobs.py covers the requester
    "jobs.detail": ("GET", "/jobs/" + "x" * 43, set()),
    "jobs.status": ("GET", "/jobs/" + "x" * 43 + "/status", set()),
    "jobs.download": ("GET", "/jobs/" + "x" * 43 + "/file", set()),
    # The API answers to bearer tokens only: a browser session gets 401 (tests/api).
    **{endpoint: (method, url, TOKEN) for endpoint, method, url in (
        ("api.Units", "GET", "/api/v1/units"), ("api.UnitItem", "GET", "/api/v1/units/{unit}"),
        ("api.People", "GET", "/api/v1/people"),
        ("api.PersonItem", "GET", "/api/v1/people/{person}"),
        ("api.Campaigns", "GET", "/api/v1/campaigns"),
        ("api.CampaignItem", "GET", "/api/v1/campaigns/{campaign}"),
        ("api.AwardTypes", "GET", "/api/v1/award-types"),
        ("api.AwardTypeItem", "GET", "/api/v1/award-types/CSTDCS"),
        ("api.AwardTypeActive", "POST", "/api/v1/award-types/CSTDCS/active"),
        ("api.AwardRecords", "GET", "/api/v1/award-records"),
        ("api.Nominations", "GET", "/api/v1/nominations"),
        ("api.Decisions", "GET", "/api/v1/decisions"),
        ("api.Eligibility", "POST", "/api/v1/eligibility"),
        ("api.Ranking", "GET", "/api/v1/campaigns/{campaign}/ranking"),
        ("api.PledgeItem", "GET", "/api/v1/campaigns/{campaign}/units/{unit}/pledge"),
        ("api.PledgeSubmit", "POST", "/api/v1/campaigns/{campaign}/units/{unit}/pledge/submit"),
        ("api.Reports", "GET", "/api/v1/campaigns/{campaign}/units/{unit}/reports"),
        ("api.ReportItem", "GET", "/api/v1/campaigns/{campaign}/units/{unit}/reports/{period}"),
        ("api.ReportSubmit", "POST",
         "/api/v1/campaigns/{campaign}/units/{unit}/reports/{period}/submit"),
        ("api.NominationItem", "GET", "/api/v1/nominations/{nomination}"),
        ("api.NominationSubmit", "POST", "/api/v1/nominations/{nomination}/submit"),
        ("api.NominationSuperiorSubmission", "POST",
         "/api/v1/nominations/{nomination}/superior-submission"),
        ("api.NominationSuperiorDecision", "POST",
         "/api/v1/nominations/{nomination}/superior-decision"),
        ("api.NominationSuperiorRefusal", "POST",
         "/api/v1/nominations/{nomination}/superior-refusal"),
        ("api.DecisionIssue", "POST", "/api/v1/decisions/{decision}/issue"),
        ("api.BaseSalaries", "POST", "/api/v1/base-salaries"),
        ("api.BaseSalaryItem", "DELETE", "/api/v1/base-salaries/{salary}"),
        ("api.Calendar", "POST", "/api/v1/calendar"),
        ("api.CalendarItem", "DELETE", "/api/v1/calendar/{calendar_day}"),
        ("api.Import", "POST", "/api/v1/imports/people"))},
}
# Sent with every POST: a stale version and no-op values, so nothing is changed by the probe.
PROBE_FORM = {"version": "-1", "active": "1"}


def test_every_route_has_an_entry(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints == set(MATRIX), (
        f"missing: {sorted(endpoints - set(MATRIX))}; stale: {sorted(set(MATRIX) - endpoints)}")
    for rule in app.url_map.iter_rules():
        method = MATRIX[rule.endpoint][0]
        assert method in rule.methods or rule.endpoint in ("campaigns.cluster_form",
                                                           "awards.rule_save"), rule


def probe_ids(world, cworld) -> dict:
    """Real ids for every placeholder of MATRIX's URLs (records of CS-1 and the top unit);
    call inside an app context."""
    target = gen_user("target", "viewer", _unit(world.top.id))
    return {"unit": world.unit1.id, "person": world.person1.id, "user": target.id,
            "grant": target.grants[0].id, "campaign": cworld.campaign,
            "attachment": cworld.campaign_attachment, "period": cworld.period,
            "movement": cworld.movements[0], "criterion": cworld.criterion,
            "cluster": cworld.cluster, "pledge": cworld.pledge, "report": cworld.report,
            "report_item": cworld.report_item, "evidence": cworld.evidence,
            "sheet": cworld.sheet, "rule": _rule_id(), "quota": _quota_id(),
            "nomination": _nomination_id(world), **_council_ids(world),
            **_NOMINATION_EXTRA, **_reference_ids(),
            "certificate_layout": _certificate_layout_id()}


@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(role, world, cworld, login, in_app, app):
    with in_app():
        ids = probe_ids(world, cworld)
    failures = []
    for endpoint, (method, template, allowed) in MATRIX.items():
        client = app.test_client() if role == "anonymous" else login(role)
        url = template.format(**ids)
        if method == "GET":
            response = client.get(url)
        elif method == "DELETE":
            response = client.delete(url)
        else:
            response = client.post(url, data=PROBE_FORM)
        status, location = response.status_code, response.headers.get("Location", "")
        sent_to_login = status == 302 and location.startswith("/login?next=")
        refused = status in (403, 404)
        if allowed == OFF:
            if status != 404:
                failures.append(f"{endpoint}: a page turned off must answer 404, got {status}")
            continue
        if allowed == TOKEN:
            if status != 401:
                failures.append(f"{endpoint}: without a token expected 401, got {status}")
            continue
        if status >= 500:
            failures.append(f"{endpoint}: {status}")
        elif role in allowed and (sent_to_login or refused):
            failures.append(f"{endpoint}: allowed but got {status} {location}")
        elif role not in allowed and role == "anonymous" and not sent_to_login:
            failures.append(f"{endpoint}: anonymous not sent to login ({status})")
        elif role not in allowed and role != "anonymous" and not refused:
            failures.append(f"{endpoint}: should be refused, got {status}")
    assert not failures, failures
    with in_app() as session:
        # Only an admin's probe may remove the target's grant; no probe deactivates anyone.
        user = session.scalar(select(User).where(User.username == "target"))
        assert user.active
        grant_left = session.get(RoleGrant, ids["grant"]) is not None
        assert grant_left == (role != "admin")


def _reference_ids() -> dict:
    """A base salary and a calendar override of the seed (`_rule_id` seeds first)."""
    from emulation.awards.decisions.models import BaseSalary
    from emulation.core.calendar import Holiday

    return {"salary": db.session.scalar(select(func.min(BaseSalary.id))),
            "calendar_day": db.session.scalar(select(func.min(Holiday.id)))}


def _certificate_layout_id():
    """A printer's calibration of CSTĐCS (`_rule_id` seeds first)."""
    from emulation.awards.catalogue.services import award_by_code
    from emulation.awards.certificates.services import save_layout
    from emulation.core.permissions import SYSTEM

    return save_layout(SYSTEM, award_by_code("CSTDCS"), "Máy in", {}).id


def _rule_id():
    from emulation.awards.catalogue.data import seed
    from emulation.awards.catalogue.models import AwardRule, AwardType

    seed(db.session)
    db.session.commit()
    return db.session.scalar(select(AwardRule.id).join(AwardType).where(
        AwardType.code == "CSTDCS").order_by(AwardRule.position.desc()))


def _quota_id():
    """The seeded CSTĐCS quota (`_rule_id` seeds first)."""
    from emulation.awards.catalogue.models import AwardQuota

    return db.session.scalar(select(func.min(AwardQuota.id)))


def _nomination_id(world):
    from emulation.awards.catalogue.services import award_by_code
    from emulation.awards.nominations import services as nominations
    from emulation.core.permissions import SYSTEM
    from emulation.org.models import Person

    unit1 = _unit(world.unit1.id)
    n = nominations.create(SYSTEM, award=award_by_code("LDTT"), year=2026, proposing_unit=unit1,
                           person=db.session.get(Person, world.person1.id),
                           texts={"summary": "Thành tích"})
    nominations.submit(SYSTEM, n, n.version, "Giải trình")
    import io

    from werkzeug.datastructures import FileStorage

    from emulation.core import uploads

    stored = uploads.store(FileStorage(io.BytesIO(b"%PDF-1.4 ho so"), "hồ sơ.pdf"),
                           owner_type="nomination", owner_id=n.id, actor=SYSTEM)
    draft = nominations.create(SYSTEM, award=award_by_code("BK_BO"), year=2026,
                               proposing_unit=unit1,
                               person=db.session.get(Person, world.person1.id))
    db.session.commit()
    _NOMINATION_EXTRA.update({"n_file": stored.id, "draft_nomination": draft.id})
    return n.id


_NOMINATION_EXTRA: dict = {}


def _council_ids(world):
    """A council of the top unit (thuky secretary, hoidong1 member) with a meeting whose
    agenda holds one dossier; nobody is present, so nobody can vote."""
    from datetime import date
    from decimal import Decimal

    from emulation.awards.catalogue.services import award_by_code
    from emulation.awards.councils import services as cs
    from emulation.awards.nominations import services as nominations
    from emulation.core.permissions import SYSTEM
    from emulation.org.models import Person

    council = cs.create_council(SYSTEM, _unit(world.top.id), "Hội đồng", Decimal(50))
    cs.add_member(SYSTEM, council, db.session.scalar(select(User).where(
        User.username == "thuky")), "secretary")
    cs.add_member(SYSTEM, council, db.session.scalar(select(User).where(
        User.username == "hoidong1")), "member")
    meeting = cs.schedule(SYSTEM, council, "Phiên họp", date(2026, 12, 1))
    n = nominations.create(SYSTEM, award=award_by_code("CSTDCS"), year=2026,
                           proposing_unit=_unit(world.unit1.id),
                           person=db.session.get(Person, world.person1.id),
                           texts={"summary": "Thành tích"})
    nominations.submit(SYSTEM, n, n.version, "Giải trình")
    nominations.receive(SYSTEM, n, n.version)
    nominations.put_on_agenda(SYSTEM, n, n.version)
    thuky = db.session.scalar(select(User).where(User.username == "thuky"))
    item = cs.add_to_agenda(thuky, meeting, n)
    from emulation.awards.decisions.models import Decision, DecisionItem, Objection

    objection = Objection(nomination=n, author="xem", text="Ý kiến")
    decision = Decision(number="1/QĐ", signed_on=date(2026, 12, 30), signer="Chủ tịch",
                        issuing_unit=_unit(world.top.id), state="draft",
                        items=[DecisionItem(nomination=n)])
    db.session.add_all([objection, decision])
    db.session.commit()
    closed = cs.schedule(SYSTEM, council, "Phiên đã họp", date(2026, 11, 1))
    closed.state = "closed"
    # objections are taken on published lists only (any other id is a 404): the dossier was
    # passed at the closed meeting and its list published
    from emulation.awards.councils.models import AgendaItem
    from emulation.awards.decisions.models import Publication

    db.session.add_all([AgendaItem(meeting=closed, nomination=n, passed=True),
                        Publication(meeting=closed, starts_on=date(2026, 11, 2),
                                    ends_on=date(2026, 11, 20), published_by="system")])
    db.session.commit()
    return {"council": council.id, "meeting": meeting.id, "item": item.id,
            "closed_meeting": closed.id, "published_nomination": n.id,
            "objection": objection.id, "decision": decision.id}


def _unit(unit_id):
    from emulation.org.models import Unit

    return db.session.get(Unit, unit_id)

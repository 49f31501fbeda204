"""The shared attachment path and the WTForms date fields, as the campaign pages use them."""
import io

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from emulation.campaigns.models import Campaign, ReportPeriod
from emulation.core import uploads
from emulation.core.audit import AuditEvent
from emulation.core.errors import ServiceError
from emulation.core.permissions import SYSTEM
from emulation.extensions import db


def _counts(session):
    return (session.scalar(select(func.count(uploads.Attachment.id))),
            session.scalar(select(func.count(AuditEvent.id))),
            sorted(p.name for p in uploads.upload_folder().iterdir())
            if uploads.upload_folder().exists() else [])


def test_attach_refuses_a_bad_file_in_vietnamese_and_writes_nothing(world, cworld, app):
    with app.test_request_context(), app.app_context():
        before = _counts(db.session)
        with pytest.raises(ServiceError) as refused:
            uploads.attach(SYSTEM, "campaign", cworld.campaign,
                           FileStorage(io.BytesIO(b"<html>"), "chi-thi.pdf"))
        assert refused.value.status == 400
        # translated: vi is the default locale
        assert "không phải là tệp PDF thật" in str(refused.value.message)
        db.session.rollback()
        assert _counts(db.session) == before


def test_attach_keeps_and_audits_a_good_file(world, cworld, app):
    with app.test_request_context(), app.app_context():
        campaign = db.session.get(Campaign, cworld.campaign)
        attachment = uploads.attach(SYSTEM, "campaign", campaign.id,
                                    FileStorage(io.BytesIO(b"%PDF-1.4 x"), "kế hoạch.pdf"),
                                    record=campaign, action="campaign.attach")
        db.session.commit()
        event = db.session.scalar(select(AuditEvent).where(
            AuditEvent.action == "campaign.attach").order_by(AuditEvent.id.desc()))
        assert event.object_type == "campaign" and event.object_id == campaign.id
        assert (uploads.upload_folder() / attachment.stored_name).read_bytes() == b"%PDF-1.4 x"


def test_attachment_route_refuses_a_bad_file_with_its_reason_and_writes_nothing(
        world, cworld, login, in_app):
    with in_app() as session:
        before = _counts(session)
    response = login("tochuc").post(f"/campaigns/{cworld.campaign}/attachments",
                                    data={"file": (io.BytesIO(b"MZ\x90"), "setup.exe")},
                                    content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Không nhận loại tệp này: setup.exe" in response.get_data(as_text=True)
    with in_app() as session:
        attachments, _events, files = _counts(session)
        assert (attachments, files) == (before[0], before[2])
        assert not session.scalar(select(AuditEvent.id).where(
            AuditEvent.action == "campaign.attach"))


def test_another_campaigns_file_is_404(world, cworld, login, in_app):
    # the report's evidence is an attachment too, but not the campaign's
    c = login("donvi1")
    assert c.get(f"/campaigns/{cworld.campaign}/attachments/{cworld.evidence}").status_code \
        == 404
    assert c.get(f"/campaigns/{cworld.campaign}/attachments/{cworld.campaign_attachment}") \
        .status_code == 200


def test_a_bad_date_is_a_400_with_the_forms_message(world, cworld, login, in_app):
    with in_app() as session:
        periods = session.scalar(select(func.count(ReportPeriod.id)))
    response = login("tochuc").post(f"/campaigns/{cworld.campaign}/periods", data={
        "kind": "quarterly", "label": "Quý 1", "year": "2026", "deadline": "31/02/2026"})
    assert response.status_code == 400
    assert "Nhập ngày theo dạng dd/mm/yyyy" in response.get_data(as_text=True)
    with in_app() as session:
        assert session.scalar(select(func.count(ReportPeriod.id))) == periods


def test_an_extension_with_a_bad_date_is_a_400_with_the_forms_message(world, cworld, login):
    response = login("tochuc").post(f"/campaigns/{cworld.campaign}/extensions",
                                    data={"unit_code": "CS-2", "until": "2026-13-40"})
    assert response.status_code == 400
    assert "Nhập ngày theo dạng dd/mm/yyyy" in response.get_data(as_text=True)

"""Every spreadsheet export stays formula- and link-safe with hostile text; uploads are
checked by content, stored under generated names and served as attachments."""
import io
import zipfile
from pathlib import Path

import openpyxl
from sqlalchemy import select

from emulation.auth.models import User
from emulation.awards.catalogue.models import AwardType
from emulation.awards.decisions.models import Decision
from emulation.awards.nominations.models import Nomination
from emulation.awards.records.models import AwardRecord
from emulation.campaigns.models import Campaign
from emulation.core import audit
from emulation.org.models import Person, Unit
from emulation.pledges.models import PledgeItem, ReportItem
from tests.test_access_matrix import MATRIX, probe_ids

HOSTILE = ["=cmd|' /C calc'!A0", "@SUM(1)", "+1", "-1", "http://x"]
# exports that list the records made hostile below (templates hold headers only)
WITH_DATA = {"org.units_export", "org.people_export", "pledges.export_pledges",
             "pledges.export_results", "decisions.honours_export", "decisions.annex",
             "decisions.agenda_list", "decisions.statistics_export", "nominations.export",
             "decisions.export", "admin.audit_export", "campaigns.export",
             "awards.catalogue_export", "awards.records_export"}


def _make_hostile(session, world, ids) -> None:
    session.get(Unit, world.unit1.id).set_name(HOSTILE[0])
    session.get(Unit, world.unit2.id).set_name(HOSTILE[4])
    session.get(Person, world.person1.id).set_name(HOSTILE[1])
    for item in session.scalars(select(PledgeItem)):
        item.commitment, item.indicator = HOSTILE[2], HOSTILE[4]
    for row in session.scalars(select(ReportItem)):
        row.narrative = HOSTILE[3]
    for n in session.scalars(select(Nomination)):
        n.summary = HOSTILE[4]
    decision = session.get(Decision, ids["decision"])
    decision.signer, decision.number = HOSTILE[0], HOSTILE[2]
    session.add(AwardRecord(award_code="LDTT", person_id=world.person1.id, year=2025,
                            decision_number=HOSTILE[3], issuer=HOSTILE[4], source="import"))
    session.get(Campaign, ids["campaign"]).title = HOSTILE[2]
    session.scalar(select(AwardType).where(AwardType.code == "LDTT")).note = HOSTILE[0]
    audit.record(session, actor=session.scalar(select(User).where(User.username == "admin")),
                 action="test.hostile", summary=HOSTILE[1])
    session.commit()


def test_every_export_is_formula_and_link_safe(world, cworld, login, in_app):
    with in_app() as session:
        ids = probe_ids(world, cworld)
        _make_hostile(session, world, ids)
    admin = login("admin")
    seen, problems = set(), []
    exports = {e: t for e, (m, t, _a) in MATRIX.items() if t.split("?")[0].endswith(".xlsx")}
    assert len(exports) >= 18
    for endpoint, template in exports.items():
        response = admin.get(template.format(**ids))
        assert response.status_code == 200, endpoint
        assert response.headers["Content-Disposition"].startswith("attachment")
        # streamed from its temporary file, not built in memory, with its exact size
        assert response.is_streamed and response.headers["X-Content-Type-Options"] == "nosniff"
        assert int(response.headers["Content-Length"]) == len(response.data), endpoint
        book = openpyxl.load_workbook(io.BytesIO(response.data))
        found = 0
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if cell.data_type == "f":
                        problems.append(f"{endpoint}: formula {cell.coordinate}={cell.value}")
                    if cell.hyperlink is not None:
                        problems.append(f"{endpoint}: link in {cell.coordinate}")
                    if isinstance(cell.value, str) and cell.value.strip() in HOSTILE:
                        found += 1
                        seen.add(cell.value.strip())
                        if cell.data_type != "s":
                            problems.append(f"{endpoint}: {cell.value} not text")
        if endpoint in WITH_DATA and not found:
            problems.append(f"{endpoint}: none of the hostile texts was exported")
    assert not problems, problems
    assert seen == set(HOSTILE)  # each one was exported somewhere, as text, as typed


def _upload(client, url, data: bytes, name: str):
    return client.post(url, data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def test_hostile_uploads_are_refused_with_a_message(world, cworld, login, app, in_app):
    c = login("donvi1")
    url = f"/reports/{cworld.report}/items/{cworld.report_item}/evidence"
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "x")
        z.writestr("word/document.xml", b"0" * (210 * 1024 * 1024))
    cases = {
        "html named pdf": (b"<!DOCTYPE html><script>alert(1)</script>", "bao-cao.pdf"),
        "svg with script": (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
                            "anh.svg"),
        "svg named png": (b"<svg><script>alert(1)</script></svg>", "anh.png"),
        "executable": (b"MZ\x90\x00\x03" + b"\x00" * 100, "minh-chung.pdf"),
        "executable name": (b"%PDF-1.4 x", "minh-chung.pdf.exe"),
        "zip bomb": (bomb.getvalue(), "bien-ban.docx"),
    }
    for case, (data, name) in cases.items():
        response = _upload(c, url, data, name)
        assert response.status_code == 400, case
        assert 'alert-danger' in response.get_data(as_text=True), case
    app.config["MAX_CONTENT_LENGTH"], limit = 1024, app.config["MAX_CONTENT_LENGTH"]
    try:
        too_big = _upload(c, url, b"%PDF-1.4 " + b"0" * 4096, "lon.pdf")
    finally:
        app.config["MAX_CONTENT_LENGTH"] = limit
    assert too_big.status_code == 413 and "lớn hơn" in too_big.get_data(as_text=True)


def test_a_traversal_name_is_stored_under_a_generated_name(world, cworld, login, app,
                                                           in_app):
    from emulation.core.uploads import Attachment

    c = login("donvi1")
    url = f"/reports/{cworld.report}/items/{cworld.report_item}/evidence"
    assert _upload(c, url, b"%PDF-1.4 ok", "../../etc/passwd.pdf").status_code == 302
    with in_app() as session:
        stored = session.scalars(select(Attachment).order_by(Attachment.id.desc())).first()
        folder = Path(app.config["UPLOAD_FOLDER"]).resolve()
        path = (folder / stored.stored_name).resolve()
        assert path.is_file() and folder in path.parents
        assert ".." not in stored.stored_name and "/" not in stored.stored_name
        attachment_id = stored.id
    download = c.get(f"/reports/{cworld.report}/evidence/{attachment_id}")
    assert download.status_code == 200
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert "passwd" in download.headers["Content-Disposition"]  # the original name, shown
    assert not Path("/etc/passwd.pdf").exists()

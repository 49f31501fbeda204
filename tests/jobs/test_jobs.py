"""Exports as jobs (the queue runs them in-process here, QUEUE_IMMEDIATE): the redirect to
the job's page, progress, the notification with the link, who may download, expiry."""
from __future__ import annotations

import dataclasses
import io
import json
import re
from datetime import timedelta

import openpyxl
import pytest
from sqlalchemy import select

from emulation.auth.models import RoleGrant, User
from emulation.core.audit import AuditEvent
from emulation.core.models import utcnow
from emulation.extensions import db
from emulation.jobs import services
from emulation.jobs.models import Job
from emulation.notify.models import Notification
from emulation.org.models import Person, Unit


@pytest.fixture
def as_job(app):
    """Every export runs as a job."""
    app.config["EXPORT_JOB_ROWS"] = 0
    yield
    app.config["EXPORT_JOB_ROWS"] = 20000


def _start(client, url: str) -> str:
    """Ask for an export that runs as a job; the token of the job it was sent to."""
    response = client.get(url)
    assert response.status_code == 302, response.status_code
    found = re.fullmatch(r"/jobs/([A-Za-z0-9_-]{43})", response.headers["Location"])
    assert found, response.headers["Location"]
    return found.group(1)


def _scores_url(cworld) -> str:
    return f"/campaigns/{cworld.campaign}/export/scores.xlsx"


def test_a_small_export_is_sent_at_once(world, cworld, login, in_app):
    response = login("tochuc").get(_scores_url(cworld))
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    with in_app() as session:
        assert session.scalar(select(Job)) is None


def test_a_large_export_runs_as_a_job_and_notifies_the_link(world, cworld, login, in_app,
                                                             as_job):
    c = login("tochuc")
    token = _start(c, _scores_url(cworld))
    page = c.get(f"/jobs/{token}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Sẵn sàng tải về" in text
    assert f'href="/jobs/{token}/file"' in text and "diem-thi-dua-" in text
    status = c.get(f"/jobs/{token}/status").get_json()
    assert status["state"] == "done" and status["finished"] and status["percent"] == 100
    assert status["download"] == f"/jobs/{token}/file"
    with in_app() as session:
        job = session.get(Job, token)
        assert job.rows_done == job.rows_total and job.rows_done > 0
        assert job.expires_at - job.finished_at == timedelta(hours=24)
        user = session.scalar(select(User).where(User.username == "tochuc"))
        [note] = session.scalars(select(Notification).where(
            Notification.user_id == user.id, Notification.kind == "export_ready")).all()
        assert note.link == f"/jobs/{token}/file"
        states = session.scalars(select(AuditEvent.action).where(
            AuditEvent.object_type == "job").order_by(AuditEvent.id)).all()
        assert states == ["job.queued", "job.running", "job.done"]
    bell = c.get("/notifications/").get_data(as_text=True)
    assert f'href="/jobs/{token}/file"' in bell and "đã sẵn sàng" in bell
    download = c.get(f"/jobs/{token}/file")
    assert download.status_code == 200
    assert "attachment" in download.headers["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(download.data), read_only=True)
    assert book.sheetnames[0] == "Điểm chi tiết"


def test_asking_again_while_it_runs_reuses_the_job(world, cworld, login, in_app, as_job):
    with in_app() as session:
        user = session.scalar(select(User).where(User.username == "tochuc"))
        campaign_id = cworld.campaign
        from emulation.campaigns.models import Campaign

        kind = services.KINDS["scores"]
        subject = session.get(Campaign, campaign_id)
        queued = Job(id="q" * 43, user_id=user.id, kind="scores", state="queued",
                     params=json.dumps({"campaign_id": campaign_id, "name": subject.title,
                                        "reach": services.reach(user)},
                                       ensure_ascii=False, sort_keys=True))
        session.add(queued)
        session.commit()
        again = services.start_export(user, kind, {"campaign_id": campaign_id}, subject, 5)
        assert again.id == "q" * 43


def test_progress_is_recorded_as_rows_are_written(world, login, in_app, as_job, monkeypatch):
    seen = []
    original = services.save_progress

    def spy(job_id, rows):
        seen.append(rows)
        original(job_id, rows)
        with in_app() as session:  # another connection sees it while the export runs
            assert session.get(Job, job_id).rows_done == rows

    monkeypatch.setattr(services, "save_progress", spy)
    monkeypatch.setattr(services, "PROGRESS_SECONDS", 0)
    with in_app() as session:
        unit = session.get(Unit, world.unit2.id)
        for n in range(2500):
            person = Person(code=f"X{n:05}", unit=unit)
            person.set_name(f"Nguyễn Văn {n}")
            session.add(person)
        session.commit()
    c = login("tochuc")
    token = _start(c, "/people/export.xlsx")
    assert seen == [1000, 2000]
    with in_app() as session:
        job = session.get(Job, token)
        assert job.state == "done" and job.rows_total == job.rows_done == 2502
    rows = openpyxl.load_workbook(io.BytesIO(c.get(f"/jobs/{token}/file").data),
                                  read_only=True).active.max_row
    assert rows == 2503  # and the header


def test_only_the_requester_who_may_still_read_it_downloads(world, cworld, login, in_app,
                                                            as_job):
    token = _start(login("tochuc"), _scores_url(cworld))
    for other in ("tochuc_a", "donvi1", "admin", "xem"):  # another unit's, or anyone else
        c = login(other)
        for path in ("", "/status", "/file"):
            assert c.get(f"/jobs/{token}{path}").status_code == 404, (other, path)
    anonymous = login("tochuc").application.test_client()
    assert anonymous.get(f"/jobs/{token}/file").status_code == 302  # to the login page
    c = login("tochuc")
    assert c.get(f"/jobs/{token}/file").status_code == 200
    with in_app() as session:  # the organiser's grant moves to a branch: no longer theirs
        user = session.scalar(select(User).where(User.username == "tochuc"))
        grant = session.scalar(select(RoleGrant).where(RoleGrant.user_id == user.id))
        grant.unit_id = world.branch_b.id
        session.commit()
    assert c.get(f"/jobs/{token}/file").status_code == 404
    for bad in ("x" * 43, "../../etc/passwd", "%00", "a" * 200):
        assert c.get(f"/jobs/{bad}").status_code == 404


def test_expired_files_are_deleted_by_the_periodic_clean_up(world, cworld, login, in_app,
                                                           as_job, app):
    from emulation.jobs.tasks import clean_jobs

    c = login("tochuc")
    token = _start(c, _scores_url(cworld))
    path = services_folder(app) / f"{token}.xlsx"
    assert path.is_file()
    with in_app() as session:
        session.get(Job, token).expires_at = utcnow() - timedelta(minutes=1)
        session.commit()
    assert c.get(f"/jobs/{token}/file").status_code == 404  # expired: refused at once
    with app.app_context():
        clean_jobs()  # the periodic task, run here (immediate mode)
    assert not path.exists()
    with in_app() as session:
        job = session.get(Job, token)
        assert job.state == "expired" and job.file_path == ""
        assert session.scalar(select(AuditEvent).where(
            AuditEvent.action == "job.expired")).summary == f"scores {token}"
    page = c.get(f"/jobs/{token}").get_data(as_text=True)
    assert "Hết hạn" in page and "Hãy xuất lại" in page


def test_a_failing_export_fails_visibly(world, cworld, login, in_app, as_job, monkeypatch):
    def broken(campaign, on_progress=None):
        raise RuntimeError("disk full")

    monkeypatch.setitem(services.KINDS, "scores",
                        dataclasses.replace(services.KINDS["scores"], write=broken))
    c = login("tochuc")
    token = _start(c, _scores_url(cworld))
    page = c.get(f"/jobs/{token}").get_data(as_text=True)
    assert "Không xuất được tệp" in page
    with in_app() as session:
        job = session.get(Job, token)
        assert job.state == "failed" and "disk full" in job.error
        assert session.scalar(select(Notification.kind).where(
            Notification.kind == "export_failed")) == "export_failed"
    assert c.get(f"/jobs/{token}/file").status_code == 404


def test_jobs_lost_by_a_worker_are_failed(world, in_app):
    with in_app() as session:
        user = session.scalar(select(User).where(User.username == "tochuc"))
        session.add(Job(id="l" * 43, user_id=user.id, kind="scores", state="running",
                        created_at=utcnow() - timedelta(hours=7)))
        session.commit()
        assert services.cleanup() == {"expired": 0, "lost": 1}
        assert session.get(Job, "l" * 43).state == "failed"


def services_folder(app):
    from pathlib import Path

    return Path(app.config["JOBS_FOLDER"])


@pytest.fixture
def imports_as_jobs(app):
    app.config["IMPORT_JOB_ROWS"] = 1
    yield
    app.config["IMPORT_JOB_ROWS"] = 10000


def _import(client, rows) -> str:
    """Upload, preview, confirm: a large file is handed to a job (its token)."""
    from tests.org.test_import import PEOPLE_HEADERS, upload, xlsx

    response = upload(client, "/people/import", xlsx(PEOPLE_HEADERS, rows), "nguoi.xlsx")
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return response.headers["Location"].rsplit("/", 1)[1]


def test_a_large_import_runs_as_a_job_with_its_outcome(world, login, in_app, app,
                                                       imports_as_jobs):
    c = login("donvi1")
    token = _import(c, [[f"N{n}", f"Lê Thị {n}", "Nữ", "01/02/1990", "Chuyên viên", "CS-1",
                         ""] for n in range(3)])
    page = c.get(f"/jobs/{token}").get_data(as_text=True)
    assert "nguoi.xlsx" in page and "tạo mới 3, cập nhật 0" in page
    with in_app() as session:
        job = session.get(Job, token)
        assert job.state == "done" and services.outcome(job)["created"] == 3
        assert session.scalar(select(Person).where(Person.code == "N2")).unit_id == \
            world.unit1.id
        user = session.scalar(select(User).where(User.username == "donvi1"))
        assert session.scalar(select(Notification.kind).where(
            Notification.user_id == user.id)) == "import_done"
    assert not list(services_folder(app).glob(f"{token}*"))  # the upload is not kept
    assert c.get(f"/jobs/{token}/file").status_code == 404  # nothing to download
    assert login("donvi2").get(f"/jobs/{token}").status_code == 404


def test_an_import_job_with_bad_rows_writes_nothing_and_lists_them(world, login, in_app, app,
                                                                  imports_as_jobs):
    from tests.org.test_import import PEOPLE_HEADERS, preview, xlsx

    rows = [["N1", "Lê Thị Một", "Nữ", "01/02/1990", "Chuyên viên", "CS-1", ""],
            ["N2", "Lê Thị Hai", "Nữ", "01/02/1990", "Chuyên viên", "CS-2", ""]]
    data = xlsx(PEOPLE_HEADERS, rows)
    c = login("donvi1")
    shown = preview(c, "/people/import", data, "nguoi.xlsx")
    assert shown.status_code == 400 and "CS-2" in shown.get_data(as_text=True)  # at once
    # a file that turns bad between the preview and the worker (a unit handed to another
    # officer meanwhile): the job imports nothing and lists the rows
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "donvi1"))
        token = services.start_import(user, "people_import", io.BytesIO(data), "nguoi.xlsx",
                                      2).id
        db.session.remove()
    page = c.get(f"/jobs/{token}").get_data(as_text=True)
    assert "CS-2" in page  # the bad row's reason: another unit's people
    with in_app() as session:
        assert services.outcome(session.get(Job, token))["error_count"] == 1
        assert session.scalar(select(Person).where(Person.code == "N1")) is None
        assert session.scalar(select(Notification.kind).where(
            Notification.kind == "import_refused")) == "import_refused"


def test_the_honour_roll_export_runs_as_a_job_with_its_rows(world, login, in_app, as_job):
    from emulation.awards.records.models import AwardRecord

    with in_app() as session:
        # one award in force per subject, award and year: three awards of the year
        session.add_all([AwardRecord(award_code=code, person_id=world.person1.id, year=2025,
                                     decision_number=f"{n}/QĐ")
                         for n, code in enumerate(("LDTT", "CSTDCS", "BK_BO"))]
                        + [AwardRecord(award_code="LDTT", person_id=world.person2.id,
                                       year=2024, decision_number="9/QĐ")])
        session.commit()
    c = login("xem")
    token = _start(c, "/honours/export.xlsx?year=2025")
    with in_app() as session:
        job = session.get(Job, token)
        assert job.state == "done" and job.rows_total == job.rows_done == 3
    sheet = openpyxl.load_workbook(io.BytesIO(c.get(f"/jobs/{token}/file").data),
                                   read_only=True).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [2025] * 3
    assert login("donvi1").get(f"/jobs/{token}/file").status_code == 404


@pytest.fixture
def telling_fails(monkeypatch):
    """The requester's notification raises (a subscriber's bug, a lost connection)."""
    from emulation.notify import subscribers

    def broken(*_args, **_kw):
        raise RuntimeError("notification store down")

    monkeypatch.setattr(subscribers, "notify", broken)


def test_a_failed_notification_leaves_an_export_done(world, cworld, login, in_app, as_job,
                                                     telling_fails):
    """The job's end is committed before the requester is told: a failing notification is
    logged, the job is done (not running until the 6-hour clean-up) and a new request for the
    same export starts a new job instead of waiting on it."""
    c = login("tochuc")
    token = _start(c, _scores_url(cworld))
    with in_app() as session:
        assert session.get(Job, token).state == "done"
    assert _start(c, _scores_url(cworld)) != token


def test_a_failed_notification_leaves_a_failed_export_failed(world, cworld, login, in_app,
                                                              as_job, telling_fails,
                                                              monkeypatch):
    def broken(campaign, on_progress=None):
        raise RuntimeError("disk full")

    monkeypatch.setitem(services.KINDS, "scores",
                        dataclasses.replace(services.KINDS["scores"], write=broken))
    token = _start(login("tochuc"), _scores_url(cworld))
    with in_app() as session:
        job = session.get(Job, token)
        assert job.state == "failed" and "disk full" in job.error


def test_a_failed_notification_leaves_an_import_done(world, login, in_app, app,
                                                     imports_as_jobs, telling_fails):
    c = login("donvi1")
    token = _import(c, [[f"N{n}", f"Lê Thị {n}", "Nữ", "01/02/1990", "Chuyên viên", "CS-1",
                         ""] for n in range(3)])
    with in_app() as session:
        job = session.get(Job, token)
        assert job.state == "done" and services.outcome(job)["created"] == 3


def test_a_failed_notification_leaves_a_task_done(world, in_app, telling_fails):
    from emulation.awards.eligibility import batch
    from tests.awards.test_eligibility_batch import _make, _user

    with in_app():
        _make(world, 3)
        token = batch.start_check(_user("tochuc"), 2026).id
    with in_app() as session:
        job = session.get(Job, token)
        assert job.state == "done" and json.loads(job.result)["checked"] == 3


def test_a_lost_job_is_failed_even_when_telling_fails(world, in_app, telling_fails):
    with in_app() as session:
        user = session.scalar(select(User).where(User.username == "tochuc"))
        session.add(Job(id="m" * 43, user_id=user.id, kind="scores", state="running",
                        created_at=utcnow() - timedelta(hours=7)))
        session.commit()
        assert services.cleanup() == {"expired": 0, "lost": 1}
        assert session.get(Job, "m" * 43).state == "failed"


def test_each_task_counts_its_progress_in_its_own_unit(world, cworld, login, in_app):
    """An export counts rows, the eligibility check nominations, the ranking freeze units —
    not "3 of 3 rows" for three nominations."""
    from emulation.awards.eligibility import batch
    from emulation.scoring import services as sc
    from tests.awards.test_eligibility_batch import _make, _user

    with in_app():
        _make(world, 3)
        check = batch.start_check(_user("tochuc"), 2026).id
    c = login("tochuc")
    assert c.get(f"/jobs/{check}/status").get_json()["text"] == "3 trên 3 đề nghị"
    with in_app() as session:
        from emulation.campaigns.models import Campaign

        version = sc.settings_for(session.get(Campaign, cworld.campaign)).version
        session.commit()
    assert c.post(f"/campaigns/{cworld.campaign}/scoring/freeze",
                  data={"version": str(version)}).status_code == 302
    with in_app() as session:
        freeze = session.scalar(select(Job).where(Job.kind == "ranking_freeze"))
        token, total = freeze.id, freeze.rows_total
    assert c.get(f"/jobs/{token}/status").get_json()["text"] == \
        f"{total} trên {total} đơn vị"
    with in_app() as session:
        scores = session.scalar(select(Job).where(Job.kind == "scores_frozen"))
        assert services.progress_text(scores).endswith(" dòng")


def _set_locale(in_app, username: str, locale: str | None) -> None:
    with in_app() as session:
        session.scalar(select(User).where(User.username == username)).locale = locale
        session.commit()


def test_a_job_notification_is_worded_in_the_readers_language(world, cworld, login, in_app,
                                                                 as_job):
    """Asked for in English, read in Vietnamese: the job's title is worded when shown, in the
    reader's language (stored as its kind and name, not as finished text)."""
    _set_locale(in_app, "tochuc", "en")
    c = login("tochuc")
    token = _start(c, _scores_url(cworld))
    with in_app() as session:
        note = session.scalar(select(Notification).where(Notification.kind == "export_ready"))
        assert json.loads(note.params)["job_kind"] == "scores"
        assert token in note.link
    _set_locale(in_app, "tochuc", "vi")
    bell = login("tochuc").get("/notifications/").get_data(as_text=True)
    assert "“Điểm thi đua của" in bell and "Scores of" not in bell


def test_the_frozen_scores_notification_says_it_is_kept_while_frozen(world, cworld, login,
                                                                      in_app):
    """The frozen ranking's scores file is kept until the ranking is reopened: neither the
    notification nor the job's page speak of hours."""
    from emulation.campaigns.models import Campaign
    from emulation.scoring import services as sc

    _set_locale(in_app, "tochuc", "en")
    with in_app() as session:
        version = sc.settings_for(session.get(Campaign, cworld.campaign)).version
        session.commit()
    c = login("tochuc")
    assert c.post(f"/campaigns/{cworld.campaign}/scoring/freeze",
                  data={"version": str(version)}).status_code == 302
    with in_app() as session:
        scores = session.scalar(select(Job).where(Job.kind == "scores_frozen"))
        token = scores.id
        note = session.scalar(select(Notification).where(Notification.link.contains(token)))
        assert note.kind == "export_ready_frozen"
    _set_locale(in_app, "tochuc", "vi")
    c = login("tochuc")
    bell = c.get("/notifications/").get_data(as_text=True)
    assert "(bảng xếp hạng đã chốt)" in bell and "frozen ranking" not in bell
    assert "bảng xếp hạng còn chốt" in bell and "24 giờ" not in bell
    page = c.get(f"/jobs/{token}").get_data(as_text=True)
    assert "Tệp được giữ trong suốt thời gian bảng xếp hạng còn chốt." in page
    assert " giờ)" not in page

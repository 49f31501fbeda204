"""The eligibility check of a year's nominations: read in chunks (same verdicts, a fixed
number of queries a chunk), started as a job from the nominations list, its results page."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from emulation.auth.models import User
from emulation.awards.catalogue.data import seed
from emulation.awards.catalogue.services import award_by_code
from emulation.awards.eligibility import batch
from emulation.awards.eligibility import services as eligibility
from emulation.awards.eligibility.models import EligibilityResult
from emulation.awards.nominations.models import Nomination
from emulation.awards.records.models import Appraisal
from emulation.core.audit import AuditEvent
from emulation.core.errors import PermissionDenied, ServiceError
from emulation.extensions import db
from emulation.jobs import services as jobs
from emulation.jobs.models import Job
from emulation.org.models import Person


def _user(name):
    return db.session.scalar(select(User).where(User.username == name))


def _make(world, n: int = 7) -> list[int]:
    """`n` LĐTT nominations of 2026 by CS-1: every other nominee appraised excellent (eligible),
    the rest as not having completed their tasks (not eligible); one CSTĐCS of 2025 (another
    year)."""
    seed(db.session)
    ldtt = award_by_code("LDTT")
    ids = []
    for i in range(n):
        person = Person(code=f"BATCH{i}", unit_id=world.unit1.id, full_name=f"Lê Văn Lô {i}")
        person.set_name(person.full_name)
        db.session.add(person)
        db.session.flush()
        db.session.add(Appraisal(person_id=person.id, year=2026,
                                 level="excellent" if i % 2 == 0 else "incomplete"))
        nomination = Nomination(award_type_id=ldtt.id, year=2026, person_id=person.id,
                                proposing_unit_id=world.unit1.id,
                                level_unit_id=world.unit1.id, state="submitted")
        db.session.add(nomination)
        db.session.flush()
        ids.append(nomination.id)
    db.session.add(Nomination(award_type_id=award_by_code("CSTDCS").id, year=2025,
                              person_id=world.person1.id, proposing_unit_id=world.unit1.id,
                              level_unit_id=world.unit1.id, state="submitted"))
    db.session.commit()
    return ids


def test_chunks_give_the_verdicts_of_the_whole_set_in_a_fixed_number_of_queries(
        world, ctx, queries):
    ids = _make(world)
    admin = _user("admin")
    whole = eligibility.check_batch(db.session.scalars(select(Nomination).where(
        Nomination.year == 2026)).all())
    for chunk in (1, 2, 3, 100):
        seen = {n.id: v for part in batch.check_stream(admin, 2026, chunk) for n, v in part}
        assert list(seen) == ids  # in id order, each once, only the year's
        assert {i: v.eligible for i, v in seen.items()} == {i: whole[i].eligible for i in ids}
        assert {i: [r.message_vi for r in v.rules] for i, v in seen.items()} == \
            {i: [r.message_vi for r in whole[i].rules] for i in ids}
    db.session.expire_all()
    counts = []
    for chunk in (2, 4):
        with queries() as made:
            parts = list(batch.check_stream(admin, 2026, chunk))
        counts.append(len(made) / (len(parts) + 1))  # +1: the read that finds no more
    assert counts[0] == pytest.approx(counts[1], abs=1.5)  # a fixed number per chunk
    assert batch.count_to_check(admin, 2026) == len(ids)


def test_start_is_refused_without_permission_or_with_nothing_to_check(world, ctx):
    _make(world, 1)
    with pytest.raises(PermissionDenied):
        batch.start_check(_user("donvi1"), 2026)
    with pytest.raises(ServiceError) as nothing:
        batch.start_check(_user("tochuc"), 2031)
    assert nothing.value.status == 400


def test_the_check_runs_as_a_job_from_the_list_and_lists_its_results(world, login, in_app):
    with in_app():
        ids = _make(world)
    officer = login("donvi1")
    assert "eligibility-check" not in officer.get("/nominations/").get_data(as_text=True)
    refused = officer.post("/nominations/eligibility-check", data={"year": "2026"})
    assert refused.status_code == 403 and "Chỉ người tổ chức" in refused.get_data(as_text=True)
    organiser = login("tochuc")
    page = organiser.get("/nominations/?year=2026").get_data(as_text=True)
    assert "Kiểm tra điều kiện năm 2026" in page
    empty = organiser.post("/nominations/eligibility-check", data={"year": "2031"})
    assert empty.status_code == 400 and "Không có đề nghị nào của năm 2031" in \
        empty.get_data(as_text=True)
    started = organiser.post("/nominations/eligibility-check", data={"year": "2026"})
    assert started.status_code == 303
    token = started.headers["Location"].rsplit("/", 1)[1]
    job_page = organiser.get(f"/jobs/{token}").get_data(as_text=True)  # run at once in tests
    assert "Xem kết quả" in job_page and "Đã xong" in job_page
    assert "7 đề nghị đã kiểm tra: 4 đủ điều kiện, 3 không đủ điều kiện" in job_page
    results = organiser.get(f"/nominations/eligibility-check/{token}")
    html = results.get_data(as_text=True)
    assert results.status_code == 200 and "Lê Văn Lô 1" in html and "Lao động tiên tiến" in html
    assert f'href="/nominations/{ids[1]}"' in html and "BATCH1" not in html  # names, not codes
    failing = organiser.get(f"/nominations/eligibility-check/{token}?only=not_eligible")
    text = failing.get_data(as_text=True)
    assert "Lê Văn Lô 1" in text and "Lê Văn Lô 0<" not in text
    assert re.search(r"<li>[^<]*(Chưa|Không)[^<]*</li>", text)  # the reason, in words
    assert officer.get(f"/nominations/eligibility-check/{token}").status_code == 404
    assert organiser.get("/nominations/eligibility-check/nope").status_code == 404
    with in_app():
        job = db.session.get(Job, token)
        assert job.state == "done" and job.kind == "eligibility_check"
        assert db.session.scalar(select(func.count(AuditEvent.id)).where(
            AuditEvent.action == "job.queued", AuditEvent.params.contains(token))) == 1
        assert db.session.scalar(select(func.count(EligibilityResult.id)).where(
            EligibilityResult.job_id == token)) == len(ids)
        assert jobs.cleanup(job.expires_at + timedelta(seconds=1))["expired"] == 1
        assert db.session.scalar(select(func.count(EligibilityResult.id))) == 0
    assert organiser.get(f"/nominations/eligibility-check/{token}").status_code == 404


def test_the_worker_finishes_the_check_outside_any_request(world, in_app):
    """The worker runs a job in an app context with no request (and no SERVER_NAME): the job
    ends `done` and its notification links to the results page — building that link with
    `url_for` there raised RuntimeError after the last chunk and left the job "running"."""
    from emulation.notify.models import Notification

    with in_app():
        _make(world, 3)
        job = batch.start_check(_user("tochuc"), 2026)  # run at once, as the worker would
        token = job.id
    with in_app():
        job = db.session.get(Job, token)
        assert job.state == "done"
        assert jobs.result_url(job) == f"/nominations/eligibility-check/{token}"
        note = db.session.scalar(select(Notification).where(
            Notification.user_id == job.user_id).order_by(Notification.id.desc()))
        assert note.link == f"/nominations/eligibility-check/{token}"

"""The ranking freeze is a job (issue 18): the POST checks and queues it, the worker (run at
once in tests) freezes the ranking in one transaction with its audit event, the hub shows
"freezing…" with its progress meanwhile and refuses a second freeze, and a failed freeze
leaves the ranking open with its reason shown."""
import re

import pytest
from sqlalchemy import func, select

from emulation.campaigns.models import Campaign
from emulation.core.audit import AuditEvent
from emulation.core.errors import InvalidState
from emulation.core.permissions import SYSTEM
from emulation.extensions import db
from emulation.jobs import services as jobs
from emulation.jobs.models import Job
from emulation.scoring import services as sc
from emulation.scoring.models import RankingEntry, ScoringSettings


def _version(in_app, cworld) -> int:
    with in_app():
        version = sc.settings_for(db.session.get(Campaign, cworld.campaign)).version
        db.session.commit()
        return version


def _freeze(client, cworld, version):
    return client.post(f"/campaigns/{cworld.campaign}/scoring/freeze",
                       data={"version": str(version)})


def _state(in_app):
    """(frozen?, ranking rows, the freeze job's state or None, its error)."""
    with in_app():
        settings = db.session.scalar(select(ScoringSettings))
        job = db.session.get(Job, settings.freeze_job_id) if settings.freeze_job_id else None
        return (settings.frozen_at is not None,
                db.session.scalar(select(func.count(RankingEntry.id))),
                job.state if job else None, job.error if job else None)


def _audits(in_app, action: str) -> list[AuditEvent]:
    with in_app():
        return db.session.scalars(select(AuditEvent).where(
            AuditEvent.action == action)).all()


def test_the_freeze_runs_as_a_job_and_audits_its_completion(world, cworld, login, in_app):
    organiser = login("tochuc")
    response = _freeze(organiser, cworld, _version(in_app, cworld))
    assert response.status_code == 302
    frozen, rows, state, _error = _state(in_app)
    assert frozen and rows > 0 and state == "done"
    with in_app():
        job = db.session.scalar(select(Job).where(Job.kind == "ranking_freeze"))
        assert job.user.username == "tochuc" and job.rows_done == job.rows_total == rows
        token = job.id
        scores = db.session.get(Job, db.session.scalar(select(ScoringSettings.scores_job_id)))
        assert scores.kind == "scores_frozen" and scores.state == "done"  # built once, at it
    freeze = _audits(in_app, "ranking.freeze")
    with in_app():
        organiser_id = db.session.get(Job, token).user_id
    assert len(freeze) == 1 and freeze[0].actor_id == organiser_id  # at completion
    assert freeze[0].object_id == cworld.campaign and f"{rows} units" in freeze[0].summary
    assert any(token in a.params for a in _audits(in_app, "job.done"))
    assert any(token in a.params for a in _audits(in_app, "job.queued"))
    with in_app():  # the organiser learns it is done, with a link to the hub
        from emulation.notify.models import Notification

        told = db.session.scalars(select(Notification).where(
            Notification.user_id == organiser_id, Notification.kind == "task_done")).all()
        assert [n.link for n in told] == [f"/campaigns/{cworld.campaign}/scoring"]
    hub = organiser.get(f"/campaigns/{cworld.campaign}/scoring").get_data(as_text=True)
    assert "badge text-bg-dark" in hub  # "Ranking frozen on … by …"
    assert 'id="freeze-state"' not in hub
    page = organiser.get(f"/jobs/{token}").get_data(as_text=True)
    assert f"{rows} đơn vị" in page  # the outcome in a sentence
    # unfreeze is unchanged: a reason, then the ranking is open again
    with in_app():
        version = sc.settings_for(db.session.get(Campaign, cworld.campaign)).version
    reopened = organiser.post(f"/campaigns/{cworld.campaign}/scoring/unfreeze",
                              data={"version": str(version), "reason": "Chấm lại cụm 1"})
    assert reopened.status_code == 302 and _state(in_app)[:2] == (False, 0)


def test_a_freeze_is_refused_before_queueing(world, cworld, login, in_app):
    version = _version(in_app, cworld)
    officer = login("donvi1")
    assert _freeze(officer, cworld, version).status_code == 403
    organiser = login("tochuc")
    stale = _freeze(organiser, cworld, version - 1)
    assert stale.status_code == 409
    with in_app():
        settings = db.session.scalar(select(ScoringSettings))
        settings.council_closes = sc.date(2099, 12, 31)
        db.session.commit()
        version = settings.version
    still_open = _freeze(organiser, cworld, version)
    assert still_open.status_code == 409 and "31/12/2099" in still_open.get_data(as_text=True)
    assert _state(in_app) == (False, 0, None, None)
    with in_app():
        assert db.session.scalar(select(func.count(Job.id)).where(
            Job.kind == "ranking_freeze")) == 0


def _running_freeze(in_app, cworld, done=3, total=8) -> str:
    """A freeze job of the organiser's, left running (as a worker would be midway)."""
    from emulation.auth.models import User

    with in_app():
        user = db.session.scalar(select(User).where(User.username == "tochuc"))
        job = Job(id="f" * 43, user_id=user.id, kind="ranking_freeze",
                  params=f'{{"campaign_id": {cworld.campaign}, "name": "x"}}',
                  state="running", rows_done=done, rows_total=total)
        db.session.add(job)
        db.session.flush()
        db.session.scalar(select(ScoringSettings)).freeze_job_id = job.id
        db.session.commit()
        return job.id


def test_while_freezing_the_hub_shows_progress_and_refuses_a_second_freeze(
        world, cworld, login, in_app):
    token = _running_freeze(in_app, cworld)
    organiser = login("tochuc")
    hub = organiser.get(f"/campaigns/{cworld.campaign}/scoring").get_data(as_text=True)
    state = re.search(r'<div[^>]*id="freeze-state".*?</div>', hub, re.S).group(0)
    assert "Đang chốt bảng xếp hạng" in state and "3 trên 8" in state
    assert "<progress" in state and f"/jobs/{token}" in state
    assert f'formaction="/campaigns/{cworld.campaign}/scoring/freeze"' not in hub
    assert re.search(r'<fieldset\s+disabled', hub)  # the settings are locked meanwhile
    other = login("admin").get(f"/campaigns/{cworld.campaign}/scoring").get_data(as_text=True)
    assert "Đang chốt bảng xếp hạng" in other and f"/jobs/{token}" not in other
    second = _freeze(organiser, cworld, _version(in_app, cworld))
    assert second.status_code == 409 and "đang được chốt" in second.get_data(as_text=True)
    with in_app():
        campaign = db.session.get(Campaign, cworld.campaign)
        settings = sc.settings_for(campaign)
        with pytest.raises(InvalidState):  # and so is any change to what it ranks
            sc.update_settings(SYSTEM, campaign, settings.version, {})
        assert db.session.scalar(select(func.count(Job.id)).where(
            Job.kind == "ranking_freeze")) == 1
    assert _state(in_app)[:3] == (False, 0, "running")


def test_a_failed_freeze_leaves_the_ranking_open_with_its_reason(
        world, cworld, login, in_app, monkeypatch):
    real = sc._write_ranking

    def breaks(campaign, progress=None):
        real(campaign, progress)  # the rows are written, then it fails: all rolled back
        raise RuntimeError("ổ đĩa đầy")

    monkeypatch.setattr(sc, "_write_ranking", breaks)
    organiser = login("tochuc")
    assert _freeze(organiser, cworld, _version(in_app, cworld)).status_code == 302
    frozen, rows, state, error = _state(in_app)
    assert (frozen, rows, state) == (False, 0, "failed") and "ổ đĩa đầy" in error
    assert _audits(in_app, "ranking.freeze") == [] and _audits(in_app, "job.failed")
    hub = organiser.get(f"/campaigns/{cworld.campaign}/scoring").get_data(as_text=True)
    state_box = re.search(r'<div[^>]*id="freeze-state".*?</div>', hub, re.S).group(0)
    assert "không thành công" in state_box and "ổ đĩa đầy" in state_box
    assert f'formaction="/campaigns/{cworld.campaign}/scoring/freeze"' in hub  # again
    monkeypatch.setattr(sc, "_write_ranking", real)
    assert _freeze(organiser, cworld, _version(in_app, cworld)).status_code == 302
    frozen, rows, state, _error = _state(in_app)
    assert frozen and rows > 0 and state == "done"
    assert len(_audits(in_app, "ranking.freeze")) == 1


def test_a_superseded_or_no_longer_allowed_job_freezes_nothing(world, cworld, in_app):
    token = _running_freeze(in_app, cworld)
    with in_app():
        job = db.session.get(Job, token)
        job.state = "queued"
        db.session.scalar(select(ScoringSettings)).freeze_job_id = None  # another took over
        db.session.commit()
        jobs.run(token)
        job = db.session.get(Job, token)
        assert job.state == "failed" and "InvalidState" in job.error
    assert _state(in_app)[:2] == (False, 0)


def test_the_freeze_state_costs_the_hub_a_fixed_number_of_queries(
        world, cworld, login, in_app, queries):
    organiser = login("tochuc")
    path = f"/campaigns/{cworld.campaign}/scoring"
    organiser.get(path)
    with queries() as before:
        assert organiser.get(path).status_code == 200
    _running_freeze(in_app, cworld)
    with queries() as freezing:
        assert "freeze-state" in organiser.get(path).get_data(as_text=True)
    assert len(freezing) <= len(before) + 2  # the job, read once (its state, its bar)

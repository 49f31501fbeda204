"""Checking the eligibility of a year's nominations in one job, with bounded memory.

`check_stream` reads the nominations CHUNK at a time (light rows, not ORM objects) and checks
each chunk with `services.check_batch`, which fetches the records the chunk needs in a fixed
number of queries: memory holds one chunk's records, whatever the number of nominations.
`start_check` queues the job an organiser starts from the nominations list; the worker runs
`run_check`, which keeps one `EligibilityResult` a nomination for the result page."""
from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, insert, select
from sqlalchemy.orm import aliased

from emulation.awards.catalogue.models import AwardType
from emulation.awards.eligibility import engine
from emulation.awards.eligibility.models import EligibilityResult
from emulation.awards.eligibility.services import check_batch
from emulation.core import permissions as perms
from emulation.core.errors import NotFound, PermissionDenied, ServiceError
from emulation.extensions import db
from emulation.org.models import Person, Unit

CHUNK = 1000  # nominations checked at a time
KIND = "eligibility_check"
PER_PAGE = 50


@dataclass(frozen=True)
class Checked:
    """What `check_batch` reads of a nomination, without an ORM object per row."""

    id: int
    person_id: int | None
    unit_id: int | None
    year: int
    campaign_id: int | None
    award_type_id: int
    kind: str = "regular"
    state: str = "draft"


def _nominations(user, year: int):
    """The nominations of `year` the user may see (the list's scope), withdrawn ones left
    out, as a statement of light rows ordered by id."""
    from emulation.awards.nominations.models import Nomination
    from emulation.awards.nominations.services import nominations_query

    return (nominations_query(user, None, year)
            .where(Nomination.state != "withdrawn")
            .with_only_columns(Nomination.id, Nomination.person_id, Nomination.unit_id,
                               Nomination.year, Nomination.campaign_id,
                               Nomination.award_type_id, Nomination.kind, Nomination.state,
                               maintain_column_froms=False)
            .select_from(Nomination).order_by(None).order_by(Nomination.id))


def count_to_check(user, year: int) -> int:
    """How many nominations `check_stream(user, year)` checks."""
    return db.session.scalar(select(func.count()).select_from(
        _nominations(user, year).order_by(None).subquery())) or 0


def check_stream(user, year: int, chunk: int = CHUNK
                 ) -> Iterator[list[tuple[Checked, engine.Verdict]]]:
    """The verdicts of the year's nominations `user` may see, a list of (nomination, verdict)
    per chunk of `chunk` nominations, in id order. Keyset reads (id > the last one), so no
    cursor stays open while the records are fetched: a fixed number of queries per chunk."""
    last = 0
    stmt = _nominations(user, year)
    from emulation.awards.nominations.models import Nomination

    while True:
        rows = [Checked(*row) for row in db.session.execute(
            stmt.where(Nomination.id > last).limit(chunk))]
        if not rows:
            return
        verdicts = check_batch(rows)
        yield [(row, verdicts[row.id]) for row in rows]
        last = rows[-1].id


def may_check(user) -> bool:
    """Organisers (and administrators) start a batch check."""
    return bool(getattr(user, "is_admin", False) or perms.can_any(user, ("organiser",)))


def start_check(user, year: int):
    """Queue the check of `year`'s nominations the user may see (a Job, its start audited).
    PermissionDenied (403) unless an organiser; ServiceError (400) when there is nothing to
    check or the year is out of range."""
    from emulation.jobs import services as jobs

    if not may_check(user):
        raise PermissionDenied(_("Only an organiser may check the eligibility of all "
                                 "nominations."))
    if not isinstance(year, int) or not 1950 <= year <= 2100:
        raise ServiceError(_("Choose the year of the nominations to check."))
    total = count_to_check(user, year)
    if not total:
        raise ServiceError(_("There are no nominations of %(year)s to check.", year=year))
    return jobs.start_task(user, KIND, {"year": year, "name": str(year)}, total)


def run_check(user, job, progress: Callable[[int], None]) -> dict:
    """The worker's part: check every chunk, keep one row a nomination (a multi-row insert
    committed per chunk), report progress. Returns {"year", "checked", "eligible",
    "not_eligible", "unknown"}."""
    year = job.data["year"]
    counts = {True: 0, False: 0, None: 0}
    done = 0
    for batch in check_stream(user, year):
        db.session.execute(insert(EligibilityResult), [
            {"job_id": job.id, "nomination_id": n.id, "eligible": verdict.eligible,
             "reasons": json.dumps([[r.message_vi, r.message_en] for r in verdict.rules
                                    if r.passed is not True], ensure_ascii=False)}
            for n, verdict in batch])
        for _n, verdict in batch:
            counts[verdict.eligible] += 1
        done += len(batch)
        db.session.commit()  # a chunk at a time: the progress' own connection may write
        progress(done)
    return {"year": year, "checked": done, "eligible": counts[True],
            "not_eligible": counts[False], "unknown": counts[None]}


def forget(job_id: str) -> None:
    """Delete the rows the job kept (its outcome expired)."""
    db.session.execute(EligibilityResult.__table__.delete().where(
        EligibilityResult.job_id == job_id))


def result_url(job) -> str:
    """The results page (a path, not url_for: the worker has no request to build it in)."""
    return f"/nominations/eligibility-check/{job.id}"


def summary(outcome: dict) -> str:
    return _("%(checked)s nominations checked: %(eligible)s eligible, %(not_eligible)s not "
             "eligible, %(unknown)s for the council to judge or with data missing.",
             **{k: outcome.get(k, 0) for k in ("checked", "eligible", "not_eligible",
                                                "unknown")})


@dataclass(frozen=True)
class ResultRow:
    nomination_id: int
    nominee: str
    unit: str
    award: str
    eligible: bool | None
    reasons: list[str]


def results_page(user, token: str, only: str | None, page: int, locale: str):
    """One page (PER_PAGE rows, by nomination id) of the job's results for its requester:
    (job, ResultPage). `only`: "not_eligible", "unknown" or None (all).
    NotFound when the job is not the user's, not done or expired."""
    from emulation.awards.nominations.models import Nomination
    from emulation.jobs import services as jobs

    job = jobs.readable(user, token)
    if job is None or job.kind != KIND or job.state != "done":
        raise NotFound(_("No such check, or its results were deleted."))
    person_unit = aliased(Unit)
    subject_unit = aliased(Unit)
    stmt = (select(EligibilityResult.nomination_id, Person.full_name, subject_unit.name,
                   person_unit.name, AwardType.name, EligibilityResult.eligible,
                   EligibilityResult.reasons)
            .join(Nomination, Nomination.id == EligibilityResult.nomination_id)
            .join(AwardType, AwardType.id == Nomination.award_type_id)
            .outerjoin(Person, Person.id == Nomination.person_id)
            .outerjoin(person_unit, person_unit.id == Person.unit_id)
            .outerjoin(subject_unit, subject_unit.id == Nomination.unit_id)
            .where(EligibilityResult.job_id == job.id)
            .order_by(EligibilityResult.id))  # written in nomination order
    if only == "not_eligible":
        stmt = stmt.where(EligibilityResult.eligible.is_(False))
    elif only == "unknown":
        stmt = stmt.where(EligibilityResult.eligible.is_(None))
    total = db.session.scalar(select(func.count()).select_from(
        stmt.order_by(None).subquery())) or 0
    pages = max(1, -(-total // PER_PAGE))
    page = min(max(page, 1), pages)
    index = 1 if locale == "en" else 0
    rows = [ResultRow(nid, person or unit_name or "", person_unit_name or "", award, eligible,
                      [pair[index] or pair[0] for pair in json.loads(reasons)])
            for nid, person, unit_name, person_unit_name, award, eligible, reasons
            in db.session.execute(stmt.limit(PER_PAGE).offset((page - 1) * PER_PAGE))]
    return job, ResultPage(rows, page, pages, total)


@dataclass(frozen=True)
class ResultPage:
    rows: list[ResultRow]
    page: int
    pages: int
    total: int

"""The honour roll's stored figures (issue 18) equal those grouped again from every award
record, whatever sequence (random, seeded) of grants, revocations, corrections, deletions
and rollbacks made them; the roll's statistics, charts and yearly report read them (a
bounded number of queries) with the same figures as grouping the records; `flask honours
rebuild` restores them."""
from __future__ import annotations

import random
import re

from sqlalchemy import delete, func, select

from emulation.awards.catalogue.models import AwardType
from emulation.awards.records import services, tally
from emulation.awards.records.models import AwardRecord, AwardTally
from emulation.extensions import db
from emulation.org.models import Person, Unit
from tests.factories import gen_person

KINDS = ["regular", "thematic"]
CODES = ["LDTT", "CSTDCS", "OLD"]  # OLD: no longer in the catalogue


def _step(rng: random.Random) -> tuple:
    """One change of the roll, drawn mostly among grants, as the application makes them."""
    kind = rng.choices(["grant", "revoke", "restore", "correct", "delete", "flush", "commit",
                        "rollback"], weights=[8, 3, 1, 2, 1, 1, 1, 1])[0]
    if kind == "grant":
        return (kind, rng.randrange(10), rng.choice([2024, 2025]), rng.choice(CODES),
                rng.choice(KINDS), rng.choice([None, rng.randrange(5_000_000)]))
    if kind == "correct":
        return (kind, rng.randrange(50), rng.choice(["year", "award_code", "kind",
                                                     "cash_amount"]))
    return (kind, rng.randrange(50))


def _old_stats(year):
    """What the roll computed on every view before the figures were stored."""
    return [(y, code, int(n), int(cash)) for y, code, n, cash in db.session.execute(
        select(AwardRecord.year, AwardRecord.award_code, func.count(AwardRecord.id),
               func.coalesce(func.sum(AwardRecord.cash_amount), 0))
        .where(AwardRecord.revoked.is_(False), *([AwardRecord.year == year] if year else []))
        .group_by(AwardRecord.year, AwardRecord.award_code)
        .order_by(AwardRecord.year.desc(), AwardRecord.award_code))]


def _old_breakdown(year, years: int = 10):
    stmt = (select(AwardRecord.year, AwardRecord.kind,
                   func.coalesce(AwardType.decided_by, ""), func.count(AwardRecord.id))
            .outerjoin(AwardType, AwardType.code == AwardRecord.award_code)
            .where(AwardRecord.revoked.is_(False), *([AwardRecord.year == year] if year else []))
            .group_by(AwardRecord.year, AwardRecord.kind, AwardType.decided_by))
    kinds, levels = {}, {}
    rows = db.session.execute(stmt).all()
    shown = sorted({row[0] for row in rows})[-years:]
    for y, kind, level, count in rows:
        kinds.setdefault(kind, {})[y] = kinds.get(kind, {}).get(y, 0) + count
        levels.setdefault(level, {})[y] = levels.get(level, {}).get(y, 0) + count
    totals = {y: sum(by_year.get(y, 0) for by_year in kinds.values()) for y in shown}
    return {"years": shown, "kinds": kinds, "levels": levels, "totals": totals}


def _old_yearly(year, group):
    keys = {"award": (AwardRecord.award_code,
                      func.coalesce(AwardType.name, AwardRecord.award_code),
                      func.coalesce(AwardType.category, ""),
                      func.coalesce(AwardType.decided_by, "")),
            "level": (func.coalesce(AwardType.decided_by, ""),),
            "kind": (AwardRecord.kind,)}[group]
    return [(*r[:-3], int(r[-3]), int(r[-2]), int(r[-1])) for r in db.session.execute(
        select(*keys, func.count(AwardRecord.person_id),
               func.count() - func.count(AwardRecord.person_id),
               func.coalesce(func.sum(AwardRecord.cash_amount), 0))
        .outerjoin(AwardType, AwardType.code == AwardRecord.award_code)
        .where(AwardRecord.revoked.is_(False), AwardRecord.year == year)
        .group_by(*keys).order_by(*keys))]


def _held(subject: dict, year, code, kind, but=None) -> bool:
    """Whether the subject already holds this award in force (the database refuses two)."""
    column, value = next(iter(subject.items()))
    return db.session.scalar(select(AwardRecord.id).where(
        column == value, AwardRecord.award_code == code, AwardRecord.year == year,
        AwardRecord.kind == kind, AwardRecord.revoked.is_(False),
        *([AwardRecord.id != but] if but else [])).limit(1)) is not None


def _subject(record: AwardRecord) -> dict:
    return ({AwardRecord.person_id: record.person_id} if record.person_id is not None
            else {AwardRecord.unit_id: record.unit_id})


def _apply(op, subjects) -> None:
    records = db.session.scalars(select(AwardRecord).order_by(AwardRecord.id)).all()
    pick = records[op[1] % len(records)] if records and len(op) > 1 and op[0] != "grant" \
        else None
    match op[0]:
        case "grant":
            _, who, year, code, kind, cash = op
            column, value = subjects[who]
            if not _held({column: value}, year, code, kind):
                db.session.add(AwardRecord(**{column.key: value}, year=year, award_code=code,
                                           kind=kind, cash_amount=cash))
        case "revoke" if pick is not None:
            db.session.expire(pick)  # set without its old value loaded: read from the database
            pick.revoked = True
        case "restore" if pick is not None and pick.revoked:
            if not _held(_subject(pick), pick.year, pick.award_code, pick.kind, pick.id):
                pick.revoked = False
        case "correct" if pick is not None:
            field = op[2]
            new = {"year": 2026, "award_code": "CSTDCS", "kind": "thematic",
                   "cash_amount": 750_000}[field]
            values = {"year": pick.year, "award_code": pick.award_code, "kind": pick.kind,
                      field: new}
            if pick.revoked or not _held(_subject(pick), values["year"], values["award_code"],
                                         values["kind"], pick.id):
                setattr(pick, field, new)
        case "delete" if pick is not None:
            db.session.delete(pick)
        case "flush":
            db.session.flush()
        case "commit":
            db.session.commit()
        case "rollback":
            db.session.rollback()


def test_stored_figures_equal_the_recomputed_ones(world, in_app):
    with in_app():
        unit1 = db.session.get(Unit, world.unit1.id)
        people = [gen_person(f"T{i}", unit1, f"Người {i}") for i in range(6)]
        db.session.commit()
        subjects = [(AwardRecord.person_id, p.id) for p in people] + [
            (AwardRecord.unit_id, u.id) for u in (world.unit1, world.unit2, world.unit3,
                                                  world.branch_a)]
        seen = []
        for seed in range(40):
            rng = random.Random(seed)
            db.session.execute(delete(AwardRecord))
            db.session.execute(delete(AwardTally))
            db.session.commit()
            for _ in range(rng.randrange(5, 40)):
                _apply(_step(rng), subjects)
                db.session.flush()
                assert tally.stored() == tally.recompute()
            db.session.commit()
            assert tally.stored() == tally.recompute()
            seen.append(sum(i + c for i, c, _ in tally.stored().values()))
            for year in (None, 2024, 2025, 2026):
                assert services.honours_stats(year) == _old_stats(year)
                assert services.honours_breakdown(year) == _old_breakdown(year)
            for group in ("award", "level", "kind"):
                assert services.yearly_stats(2025, group) == _old_yearly(2025, group)
        assert sum(1 for n in seen if n >= 3) >= 20  # real figures were compared, not only 0


def test_a_revoked_decision_leaves_the_figures_in_its_transaction(world, in_app, login,
                                                                   queries):
    """Granting by decision counts at once; revoking the decision takes its awards out of
    the statistics and the charts; every reader of the roll (the whole tree, a unit officer
    of one unit) sees the roll's figures in a bounded number of queries."""
    from emulation.awards.decisions import services as ds
    from emulation.awards.decisions.models import Decision
    from tests.awards.conftest import _user
    from tests.awards.test_certificates import issue_decision

    with in_app():
        decision_id = issue_decision(world)
        stored = tally.stored()
        assert stored == tally.recompute() and stored[2026, "BK_BO", "regular"][:2] == (3, 0)

    def figures(username):
        client = login(username)
        with queries() as executed:
            html = client.get("/honours/?year=2026").get_data(as_text=True)
        # the statistics table follows the page's first h2 ("Thống kê" / "Statistics")
        stats = html.split('<h2 class="h5">', 1)[1].split("</tbody>", 1)[0]
        charts = re.findall(r'data-value="(\d+)"', html)
        return re.findall(r'<td class="text-end">([\d.,]+)</td>', stats), charts, \
            len(executed)

    before = {name: figures(name) for name in ("tochuc", "xem", "donvi1")}
    for stats, charts, count in before.values():
        assert stats[0] == "3" and "3" in charts
        # session, grants, the roll (capped count, page), statistics, names, charts,
        # notifications, the organiser's waiting nominations: none of them per award
        assert count <= 10, count
    with in_app():
        decision = db.session.get(Decision, decision_id)
        ds.revoke(_user("tochuc"), decision, decision.version, "Sai đối tượng")
        assert tally.stored() == tally.recompute() == {}
        assert services.honours_stats(2026) == []
        assert services.honours_breakdown(2026)["years"] == []
    for name in ("tochuc", "xem", "donvi1"):
        stats, charts, count = figures(name)
        assert stats == [] and charts == []
        assert count <= before[name][2]


def test_a_deleted_person_takes_their_awards_out(world, in_app):
    with in_app():
        person = gen_person("DEL", db.session.get(Unit, world.unit1.id), "Người Xoá")
        db.session.add(AwardRecord(person_id=person.id, year=2025, award_code="LDTT",
                                   cash_amount=100))
        db.session.commit()
        assert tally.stored() == {(2025, "LDTT", "regular"): (1, 0, 100)}
        db.session.delete(db.session.get(Person, person.id))
        db.session.commit()
        assert tally.stored() == tally.recompute()


def test_the_rebuild_command_restores_and_audits(app, world, in_app):
    from emulation.core.audit import AuditEvent

    with in_app():
        db.session.add_all([
            AwardRecord(person_id=world.person1.id, year=2025, award_code="LDTT",
                        cash_amount=1_500_000),
            AwardRecord(unit_id=world.unit1.id, year=2025, award_code="TTLDXS"),
            AwardRecord(unit_id=world.unit2.id, year=2024, award_code="TTLDXS",
                        revoked=True)])
        db.session.commit()
        expected = tally.stored()
        assert expected == {(2025, "LDTT", "regular"): (1, 0, 1_500_000),
                            (2025, "TTLDXS", "regular"): (0, 1, 0)}
        db.session.execute(delete(AwardTally))
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["honours", "rebuild"])
    assert result.exit_code == 0 and "2 year" in result.output, result.output
    with in_app():
        assert tally.stored() == expected
        assert db.session.scalar(select(AuditEvent.action).where(
            AuditEvent.action == "honours.tally_rebuild")) == "honours.tally_rebuild"

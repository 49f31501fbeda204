"""/scoring/ (the sheets waiting for the user) a page at a time, filtered by campaign,
cluster, state and the scored unit; a fixed number of queries whatever the number of sheets;
the SQL filter keeps exactly the sheets `can_fill` allows."""
from __future__ import annotations

from sqlalchemy import select

from emulation.auth.models import User
from emulation.campaigns import services as cs
from emulation.campaigns.models import Campaign
from emulation.core.permissions import SYSTEM, unit_condition
from emulation.extensions import db
from emulation.org.models import Unit
from emulation.scoring import queries
from emulation.scoring import services as sc
from emulation.scoring.models import ScoreSheet
from emulation.scoring.views import PER_PAGE
from tests.factories import gen_unit, gen_user


def _council(in_app, cworld, world, extra_units: int) -> None:
    """A council scorer (no grant) on every participant, `extra_units` units added."""
    with in_app():
        campaign = db.session.get(Campaign, cworld.campaign)
        parent = db.session.get(Unit, world.branch_b.id)
        added = [gen_unit(f"HD-{i}", f"Đơn vị chấm {i}", parent) for i in range(extra_units)]
        cs.set_participants(SYSTEM, campaign, "list",
                            [world.unit1.id, world.unit2.id, *[u.id for u in added]])
        user = db.session.scalar(select(User).where(User.username == "giamkhao")) \
            or gen_user("giamkhao")
        sc.name_council_scorer(SYSTEM, campaign, user)
        db.session.commit()


def test_the_page_holds_a_bounded_number_of_sheets_and_queries(world, cworld, login, in_app,
                                                               queries):
    _council(in_app, cworld, world, 0)
    c = login("giamkhao")
    with queries() as small:
        assert c.get("/scoring/").status_code == 200
    _council(in_app, cworld, world, PER_PAGE + 10)
    with queries() as large:
        page = c.get("/scoring/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert html.count("/sheets/") == PER_PAGE  # one page, not every sheet
    assert len(large) == len(small) <= 16
    second = c.get("/scoring/?page=2").get_data(as_text=True)
    assert second.count("/sheets/") == PER_PAGE + 12 - PER_PAGE


def test_the_filters(world, cworld, login, in_app):
    _council(in_app, cworld, world, 3)
    c = login("giamkhao")
    found = c.get("/scoring/?q=v%E1%BB%8B+cham").get_data(as_text=True)  # accents ignored
    assert found.count("/sheets/") == 3 and "Đơn vị chấm 2" in found
    assert c.get("/scoring/?q=HD-1").get_data(as_text=True).count("/sheets/") == 1
    assert c.get("/scoring/?state=submitted").get_data(as_text=True).count("/sheets/") == 0
    assert c.get("/scoring/?state=draft").get_data(as_text=True).count("/sheets/") == 5
    by_campaign = c.get(f"/scoring/?campaign={cworld.campaign}").get_data(as_text=True)
    assert by_campaign.count("/sheets/") == 5 and "Cụm 1" in by_campaign  # its clusters
    in_cluster = c.get(f"/scoring/?campaign={cworld.campaign}&cluster={cworld.cluster}")
    assert in_cluster.get_data(as_text=True).count("/sheets/") == 2  # CS-1 and CS-2
    # a cluster without its campaign, unknown values: ignored, never a 500
    assert c.get(f"/scoring/?cluster={cworld.cluster}").get_data(as_text=True).count(
        "/sheets/") == 5
    assert c.get("/scoring/?campaign=999999&state=x&page=99").status_code == 200


def test_the_sql_filter_is_can_fill(world, cworld, in_app):
    """For every user of the world, the sheets the page lists are those `can_fill` allows."""
    with in_app():
        campaign = db.session.get(Campaign, cworld.campaign)
        sc.generate_peer_assignments(SYSTEM, campaign, "all")
        sc.name_council_scorer(SYSTEM, campaign, gen_user("giamkhao"))
        db.session.commit()
        users = db.session.scalars(select(User)).all()
        assert len(users) > 5
        for user in users:
            listed = set(db.session.scalars(queries.fillable_sheets(user).with_only_columns(
                ScoreSheet.id)))
            allowed = {s.id for s in db.session.scalars(queries.sheets_of_scorer(user))
                       if sc.can_fill(user, s)}
            assert listed == allowed, user.username


def _fillable_as_before(user):
    """`fillable_sheets` as it was written before its branches were split (one OR over
    `sheets_of_scorer`): the reference the new form must equal."""
    from sqlalchemy import and_, not_, or_, true

    from emulation.scoring import services
    from emulation.scoring.enums import SheetKind

    officer_units = select(Unit.id).where(unit_condition(user, ("unit_officer",)))
    filler_units = select(Unit.id).where(unit_condition(user, services.FILLERS))
    own = [g.unit.path for g in user.grants if g.role in services.BELONGING and g.unit is not None]
    no_conflict = true() if user.is_admin else and_(
        true(), *[not_(Unit.path.startswith(p, autoescape=True)) for p in own])
    return (queries.sheets_of_scorer(user).join(Unit, Unit.id == ScoreSheet.unit_id)
            .where(or_(
                (ScoreSheet.scorer_kind == SheetKind.SELF)
                & ScoreSheet.unit_id.in_(officer_units),
                (ScoreSheet.scorer_kind != SheetKind.SELF) & no_conflict & or_(
                    (ScoreSheet.scorer_kind == SheetKind.PEER)
                    & ScoreSheet.scorer_unit_id.in_(filler_units),
                    (ScoreSheet.scorer_kind != SheetKind.PEER)
                    & (ScoreSheet.scorer_user_id == user.id)))))


def test_the_split_branches_list_what_the_single_or_listed(world, cworld, in_app):
    """The sheets to fill, in the page's order, are those of the former single OR, for every
    user (officers, scorers, a council scorer, an organiser with no branch, admins); a user
    who fills no unit's sheets gets no `IN (… WHERE false)` branch."""
    with in_app():
        campaign = db.session.get(Campaign, cworld.campaign)
        sc.generate_peer_assignments(SYSTEM, campaign, "all")
        council = gen_user("giamkhao2")
        sc.name_council_scorer(SYSTEM, campaign, council)
        db.session.commit()
        order = (ScoreSheet.campaign_id, ScoreSheet.scorer_kind, ScoreSheet.id)
        users = db.session.scalars(select(User)).all()
        seen = 0
        for user in users:
            new = db.session.scalars(queries.fillable_sheets(user).with_only_columns(
                ScoreSheet.id).order_by(*order)).all()
            old = db.session.scalars(_fillable_as_before(user).with_only_columns(
                ScoreSheet.id).order_by(*order)).all()
            assert new == old, user.username
            seen += bool(new)
        assert seen >= 2
        council = db.session.get(User, council.id)
        assert db.session.scalars(queries.fillable_sheets(council).with_only_columns(
            ScoreSheet.id)).all()
        sql = str(queries.fillable_sheets(council).compile(db.engine))
        assert "scorer_unit_id IN" not in sql, sql

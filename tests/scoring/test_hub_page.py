"""The campaign's scoring hub (/campaigns/<id>/scoring) reads a bounded page: a fixed number
of queries whatever the number of sheets and of bonuses and penalties, one page of sheets,
the newest bonuses and penalties only, and the counts per (kind, state) of every sheet."""
from __future__ import annotations

from collections import Counter
from decimal import Decimal

from sqlalchemy import delete, func, select

from emulation.auth.models import User
from emulation.campaigns import services as cs
from emulation.campaigns.models import Campaign
from emulation.core.permissions import SYSTEM
from emulation.extensions import db
from emulation.org.models import Unit
from emulation.scoring import queries, views
from emulation.scoring import services as sc
from emulation.scoring import sheet_counts as stored_counts
from emulation.scoring.models import ScoreSheet, SheetCount
from tests.factories import gen_unit, gen_user


def _grow(in_app, cworld, world, extra_units: int, adjustments: int, tag: str = "A") -> None:
    """`extra_units` more participants, every peer pair and a council scorer on all of
    them, a few sheets submitted, `adjustments` bonuses."""
    with in_app():
        campaign = db.session.get(Campaign, cworld.campaign)
        parent = db.session.get(Unit, world.branch_b.id)
        added = [gen_unit(f"HUB-{tag}{i}", f"Đơn vị hub {tag}{i}", parent)
                 for i in range(extra_units)]
        before = [p.unit_id for p in campaign.participants]
        cs.set_participants(SYSTEM, campaign, "list",
                            [world.unit1.id, world.unit2.id, *before, *[u.id for u in added]])
        sc.generate_peer_assignments(SYSTEM, campaign, "all")
        user = db.session.scalar(select(User).where(User.username == "giamkhao")) \
            or gen_user("giamkhao")
        sc.name_council_scorer(SYSTEM, campaign, user)
        for sheet in db.session.scalars(select(ScoreSheet).where(
                ScoreSheet.scorer_kind == "peer").order_by(ScoreSheet.id).limit(1)):
            sheet.state = "submitted"  # the counts only read the state
        for i in range(adjustments):
            sc.add_adjustment(SYSTEM, campaign, added[i % len(added)] if added
                              else db.session.get(Unit, world.unit1.id),
                              Decimal(1), f"Thưởng {tag}{i}")
        db.session.commit()


def test_the_hub_reads_a_fixed_number_of_queries_and_bounded_lists(
        world, cworld, login, in_app, queries, monkeypatch):
    monkeypatch.setattr(views, "HUB_PAGE", 4)
    monkeypatch.setattr(views, "ADJUSTMENTS_SHOWN", 2)
    organiser = login("tochuc")
    url = f"/campaigns/{cworld.campaign}/scoring"
    _grow(in_app, cworld, world, 1, 3, "A")  # a few of each: every query runs
    assert organiser.get(url).status_code == 200  # the settings made on the first visit
    with queries() as small:
        assert organiser.get(url + "?kind=peer").status_code == 200
    _grow(in_app, cworld, world, 5, 7, "B")
    with queries() as large:
        assert organiser.get(url + "?kind=peer").status_code == 200
    # 20, plus the 4 fixed queries of the sheets nobody can fill (queries.unfillable)
    assert len(large) == len(small) <= 24
    with queries() as every_kind:  # the page's sheets may load their scorer unit and user
        page = organiser.get(url)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and len(every_kind) <= len(small) + 1
    assert html.count('href="/sheets/') == 4  # one page of sheets, not all 8 × 8 + 8
    assert html.count("Thưởng ") == 2 and "Thưởng B6" in html and "Thưởng B4" not in html
    assert "2 khoản thưởng, phạt mới nhất trong số 10;" in html
    assert "page=2" in html
    with queries() as filtered:
        assert organiser.get(url + "?kind=peer&state=draft&page=2").status_code == 200
    assert len(filtered) <= len(large)


def test_the_counts_are_those_of_every_sheet(world, cworld, login, in_app):
    _grow(in_app, cworld, world, 4, 0)
    with in_app():
        campaign = db.session.get(Campaign, cworld.campaign)
        sheets = db.session.scalars(select(ScoreSheet).where(
            ScoreSheet.campaign_id == campaign.id)).all()
        expected = Counter((s.scorer_kind, s.state) for s in sheets)
        assert queries.sheet_counts(campaign) == dict(expected)
        assert expected[("peer", "submitted")] and expected[("peer", "draft")]
    html = login("tochuc").get(f"/campaigns/{cworld.campaign}/scoring").get_data(as_text=True)
    peers = expected[("peer", "submitted")] + expected[("peer", "draft")]
    assert f"{expected[('peer', 'submitted')]} / {peers}" in html
    councils = expected[("council", "submitted")] + expected[("council", "draft")]
    assert f"0 / {councils}" in html and councils == 6  # unit1, unit2 and the 4 added


def test_the_stored_counts_follow_every_change_and_rollback(world, cworld, ctx):
    """Inserted, submitted, reopened, deleted and rolled-back sheets: the stored counts
    always equal the sheets counted; `rebuild` gives them again after bulk SQL."""
    campaign = db.session.get(Campaign, cworld.campaign)
    cid = campaign.id

    def same():
        db.session.flush()
        assert stored_counts.counts_of(cid) == stored_counts.counted(cid)

    same()
    sc.generate_peer_assignments(SYSTEM, campaign, "all")
    sc.name_council_scorer(SYSTEM, campaign, gen_user("giamkhao2"))
    db.session.commit()
    same()
    own = db.session.get(ScoreSheet, cworld.sheet)
    own.state = "submitted"
    same()
    own.state = "draft"
    same()
    db.session.commit()
    peer = db.session.scalar(select(ScoreSheet).where(ScoreSheet.scorer_kind == "peer"))
    peer.state = "submitted"
    db.session.rollback()  # the count goes back with the sheet
    same()
    db.session.delete(db.session.scalar(select(ScoreSheet).where(
        ScoreSheet.scorer_kind == "council")))
    same()
    assert stored_counts.counts_of(cid).get(("council", "draft"), 0) == \
        stored_counts.counted(cid).get(("council", "draft"), 0)
    db.session.commit()
    db.session.execute(delete(SheetCount))  # as bulk SQL would leave them
    stored_counts.rebuild(cid)
    same()
    assert sum(stored_counts.counts_of(cid).values()) == db.session.scalar(
        select(func.count()).select_from(ScoreSheet).where(ScoreSheet.campaign_id == cid))


def test_the_long_select_writes_the_markup_of_wtforms_select():
    from wtforms import Form, SelectField

    from emulation.core.forms import LongSelect

    choices = [(0, 'Mọi <đơn vị> "x"'), (1, "B & C"), (2, "")]

    class Both(Form):
        plain = SelectField(choices=choices, coerce=int, default=1)
        long = SelectField(choices=choices, coerce=int, default=1, widget=LongSelect())

    form = Both()
    assert str(form.long()).replace('"long"', '"plain"') == str(form.plain())
    assert "<option selected value=\"1\">B &amp; C</option>" in str(form.long())

"""Charts: each chart page loads the vendored Chart.js and static/js/charts.js, and carries the
chart's data as a table (the chart's only data source) with the right figures; progress bars
show the exact value; the score distribution bands."""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal as D
from pathlib import Path

from emulation.awards.catalogue.data import seed
from emulation.awards.records.models import AwardRecord
from emulation.campaigns.models import Campaign
from emulation.core.permissions import SYSTEM
from emulation.extensions import db
from emulation.pledges.models import ReportItem
from emulation.scoring import services as sc
from emulation.scoring.models import ScoreSheet
from emulation.scoring.ranking import distribution

STATIC = Path(__file__).resolve().parents[2] / "static"
VENDORED = "/static/vendor/chartjs/chart.umd.min.js"
SCRIPT = "/static/js/charts.js"


def _table(html: str, css_class: str) -> str:
    match = re.search(rf'<table class="[^"]*\b{css_class}\b[^"]*"[^>]*>.*?</table>', html, re.S)
    assert match, f"no table .{css_class}"
    return match.group(0)


def _values(table: str) -> list[str]:
    return re.findall(r'data-value="([^"]*)"', table)


def test_the_vendored_library_is_there_with_its_licence():
    library = (STATIC / "vendor/chartjs/chart.umd.min.js").read_text(encoding="utf-8")
    assert library.startswith("/*!\n * Chart.js v4.6.1")
    assert "MIT" in (STATIC / "vendor/chartjs/LICENSE.md").read_text(encoding="utf-8")
    assert "4.6.1" in (STATIC / "vendor/README.md").read_text(encoding="utf-8")


def _set_progress(in_app, cworld, achieved: str) -> None:
    with in_app() as session:
        session.get(ReportItem, cworld.report_item).achieved_value = D(achieved)
        session.commit()


def test_the_campaign_dashboard_charts_its_tables_with_exact_figures(world, cworld, login,
                                                                     in_app):
    _set_progress(in_app, cworld, "6.34")  # of a target of 10: 63.4 %
    html = login("tochuc").get(f"/campaigns/{cworld.campaign}/dashboard").get_data(as_text=True)
    assert f'<script src="{VENDORED}"></script>' in html and f'src="{SCRIPT}"' in html
    registration = _table(html, "chart-registration")
    assert 'data-chart="doughnut"' in registration
    # none, draft, submitted, returned, approved: CS-2 has no pledge, CS-1's is approved
    assert _values(registration) == ["1", "0", "0", "0", "1"]
    movements = _table(html, "chart-movements")
    assert 'data-chart="bar"' in movements and 'data-chart-max="100"' in movements
    assert _values(movements) == ["63.4"]  # movement 2 has no data: a gap, not a zero
    assert "data-series" in movements and "63,4%" in movements
    trend = _table(html, "chart-trend")
    assert 'data-chart="line"' in trend and _values(trend) == ["63.4"]
    assert '<caption class="visually-hidden">' in movements


def test_progress_bars_show_the_exact_value(world, cworld, login, in_app):
    _set_progress(in_app, cworld, "6.34")
    html = login("tochuc").get(f"/campaigns/{cworld.campaign}/dashboard").get_data(as_text=True)
    assert re.search(r'<progress class="progress-exact" max="100" value="63.4"', html)
    assert '<span class="small progress-value">63,4%</span>' in html
    assert "bar-60" not in html and "progress-bar" not in html and "style=" not in html
    css = (STATIC / "css/app.css").read_text(encoding="utf-8")
    assert ".bar-60" not in css  # the 10 % buckets are gone


def test_the_progress_text_follows_the_language(world, cworld, login, in_app):
    _set_progress(in_app, cworld, "6.34")
    c = login("tochuc")
    c.post("/language", data={"locale": "en", "next": "/"})
    html = c.get(f"/campaigns/{cworld.campaign}/dashboard").get_data(as_text=True)
    assert '<span class="small progress-value">63.4%</span>' in html


def test_the_unit_dashboard_charts_its_movements_and_periods(world, cworld, login, in_app):
    _set_progress(in_app, cworld, "5")
    html = login("donvi1").get(
        f"/campaigns/{cworld.campaign}/units/{world.unit1.id}/dashboard").get_data(as_text=True)
    assert VENDORED in html and SCRIPT in html
    assert _values(_table(html, "chart-movements")) == ["50.0"]
    trend = _table(html, "chart-trend")
    assert 'data-chart="line"' in trend and _values(trend) == ["50.0"] and "50%" in trend


def test_a_dashboard_without_results_draws_no_trend(world, cworld, login, in_app):
    with in_app() as session:
        session.delete(session.get(ReportItem, cworld.report_item))
        session.commit()
    html = login("tochuc").get(f"/campaigns/{cworld.campaign}/dashboard").get_data(as_text=True)
    assert "chart-trend" not in html


def test_the_ranking_charts_the_score_distribution_per_cluster(world, cworld, login, in_app):
    with in_app():
        sheet = db.session.get(ScoreSheet, cworld.sheet)
        campaign = db.session.get(Campaign, cworld.campaign)
        lines = {c.id: ("8", "") for c in campaign.criteria}
        sc.save_sheet(SYSTEM, sheet, sheet.version, lines, date(2026, 11, 20))
        sc.submit_sheet(SYSTEM, sheet, sheet.version, date(2026, 11, 20))
    html = login("tochuc").get(f"/campaigns/{cworld.campaign}/ranking").get_data(as_text=True)
    assert VENDORED in html and SCRIPT in html
    table = _table(html, "chart-distribution")
    assert 'data-chart="bar"' in table and _values(table) == ["1"]  # CS-1's 8; CS-2 unscored
    assert "Từ 8 đến 9" in table


def test_the_honour_roll_charts_awards_per_year_by_kind_and_level(world, login, in_app):
    with in_app() as session:
        seed(session)
        session.add_all([
            AwardRecord(award_code="LDTT", person_id=world.person1.id, year=2024),
            AwardRecord(award_code="CSTDCS", person_id=world.person1.id, year=2025),
            AwardRecord(award_code="LDTT", person_id=world.person2.id, year=2025),
            AwardRecord(award_code="GK", person_id=world.person2.id, year=2025,
                        kind="thematic"),
            AwardRecord(award_code="LDTT", person_id=world.person2.id, year=2024,
                        revoked=True)])
        session.commit()
    html = login("xem").get("/honours/").get_data(as_text=True)
    assert VENDORED in html and SCRIPT in html
    kinds = _table(html, "chart-kinds")
    assert "data-chart-stacked" in kinds
    # years 2024, 2025 × regular, thematic: the revoked award is not counted
    assert _values(kinds) == ["1", "0", "2", "1"]
    assert re.findall(r'<td class="text-end">(\d+)</td></tr>', kinds) == ["1", "3"]  # totals
    levels = _table(html, "chart-levels")
    assert sum(int(v) for v in _values(levels)) == 4


def test_the_distribution_bands():
    bands = distribution([D("81.5"), D("90"), D("72.25"), D("99.9"), None])
    assert [(b.low, b.high, b.count) for b in bands] == [
        (70, 75, 1), (75, 80, 0), (80, 85, 1), (85, 90, 0), (90, 95, 1), (95, 100, 1)]
    assert [(b.low, b.high, b.count) for b in distribution([D(0), D(100)])][-1] == (90, 100, 1)
    assert len(distribution([D(0), D(100)])) == 10  # the top score is in the last band
    assert [(b.low, b.count) for b in distribution([D(-3), D(12)])][0] == (-4, 1)
    assert [(b.low, b.high, b.count) for b in distribution([D(7), D(7)])] == [(7, 8, 2)]
    assert distribution([None]) == [] and distribution([]) == []

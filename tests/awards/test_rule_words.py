"""Rules in words: the catalogue, an award's page and the catalogue export say each rule in the
sentence its verdicts start with (one builder, engine.describe), never as JSON parameters, and
name rule kinds by label."""
import io
import re

import openpyxl
import pytest

from emulation.awards.catalogue import services as catalogue
from emulation.awards.catalogue.data import seed
from emulation.awards.eligibility import engine
from emulation.extensions import db

NAMES = {"LDTT": "Lao động tiên tiến", "CSTDCS": "Chiến sĩ thi đua cơ sở"}


@pytest.fixture
def seeded(app, world):
    with app.app_context():
        seed(db.session)
        db.session.commit()


@pytest.mark.parametrize("rule", [
    engine.Rule("appraisal", {"min": "good", "years": 2}),
    engine.Rule("award", {"award": "CSTDCS", "mode": "consecutive", "count": 3}),
    engine.Rule("initiatives", {"count": 2, "window": 3, "min_scope": "grassroots"}),
    engine.Rule("no_discipline", {"min_level": "canh_cao"}),
    engine.Rule("members_share", {"min_pct": 70, "award": "LDTT"}),
    engine.Rule("members_count", {"award": "CSTDCS", "min": 1}),
    engine.Rule("rank", {"max_rank": 1}),
    engine.Rule("run", {"years": 5, "min": "good", "award": "CSTDCS", "count": 3}),
])
def test_the_catalogue_sentence_is_the_verdicts_sentence_for_no_year(rule):
    vi, en = engine.describe(rule, NAMES)
    verdict = engine.evaluate(rule, engine.Records("individual", members=None), 2026, NAMES)
    # the verdict says the same with the year: "năm xét" stands for 2026 (or the year before)
    for year_free, judged in ((vi, verdict.message_vi), (en, verdict.message_en)):
        words = re.sub(r"(đến |up to )?(năm xét|the year judged|in the year judged)", "",
                       year_free)
        for word in re.findall(r"[^\s,():]+", words):
            assert word.lower() in judged.lower(), (word, year_free, judged)
    assert "{" not in vi and "CSTDCS" not in vi and "LDTT" not in vi


def test_a_group_and_a_window_that_restarts_are_described():
    rule = engine.Rule("any_of", {"rules": [
        {"kind": "appraisal", "params": {"min": "excellent"}},
        {"kind": "initiatives", "params": {"count": 1}}]})
    vi, en = engine.describe(rule, NAMES)
    assert vi.startswith("(Xếp loại từ") and " hoặc " in vi and en.count(" or ") >= 1
    vi, _en = engine.describe(engine.Rule("award", {"award": "CSTDCS", "mode": "within",
                                                     "count": 2, "window": 5,
                                                     "after_last": "LDTT"}), NAMES)
    assert vi == ("Đạt Chiến sĩ thi đua cơ sở ít nhất 2 lần trong 5 năm đến năm xét, tính từ "
                  "sau lần đạt Lao động tiên tiến gần nhất")
    vi, _en = engine.describe(engine.Rule("award", {"award": "LDTT", "mode": "in_year",
                                                     "end_offset": 1}), NAMES)
    assert vi == "Đạt Lao động tiên tiến 1 năm trước năm xét"


def test_the_award_page_says_each_rule_in_words(seeded, login):
    page = login("xem").get("/awards/TTLDTT").get_data(as_text=True)
    assert "rule-params" not in page and '"min_pct"' not in page
    assert "Tỷ lệ thành viên đạt Lao động tiên tiến từ 70% trở lên" in page
    assert "<code>members_share</code>" not in page and "Tỷ lệ thành viên</" not in page
    assert "Tỷ lệ thành viên" in page  # the kind's label


def test_the_catalogue_lists_the_conditions_in_force(seeded, login):
    page = login("xem").get("/awards/").get_data(as_text=True)
    row = re.search(r"<code data-award-code>TTLDTT</code>.*?</tr>", page, re.S).group(0)
    assert "Tỷ lệ thành viên đạt Lao động tiên tiến từ 70% trở lên" in row


def test_a_rule_whose_parameters_no_longer_read_shows_its_kind(seeded, ctx):
    class Broken:
        kind, params = "members_share", '{"award": "LDTT"}'  # no percentage

    assert catalogue.rule_sentence(Broken(), NAMES) == "Tỷ lệ thành viên"


def test_the_catalogue_export_says_the_rules_in_words(seeded, login):
    data = login("xem").get("/awards/export.xlsx").data
    ws = openpyxl.load_workbook(io.BytesIO(data))["Tiêu chuẩn"]
    header = [c.value for c in ws[1]]
    assert "Điều kiện" in header and "Tham số" not in header
    condition, kind = header.index("Điều kiện"), header.index("Loại tiêu chuẩn")
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert any(r[condition] == "Tỷ lệ thành viên đạt Lao động tiên tiến từ 70% trở lên"
               for r in rows)
    assert not any(str(r[condition]).startswith("{") for r in rows)
    assert "members_share" not in {r[kind] for r in rows}

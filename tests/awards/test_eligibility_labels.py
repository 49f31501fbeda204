"""The eligibility sentences name a discipline level and an initiative scope by their labels
(records.enums), in Vietnamese and in English, never by the stored code (`canh_cao`,
`grassroots`)."""
from datetime import date

import pytest
from flask_babel import force_locale

from emulation.awards.eligibility import engine
from emulation.awards.records.enums import DisciplineLevel, InitiativeScope

CODES = set(DisciplineLevel.values()) | set(InitiativeScope.values())


def _no_code(text: str, english: bool = False) -> None:
    # in English the scopes' labels are their codes' words ("grassroots level"): only the
    # discipline codes (khien_trach, …) can be told from words there
    codes = {c for c in CODES if "_" in c} if english else CODES
    assert not any(code in text for code in codes), text


def test_the_engines_words_are_the_enum_labels(app):
    with app.test_request_context(), force_locale("vi"):
        for enum, vi in ((DisciplineLevel, engine.DISCIPLINE_VI),
                         (InitiativeScope, engine.SCOPE_VI)):
            assert {m.value: str(m.label).lower() for m in enum} == vi
    with app.test_request_context(), force_locale("en"):
        for enum, en in ((DisciplineLevel, engine.DISCIPLINE_EN),
                         (InitiativeScope, engine.SCOPE_EN)):
            assert {m.value: str(m.label).lower() for m in enum} == en


@pytest.mark.parametrize("rule, vi_word, en_word", [
    (engine.Rule("members_discipline", {"min_level": "canh_cao"}), "cảnh cáo", "warning"),
    (engine.Rule("no_discipline", {"min_level": "khien_trach", "years": 1}), "khiển trách",
     "reprimand"),
    (engine.Rule("initiatives", {"count": 1, "min_scope": "grassroots"}), "cấp cơ sở",
     "grassroots level"),
    (engine.Rule("initiatives", {"count": 1, "min_scope": "ministry"}), "cấp bộ, ngành, tỉnh",
     "ministry or province level"),
])
def test_rule_sentences_use_labels(rule, vi_word, en_word):
    vi, en = engine.describe(rule)
    assert vi_word in vi and en_word in en
    _no_code(vi)
    _no_code(en, english=True)


def test_a_failed_discipline_rule_names_the_level_in_words():
    records = engine.Records(kind="individual", disciplines=(
        ("ha_bac_luong", date(2026, 3, 1), date(2026, 12, 31)),))
    result = engine.evaluate(engine.Rule("no_discipline", {"min_level": "khien_trach"}),
                             records, 2026, {})
    assert result.passed is False
    assert "hạ bậc lương" in result.message_vi and "salary downgrade" in result.message_en
    _no_code(result.message_vi)
    _no_code(result.message_en, english=True)

"""The award catalogue as a spreadsheet: award types, rule sets, the rules of each set with
their legal references, and quotas — what `/awards/` and each award's page show."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from emulation.awards.catalogue.enums import (
    AwardCategory,
    DecidingLevel,
    RuleKind,
    Subject,
    VoteBase,
)
from emulation.awards.catalogue.models import AwardQuota, AwardRule, AwardType, RuleSet
from emulation.awards.catalogue.services import names as award_names
from emulation.awards.catalogue.services import rule_sentence
from emulation.core.web import current_locale
from emulation.core.xlsx import Workbook
from emulation.extensions import db

AWARD_HEADERS = [_l("Code"), _l("Name"), _l("Category"), _l("Subject"), _l("Level"),
                 _l("Issuing authority"), _l("Decided by"), _l("Cash multiple (individual)"),
                 _l("Cash multiple (collective)"), _l("Vote threshold (%)"),
                 _l("Vote counted over"), _l("Publication (working days)"),
                 lazy_pgettext("award type", "Active"),
                 _l("Legal reference"), _l("Note")]
SET_HEADERS = [_l("Rule set code"), _l("Rule set"), _l("Legal source"), _l("Valid from"),
               _l("Valid to"), _l("Note")]
RULE_HEADERS = [_l("Rule set code"), _l("Rule set"), _l("Valid from"), _l("Valid to"),
                _l("Award code"), _l("Award"), _l("No."), _l("Subject"), _l("Rule kind"),
                _l("Condition"), _l("Legal reference"), _l("Note")]
QUOTA_HEADERS = [_l("Award code"), _l("Award"), _l("Of award code"), _l("Of award"),
                 _l("At most (%)"), _l("Legal reference"), _l("Note")]


def subject(user, params: dict):
    """Every signed-in user reads the catalogue (None for anyone else)."""
    return user if getattr(user, "is_authenticated", False) else None


def count(_user) -> int:
    """Rows the export will write: award types, rule sets, rules and quotas."""
    return sum(db.session.scalar(select(func.count(model.id))) or 0
               for model in (AwardType, RuleSet, AwardRule, AwardQuota))


def workbook(_user, on_progress=None) -> Workbook:
    """Four sheets: award types (titles first, as the page lists them), rule sets (oldest
    first), rules per rule set (rules of no set apply to every year and come last) with
    their conditions in words (the verdicts' sentences) and legal references, and quotas."""
    categories, subjects, bases = AwardCategory.labels(), Subject.labels(), VoteBase.labels()
    deciding, kinds = DecidingLevel.labels(), RuleKind.labels()
    names, locale = award_names(), current_locale()
    yes, no = _("Yes"), _("No")
    wb = Workbook(on_progress)
    sheet = wb.sheet(_("Award types"))
    sheet.header(AWARD_HEADERS, [12, 44, 18, 12, 16, 30, 30, 12, 12, 10, 16, 12, 8, 40, 40])
    for a in db.session.scalars(select(AwardType).order_by(AwardType.category.desc(),
                                                           AwardType.id)):
        sheet.append([a.code, a.name, str(categories.get(a.category, a.category)),
                      str(subjects.get(a.subject, a.subject)), a.level, a.issuing_authority,
                      str(deciding.get(a.decided_by, a.decided_by)),
                      a.cash_multiple, a.cash_multiple_collective, a.vote_threshold_pct,
                      str(bases.get(a.vote_base, a.vote_base)), a.publication_days,
                      yes if a.active else no, a.legal_reference, a.note])
    sheet = wb.sheet(_("Rule sets"))
    sheet.header(SET_HEADERS, [16, 40, 60, 12, 12, 40])
    for s in db.session.scalars(select(RuleSet).order_by(RuleSet.valid_from.asc().nulls_first(),
                                                         RuleSet.id)):
        sheet.append([s.code, s.name, s.legal_source, s.valid_from, s.valid_to, s.note])
    sheet = wb.sheet(_("Rules"))
    sheet.header(RULE_HEADERS, [16, 36, 12, 12, 12, 36, 6, 12, 18, 60, 40, 40])
    no_set = _("Any year")
    for rule, rule_set, award in db.session.execute(
            select(AwardRule, RuleSet, AwardType)
            .join(AwardType, AwardType.id == AwardRule.award_type_id)
            .outerjoin(RuleSet, RuleSet.id == AwardRule.rule_set_id)
            .order_by(RuleSet.id.is_(None), RuleSet.valid_from.asc().nulls_first(), RuleSet.id,
                      AwardType.category.desc(), AwardType.id, AwardRule.position,
                      AwardRule.id)):
        sheet.append([rule_set.code if rule_set else "",
                      rule_set.name if rule_set else no_set,
                      rule_set.valid_from if rule_set else None,
                      rule_set.valid_to if rule_set else None, award.code, award.name,
                      rule.position, str(subjects.get(rule.subject, rule.subject)),
                      str(kinds.get(rule.kind, rule.kind)),
                      rule_sentence(rule, names, locale), rule.legal_reference, rule.note])
    sheet = wb.sheet(_("Quotas"))
    sheet.header(QUOTA_HEADERS, [12, 36, 12, 36, 10, 40, 40])
    of_award = aliased(AwardType)
    for code, name, of_code, of_name, pct, reference, note in db.session.execute(
            select(AwardType.code, AwardType.name, AwardQuota.of_code, of_award.name,
                   AwardQuota.max_pct, AwardQuota.legal_reference, AwardQuota.note)
            .join(AwardType, AwardType.id == AwardQuota.award_type_id)
            .outerjoin(of_award, of_award.code == AwardQuota.of_code)
            .order_by(AwardType.id, AwardQuota.id)):
        sheet.append([code, name, of_code, of_name or "", pct, reference, note])
    return wb

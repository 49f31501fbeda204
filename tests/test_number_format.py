"""Numbers on Vietnamese pages are Babel's (issue 16): `66,67%`, never `66.67%`, `15.00%` or
an exponent such as `1E+1`, on every page a role reaches with real records."""
import re
from decimal import Decimal

import pytest
from sqlalchemy import select

from emulation.extensions import db
from tests.test_access_matrix import MATRIX, probe_ids

ENGLISH_PERCENT = re.compile(r"\d+\.\d\d?%")
EXPONENT = re.compile(r"\b\d+(?:[.,]\d+)?E[+-]\d+\b")
TAGS = re.compile(r"<[^>]+>")


def _awkward_numbers(ids, world):
    """Values whose plain `str()` is wrong for a reader: 66.67, 15.00, 2.50, 1E+1."""
    from emulation.awards.catalogue.models import AwardQuota
    from emulation.awards.councils.models import Council
    from emulation.scoring.models import ScoreAdjustment

    for council in db.session.scalars(select(Council)):
        council.quorum_pct = Decimal("66.67")
    quota = db.session.get(AwardQuota, ids["quota"])
    quota.base, quota.max_pct = "headcount", Decimal("15.00")
    db.session.add(ScoreAdjustment(campaign_id=ids["campaign"], unit_id=world.unit1.id,
                                   points=Decimal("1E+1"), reason="Thưởng"))
    db.session.commit()


@pytest.mark.parametrize("role", ["admin", "donvi1"])
def test_no_english_decimal_or_exponent_on_vietnamese_pages(role, world, cworld, login, in_app):
    with in_app():
        ids = probe_ids(world, cworld)
        _awkward_numbers(ids, world)
    client = login(role)
    seen, failures = 0, []
    for endpoint, (method, template, allowed) in MATRIX.items():
        if method != "GET" or role not in allowed or "/api/" in template or "." in \
                template.rsplit("/", 1)[-1]:
            continue
        response = client.get(template.format(**ids))
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        seen += 1
        text = TAGS.sub(" ", response.get_data(as_text=True))
        for pattern in (ENGLISH_PERCENT, EXPONENT):
            failures += [f"{endpoint}: {m.group()}" for m in pattern.finditer(text)]
    assert seen > 20
    assert not failures, failures


def test_the_filters_write_vietnamese_numbers(app):
    from flask_babel import force_locale

    with app.test_request_context(), force_locale("vi"):
        env = app.jinja_env
        render = lambda s, **kw: env.from_string(s).render(**kw)  # noqa: E731
        assert render("{{ v|pct }}", v=Decimal("66.666")) == "66,7%"
        assert render("{{ v|pct(2) }}", v=Decimal("15.00")) == "15%"
        assert render("{{ v|signed }}", v=Decimal("2.50")) == "+2,5"
        assert render("{{ v|signed }}", v=Decimal("-1")) == "-1"
        assert render("{{ v|num }}", v=Decimal("1E+1")) == "10"
    with app.test_request_context(), force_locale("en"):
        assert app.jinja_env.from_string("{{ v|pct }}").render(v=Decimal("66.666")) == "66.7%"

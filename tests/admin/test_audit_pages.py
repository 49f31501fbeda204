"""The audit log (nhật ký) is read by key, newest first: every event once across pages, the
filters kept in the page links, a link cut short refused with a message."""
import html as html_lib
import re

from emulation.core import audit
from emulation.core.audit import AuditEvent
from emulation.core.permissions import SYSTEM
from emulation.extensions import db


def test_the_log_pages_by_key_newest_first_keeping_its_filters(world, in_app, login):
    with in_app() as session:
        for i in range(230):
            audit.record(session, actor=SYSTEM, action="unit.create", object_type="unit",
                         object_id=10_000 + i, params={"unit": f"Đơn vị {i}"})
        session.commit()
        expected = list(session.scalars(db.select(AuditEvent.object_id).where(
            AuditEvent.object_id >= 10_000).order_by(AuditEvent.id.desc())))
    client = login("admin")
    seen, url, pages = [], "/admin/audit/?object_type=unit&action=unit.create", 0
    while url:
        html = client.get(url).get_data(as_text=True)
        pages += 1
        seen += [int(n) for n in re.findall(r"#(1\d{4})</td>", html)]
        found = re.search(r'rel="next" href="([^"#]+)"', html)
        url = html_lib.unescape(found.group(1)) if found else None
        if url:
            assert "object_type=unit" in url and "cursor=" in url
        assert pages <= 4
    assert seen == expected and pages == 3
    refused = client.get("/admin/audit/?cursor=not-a-cursor")
    assert refused.status_code == 400
    assert "Liên kết trang này không hợp lệ" in refused.get_data(as_text=True)

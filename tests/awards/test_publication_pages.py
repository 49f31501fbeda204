"""No dead ends on the way from the vote to the decision (issue 16, tester's findings): the
publish button shows only to whom may publish, and a refused publication, objection or
resolution comes back as its page with the reason (never a bare "Redirecting..." body with a
4xx status); objections name their author by full name."""
from sqlalchemy import select

from emulation.auth.models import User
from emulation.awards.councils.models import CouncilMeeting
from emulation.awards.decisions.models import Objection
from emulation.core.web import local_today
from emulation.extensions import db
from tests.awards.conftest import close_with, make_meeting, passed_dossiers


def _closed_meeting(world, in_app) -> int:
    with in_app():
        meeting = make_meeting(world)
        close_with(meeting, "agree")
        return meeting.id


def test_only_an_organiser_of_the_council_sees_the_publish_button(world, in_app, login):
    meeting_id = _closed_meeting(world, in_app)
    url, action = f"/meetings/{meeting_id}", f'action="/meetings/{meeting_id}/publish"'
    secretary = login("thuky").get(url).get_data(as_text=True)
    assert action not in secretary
    assert "chưa được công khai; cán bộ thi đua của Công đoàn Công Thương Việt Nam" in secretary
    assert action in login("tochuc").get(url).get_data(as_text=True)


def test_a_refused_publication_shows_the_meeting_with_its_reason(world, in_app, login):
    meeting_id = _closed_meeting(world, in_app)
    refused = login("thuky").post(f"/meetings/{meeting_id}/publish")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 403
    assert "Redirecting" not in page and "Phiên họp năm 2026" in page
    assert "Chỉ cán bộ thi đua của Công đoàn Công Thương Việt Nam" in page

    organiser = login("tochuc")
    assert organiser.post(f"/meetings/{meeting_id}/publish").status_code == 302
    page = organiser.get(f"/meetings/{meeting_id}").get_data(as_text=True)
    today = local_today().strftime("%d/%m/%Y")
    assert f"được công khai từ ngày {today}" in page
    assert f'action="/meetings/{meeting_id}/publish"' not in page
    again = organiser.post(f"/meetings/{meeting_id}/publish")
    assert again.status_code == 409 and "Phiên họp năm 2026" in again.get_data(as_text=True)
    with in_app():
        assert db.session.get(CouncilMeeting, meeting_id).state == "closed"


def test_objections_keep_what_was_typed_and_name_their_author(world, in_app, login):
    with in_app():
        (n,) = passed_dossiers(world, [("GK", "regular")], published_on=local_today())
        nid = n.id
        db.session.scalar(select(User).where(User.username == "xem")).full_name = \
            "Người Xem Thử"
        db.session.commit()
    viewer = login("xem")
    long_text = "Ý kiến phản ánh " + "x" * 10000
    refused = viewer.post(f"/nominations/{nid}/objections", data={"text": long_text})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "Redirecting" not in page
    assert f'value="{long_text}"' in page  # what was typed is on the page again
    assert viewer.post(f"/nominations/{nid}/objections",
                       data={"text": "Chưa đủ thành tích"}).status_code == 302
    page = viewer.get("/publications/").get_data(as_text=True)
    assert "<strong>Người Xem Thử</strong>: Chưa đủ thành tích" in page
    assert "/resolve" not in page  # only an organiser of the level resolves objections
    with in_app():
        objection_id = db.session.scalar(select(Objection.id))
    refused = viewer.post(f"/objections/{objection_id}/resolve",
                          data={"upheld": "0", "reason": "Không có cơ sở"})
    assert refused.status_code == 403 and "Redirecting" not in refused.get_data(as_text=True)
    organiser = login("tochuc")
    assert f"/objections/{objection_id}/resolve" in organiser.get("/publications/").get_data(
        as_text=True)
    empty = organiser.post(f"/objections/{objection_id}/resolve",
                           data={"upheld": "0", "reason": ""})
    assert empty.status_code == 400 and "Hãy nêu lý do" in empty.get_data(as_text=True)

"""Passwords are refused when common, repetitive or sequential, or containing the username
(ASVS 2.1.7), with the reason, at every place a password is set."""
import pytest
from sqlalchemy import select

from emulation.auth.models import User
from emulation.auth.passwords import COMMON, PATTERN, SHORT, USERNAME, common_passwords, weakness
from tests.factories import PASSWORD


@pytest.mark.parametrize("password,reason", [
    ("short-one", SHORT),
    ("aaaaaaaaaaaa", PATTERN),
    ("abcabcabcabc", PATTERN),
    ("123456789012", PATTERN),
    ("zyxwvutsrqpo", PATTERN),
    ("qwertyuiopas", PATTERN),
    ("1111222233334444", PATTERN),
    ("password1234", COMMON),
    ("Password2026!", COMMON),
    ("iloveyou12345", COMMON),
    ("ThiDua@2026!!", COMMON),
    ("donvi1-mat-khau", USERNAME),
    ("Mat-khau-DONVI1", USERNAME),
    ("correct-horse-battery", None),
    ("Mật khẩu mới năm 2026", None),
])
def test_weakness(password, reason):
    assert weakness(password, username="donvi1", min_length=12) == reason


def test_the_shipped_list_is_the_10k_common_passwords():
    words = common_passwords()
    assert len(words) == 10000 and {"password", "123456", "iloveyou"} <= words


REFUSED = {
    "aaaaaaaaaaaa": "lặp lại hoặc theo dãy",
    "password1234": "mật khẩu phổ biến nhất",
}


@pytest.mark.parametrize("password,reason", REFUSED.items())
def test_the_password_change_refuses_weak_passwords(world, login, password, reason):
    response = login("donvi1").post("/profile", data={
        "current_password": PASSWORD, "new_password": password, "confirm": password})
    assert response.status_code == 400
    assert reason in response.get_data(as_text=True)


def test_the_password_change_refuses_the_username(world, login):
    response = login("donvi1").post("/profile", data={
        "current_password": PASSWORD, "new_password": "donvi1-la-toi", "confirm":
        "donvi1-la-toi"})
    assert response.status_code == 400
    assert "không được chứa tên đăng nhập" in response.get_data(as_text=True)


def test_an_admin_cannot_create_or_reset_a_weak_password(world, login, in_app):
    admin = login("admin")
    created = admin.post("/admin/users/new", data={"username": "moi", "locale": "",
                                                   "password": "toi-la-moi-2026"})
    assert created.status_code == 400
    assert "không được chứa tên đăng nhập" in created.get_data(as_text=True)
    with in_app() as session:
        assert session.scalar(select(User.id).where(User.username == "moi")) is None
        target = session.scalar(select(User).where(User.username == "xem")).id
    reset = admin.post(f"/admin/users/{target}/password",
                       data={"new_password": "123456789012"})
    assert reset.status_code == 400
    assert "lặp lại hoặc theo dãy" in reset.get_data(as_text=True)
    assert login("xem").get("/").status_code == 200  # the old password still works


def test_create_admin_refuses_a_common_password(runner, app, in_app):
    result = runner.invoke(args=["create-admin", "--username", "chief",
                                 "--password", "iloveyou12345"])
    assert result.exit_code == 1
    assert "phổ biến" in result.output or "common" in result.output
    with in_app() as session:
        assert session.scalar(select(User.id).where(User.username == "chief")) is None

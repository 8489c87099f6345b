import pytest
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_login_page_is_vietnamese(client):
    body = client.get(reverse("login")).content.decode()
    assert "Đăng nhập" in body and 'lang="vi"' in body
    assert "Tên đăng nhập" in body  # Django's own Vietnamese label


def test_login_then_logout(client, dept_officer):
    response = client.post(reverse("login"), {"username": "stp", "password": PASSWORD})
    assert response.status_code == 302 and response.url == reverse("home")
    home = client.get(reverse("home")).content.decode()
    assert "Sở Tư pháp" in home
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_wrong_password_shows_vietnamese_error(client, dept_officer):
    body = client.post(reverse("login"), {"username": "stp", "password": "sai"}).content.decode()
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in body


def test_repeated_failed_logins_lock_the_account(client, dept_officer, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "stp", "password": "sai-mat-khau"})
    locked = client.post(reverse("login"), {"username": "stp", "password": PASSWORD})
    assert locked.status_code == 429
    assert "tạm thời bị khóa" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_password_change(client, dept_officer):
    client.force_login(dept_officer)
    new = "Mat-khau-moi-2023!"
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    dept_officer.refresh_from_db()
    assert dept_officer.check_password(new)


def test_password_change_rejects_a_short_password(client, dept_officer):
    client.force_login(dept_officer)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "abc", "new_password2": "abc"},
    )
    assert response.status_code == 200
    dept_officer.refresh_from_db()
    assert dept_officer.check_password(PASSWORD)

"""Steps every browser journey shares: signing in and out as a user would."""

import re

from playwright.sync_api import expect

from tests.factories import PASSWORD


def login(page, live_server, username):
    page.goto(f"{live_server.url}/tai-khoan/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).not_to_have_url(re.compile("dang-nhap"))


def logout(page):
    page.locator("nav button.dropdown-toggle").click()  # the account menu (the username)
    page.get_by_role("button", name="Đăng xuất").click()

"""A member logs in, switches language and care mode and sees the workbench; axe finds no serious violation."""

import re

from playwright.sync_api import expect

from tests.e2e.conftest import login
from tests.factories import PASSWORD


def test_member_login_language_care_mode_and_workbench(page, member, axe):
    page.goto("/accounts/login/")
    assert axe(page) == []

    login(page, "member", PASSWORD)
    expect(page.get_by_role("heading", name="我的待办")).to_be_visible()
    expect(page.get_by_test_id("workbench")).to_contain_text("未读消息")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    assert axe(page) == []

    page.get_by_test_id("language").click()
    expect(page.get_by_role("heading", name="My to-do list")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.get_by_test_id("care").click()
    expect(page.locator("body")).to_have_class(re.compile(r"\bcare\b"))
    body_size = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert body_size >= 20
    assert axe(page) == []

    # The choices stick to the account: they survive a new page load.
    page.reload()
    expect(page.get_by_role("heading", name="My to-do list")).to_be_visible()
    expect(page.locator("body")).to_have_class(re.compile(r"\bcare\b"))
    member.refresh_from_db()
    assert member.language == "en" and member.care_mode is True


def test_wrong_password_keeps_username_and_shows_error(page, member):
    login(page, "member", "wrong-password")
    expect(page.get_by_role("alert")).to_contain_text("用户名（或手机号）或密码不正确")
    expect(page.get_by_label("用户名或手机号")).to_have_value("member")


def test_workbench_on_a_phone_is_usable_by_keyboard(phone_page, member):
    login(phone_page, "member", PASSWORD)
    expect(phone_page.get_by_role("heading", name="我的待办")).to_be_visible()
    phone_page.keyboard.press("Tab")
    focused = phone_page.evaluate("document.activeElement.textContent")
    assert "跳到主要内容" in focused
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the page must not scroll sideways on a phone"

"""Issue #11 point 8 in the browser: an over-size proposal gets the page stating the limit, and "back" returns to the
form with the typed text still there."""

from playwright.sync_api import expect

from tests.e2e.conftest import login
from tests.factories import PASSWORD, make_user
from xieshang.accounts.models import Role


def test_over_size_post_states_the_limit_and_back_keeps_the_text(page, organization, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 4000  # a small limit, so the test types little
    make_user(Role.MEMBER, organization, username="writer")
    login(page, "writer", PASSWORD)
    page.goto("/proposals/new/")
    body = "老旧小区居民上下楼困难，建议加装电梯。" * 100
    page.get_by_label("案由").fill("关于加快老旧小区加装电梯的建议")
    page.get_by_label("正文").fill(body)
    page.get_by_role("button", name="保存草稿", exact=True).click()
    expect(page.get_by_test_id("too-large")).to_contain_text("3.9 KB")
    page.get_by_role("link", name="返回上一页").click()
    expect(page.get_by_label("正文")).to_have_value(body)
    expect(page.get_by_label("案由")).to_have_value("关于加快老旧小区加装电梯的建议")

"""Staff record a visitor group of the culture-and-history hall (文史馆) on its register page, a wrong entry is
refused with the text kept, and the work report's figure counts the group and lists it; the same page in English."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.test_opinions import _staff_login
from tests.factories import make_user
from xieshang.accounts.models import Role


@pytest.fixture
def staff(transactional_db, organization):
    return make_user(Role.COMMITTEE_STAFF, organization, username="wenshi", name="文史委")


def test_staff_record_a_visitor_group_and_find_it_behind_the_figure(page, staff):
    today = timezone.localdate()
    _staff_login(page, staff)
    page.get_by_role("navigation").get_by_role("link", name="文史馆参观").first.click()
    page.get_by_text("登记参观团组", exact=True).click()
    page.get_by_label("参观日期").fill(today.isoformat())
    page.get_by_label("来访单位或团组").fill("开封市政协机关参观团")
    page.get_by_label("来自").select_option("province")
    page.get_by_label("人数").fill("0")
    page.get_by_role("button", name="登记").click()
    # Refused: the message says why, in the page's language, and what was typed is still there.
    expect(page.get_by_label("来访单位或团组")).to_have_value("开封市政协机关参观团")
    expect(page.get_by_test_id("visitor-group-form").locator(".field-error")).to_contain_text("大于或等于1")
    page.get_by_label("人数").fill("36")
    page.get_by_role("button", name="登记").click()
    expect(page.locator(".messages")).to_contain_text("已登记参观团组")
    expect(page.get_by_test_id("visitor-groups")).to_contain_text("开封市政协机关参观团")

    page.get_by_role("navigation").get_by_role("link", name="年度工作报告数据").first.click()
    page.get_by_label("年度").fill(str(today.year))
    page.get_by_role("button", name="统计").click()
    row = page.locator('[data-figure="history_hall_visitor_groups"]')
    expect(row).to_contain_text("文史馆接待参观")
    row.get_by_role("link", name="1", exact=True).click()
    expect(page.get_by_test_id("total")).to_contain_text("1")
    expect(page.get_by_test_id("records")).to_contain_text("开封市政协机关参观团（36人）")

    page.get_by_test_id("language").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Visitor groups at the culture-and-history hall")
    page.get_by_role("navigation").get_by_role("link", name="History hall visits").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Culture-and-history hall visitor groups")
    expect(page.get_by_test_id("visitor-groups")).to_contain_text("开封市政协机关参观团")

"""A leader opens the 数据驾驶舱 from the menu, reads the year's figures, clicks a bar of a chart and lands on the
records it counts; the board is readable on a phone and in English; axe finds nothing serious."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.test_opinions import _staff_login
from tests.factories import make_user
from xieshang.accounts.models import Role
from xieshang.registers import services


@pytest.fixture
def leader(transactional_db, organization):
    staff = make_user(Role.COMMITTEE_STAFF, organization, username="committee")
    today = timezone.localdate()
    for title, source in (
        ("修复黄河路路灯", "room"),
        ("疏通金水路下水道", "room"),
        ("为独居老人安装呼叫器", "activity"),
    ):
        services.record_matter(staff, organization, title=title, done_on=today, source=source)
    return make_user(Role.LEADER, organization, username="leader", name="王副主席")


def _click_bar(page, index, value):
    """Click the bar `index` of the ledger's chart where ECharts drew it."""
    holder = page.locator('[data-chart="breakdown"]').last
    expect(holder).to_have_attribute("data-rendered", "1")
    holder.scroll_into_view_if_needed()
    x, y = page.evaluate(
        "([el, i, v]) => echarts.getInstanceByDom(el).convertToPixel({seriesIndex: 0}, [v / 2, i])",
        [holder.element_handle(), index, value],
    )
    box = holder.bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)


def test_leader_drills_from_a_chart_into_the_records(page, leader, axe):
    _staff_login(page, leader)
    page.get_by_role("navigation").get_by_role("link", name="数据驾驶舱").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("数据驾驶舱")
    expect(page.locator('[data-testid="headline"] [data-figure="matters_done_for_residents"] .n')).to_have_text("3")
    assert axe(page) == []
    _click_bar(page, 0, 2)  # 议事室协商: 2 matters, the largest bar comes first
    expect(page.get_by_test_id("total")).to_contain_text("2")
    expect(page.get_by_test_id("records")).to_contain_text("修复黄河路路灯")
    expect(page.get_by_test_id("records")).not_to_contain_text("为独居老人安装呼叫器")

    page.go_back()
    page.get_by_test_id("language").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Data dashboard")
    expect(page.get_by_test_id("headline")).to_contain_text("Practical matters done for residents")


def test_the_board_reads_on_a_phone(phone_page, leader):
    _staff_login(phone_page, leader)
    phone_page.goto("/stats/dashboard/")
    expect(phone_page.locator('[data-figure="matters_done_for_residents"] .n').first).to_have_text("3")
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the board is {width}px wide on a 390px phone"

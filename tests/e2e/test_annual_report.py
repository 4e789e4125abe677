"""Staff keep the 请示报告 register through its page, then open the work report's figures from the menu, drill from
a figure into the records it counts, and download the Word draft and the Excel workbook, which the test opens; the
same walk in English."""

import io

import pytest
from playwright.sync_api import expect

from tests.e2e.test_opinions import _staff_login
from tests.factories import make_user
from xieshang.accounts.models import Role


@pytest.fixture
def staff(transactional_db, organization):
    return make_user(Role.INFORMATION_STAFF, organization, username="info", name="信息处")


def _download(page, name):
    with page.expect_download() as info:
        page.get_by_role("link", name=name).click()
    download = info.value
    return download.suggested_filename, open(download.path(), "rb").read()


def test_staff_record_a_report_and_read_the_figures_down_to_the_records(page, staff):
    from docx import Document
    from openpyxl import load_workbook

    _staff_login(page, staff)
    page.get_by_role("navigation").get_by_role("link", name="请示报告").first.click()
    page.get_by_text("登记请示报告", exact=True).click()
    page.get_by_label("报告日期").fill("2026-01-05")
    page.get_by_label("报告事项").fill("关于2026年度协商工作计划的请示")
    page.get_by_label("报告方式").select_option("request")
    page.get_by_role("button", name="登记").click()
    expect(page.locator(".messages")).to_contain_text("已登记请示报告")
    expect(page.get_by_test_id("party-reports")).to_contain_text("关于2026年度协商工作计划的请示")

    page.get_by_role("navigation").get_by_role("link", name="年度工作报告数据").first.click()
    page.get_by_label("年度").fill("2026")
    page.get_by_role("button", name="统计").click()
    row = page.locator('[data-figure="reports_to_party_committee"]')
    expect(row).to_contain_text("向党委请示报告重要事项")
    row.get_by_role("link", name="1", exact=True).click()
    expect(page.get_by_test_id("total")).to_contain_text("1")
    page.get_by_role("link", name="关于2026年度协商工作计划的请示").click()
    page.get_by_label("答复日期").fill("2026-01-20")
    page.get_by_label("批复或答复").fill("同意。")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("reply")).to_contain_text("同意")

    page.get_by_role("navigation").get_by_role("link", name="年度工作报告数据").first.click()
    page.get_by_label("年度").fill("2026")
    page.get_by_role("button", name="统计").click()
    filename, content = _download(page, "生成工作报告统计稿（Word）")
    assert filename.endswith(".docx") and "工作报告统计稿" in filename
    text = "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)
    assert "向市委报告重要事项1次" in text
    filename, content = _download(page, "导出数据表（Excel）")
    rows = {r[1]: r for r in load_workbook(io.BytesIO(content)).active.iter_rows(min_row=3, values_only=True)}
    assert rows["reports_to_party_committee"][4] == 1

    page.get_by_test_id("language").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Work report figures")
    page.locator('[data-figure="reports_to_party_committee"]').get_by_role("link", name="1", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Important matters reported to the Party committee")
    expect(page.get_by_test_id("records")).to_contain_text("关于2026年度协商工作计划的请示")

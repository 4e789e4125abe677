"""Browser tests of the duty file (#13), in Chinese and in English: a member opens his duty page from the workbench
and follows a count to its records; staff open the ranking from the workbench, filter it and export it; a standing
member drafts, edits and submits his annual duty report, staff accept it and he downloads it as Word and PDF."""

from datetime import date

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.e2e.conftest import login
from tests.factories import PASSWORD, OrganizationFactory, SectorFactory, make_user
from xieshang.accounts.models import MemberProfile, Role
from xieshang.duties.models import DutyReport
from xieshang.duties.services import Credit, credit_many

LANGUAGES = {
    "zh-hans": {
        "mine": "我的履职",
        "ranking": "履职排名",
        "reports": "年度述职报告",
        "staff_reports": "常委述职报告",
        "save": "保存",
        "verify": "验证",
        "code": "动态验证码",
        "submitted": "已提交",
        "accepted": "已通过",
        "sector": "界别",
        "filter": "筛选",
        "records": "履职记录：领衔提案",
    },
    "en": {
        "mine": "My duty record",
        "ranking": "Duty ranking",
        "reports": "Annual duty report",
        "staff_reports": "Standing members' reports",
        "save": "Save",
        "verify": "Verify",
        "code": "One-time code",
        "submitted": "Submitted",
        "accepted": "Approved",
        "sector": "Sector",
        "filter": "Filter",
        "records": "Duty records: Proposals (lead)",
    },
}


def _year():
    return date.today().year


def _credits(org, member, key, n, prefix, label):
    sources = [OrganizationFactory(code=f"{prefix}{i}", name=f"{label}{i}") for i in range(n)]
    credit_many(
        organization=org,
        credits=[
            Credit(member, key, source, date(_year(), 1, 5), source_label=f"{label}{i}")
            for i, source in enumerate(sources)
        ],
    )


def _staff_login(page, user, words):
    device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    login(page, user.username, PASSWORD)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    page.get_by_label(words["code"]).fill(f"{totp.token():0{device.digits}d}")
    page.get_by_role("button", name=words["verify"]).click()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_member_follows_a_count_to_its_records(page, organization, language):
    words = LANGUAGES[language]
    member = make_user(Role.MEMBER, organization, username="member1", name="孙委员", language=language)
    _credits(organization, member, "proposal_lead", 2, "p", "关于加强社区养老服务的提案")
    _credits(organization, member, "training", 3, "t", "学习培训")
    login(page, "member1", PASSWORD)
    page.goto("/workbench/")
    page.get_by_test_id("duty-links-duties").get_by_role("link", name=words["mine"]).click()
    expect(page.get_by_test_id("duty-entries").locator("tbody tr")).to_have_count(5)
    expect(page.get_by_test_id("duty-owed")).to_be_visible()
    page.get_by_test_id("kind-proposal_lead").click()
    expect(page.get_by_role("heading", name=words["records"])).to_be_visible()
    rows = page.get_by_test_id("duty-entries").locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("关于加强社区养老服务的提案")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_staff_rank_filter_and_export(page, organization, language):
    words = LANGUAGES[language]
    staff = make_user(Role.COMMITTEE_STAFF, organization, username="staff1", name="赵工作", language=language)
    economy = SectorFactory(organization=organization, name="经济界")
    SectorFactory(organization=organization, name="文化界")
    top = make_user(Role.MEMBER, organization, username="m1", name="甲委员")
    other = make_user(Role.MEMBER, organization, username="m2", name="乙委员")
    MemberProfile.objects.filter(user=top).update(sector=economy, district="金水区")
    _credits(organization, top, "proposal_lead", 3, "a", "提案")
    _credits(organization, other, "training", 1, "b", "培训")
    _staff_login(page, staff, words)
    page.goto("/workbench/")
    page.get_by_test_id("duty-links-duties_staff").get_by_role("link", name=words["ranking"]).click()
    table = page.get_by_test_id("ranking")
    expect(table.locator("tbody tr")).to_have_count(2)
    expect(table.locator("tbody tr").first).to_contain_text("甲委员")
    filters = page.get_by_test_id("duty-filters")
    filters.get_by_label(words["sector"]).select_option(label="经济界")
    filters.get_by_role("button", name=words["filter"]).click()
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table).not_to_contain_text("乙委员")
    with page.expect_download() as download:
        page.get_by_test_id("export-ranking").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    from openpyxl import load_workbook

    with open(download.value.path(), "rb") as handle:
        sheet = load_workbook(handle).active
    assert [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["甲委员"]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_standing_member_report_from_draft_to_download(page, browser, live_server, organization, language):
    words = LANGUAGES[language]
    standing = make_user(Role.STANDING_MEMBER, organization, username="cw", name="王常委", language=language)
    staff = make_user(Role.COMMITTEE_STAFF, organization, username="staff2", name="赵工作", language=language)
    _credits(organization, standing, "proposal_lead", 2, "r", "关于优化营商环境的提案")
    login(page, "cw", PASSWORD)
    page.goto("/workbench/")
    page.get_by_test_id("duty-links-duties").get_by_role("link", name=words["reports"]).click()
    page.get_by_test_id("draft-report").click()
    expect(page.get_by_test_id("report-preview").locator('[data-figure="count:proposal_lead"]').first).to_have_text("2")
    body = page.get_by_test_id("report-form").locator("textarea")
    text = body.input_value()
    body.fill(text + "\n本人将继续深入调研，多建睿智之言。")
    page.get_by_test_id("report-form").get_by_role("button", name=words["save"]).click()
    expect(page.get_by_test_id("report-preview")).to_contain_text("多建睿智之言")
    page.get_by_test_id("submit-report").click()
    expect(page.get_by_test_id("report-state")).to_contain_text(words["submitted"])
    report = DutyReport.objects.get()
    assert report.figures["count:proposal_lead"] == "2"

    staff_context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    staff_page = staff_context.new_page()
    _staff_login(staff_page, staff, words)
    staff_page.goto("/workbench/")
    staff_page.locator('[data-section="duties_staff"]').get_by_role("link", name=f"王常委：{report.title}").click()
    staff_page.get_by_test_id("accept-report").click()
    expect(staff_page.get_by_test_id("report-state")).to_contain_text(words["accepted"])
    staff_context.close()

    page.reload()
    with page.expect_download() as docx:
        page.get_by_test_id("download-docx").click()
    assert docx.value.suggested_filename.endswith(".docx") and "王常委" in docx.value.suggested_filename
    with page.expect_download() as pdf:
        page.get_by_test_id("download-pdf").click()
    assert pdf.value.suggested_filename.endswith(".pdf")
    with open(pdf.value.path(), "rb") as handle:
        assert handle.read(4) == b"%PDF"

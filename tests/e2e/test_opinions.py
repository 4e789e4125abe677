"""A member's report through the whole pipeline in the browser: submitted, edited (the author sees the change),
put in an issue and published, sent to the city and the province, instructed by a city leader, adopted by the
province, and finally the points on the author's duty record."""

import re

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.e2e.conftest import login
from tests.factories import PASSWORD, OrganizationFactory, make_user
from xieshang.accounts.models import Organization, Role
from xieshang.duties.defaults import DEFAULT_RULES
from xieshang.duties.models import DutyEntry, DutyRule
from xieshang.opinions.models import Report
from xieshang.opinions.workflows import REPORT_WORKFLOW
from xieshang.workflow.definitions import install_workflow


@pytest.fixture
def setup(transactional_db):
    # The live server's database is flushed between tests: data migrations' rows are installed again here.
    install_workflow(REPORT_WORKFLOW, overwrite=False)
    for key, kind, label, points, cap in DEFAULT_RULES:
        DutyRule.objects.get_or_create(
            organization=None, key=key, defaults={"kind": kind, "label": label, "points": points, "cap_per_year": cap}
        )
    national = OrganizationFactory(name="全国政协", short_name="全国", code="cn", level=Organization.Level.NATIONAL)
    province = OrganizationFactory(
        name="河南省政协", short_name="河南", code="ha", level=Organization.Level.PROVINCIAL, parent=national
    )
    city = OrganizationFactory(
        name="郑州市政协",
        short_name="郑州",
        code="zz",
        level=Organization.Level.CITY,
        parent=province,
        region="河南省郑州市",
    )
    member = make_user(Role.MEMBER, city, username="member", name="张委员")
    staff = make_user(Role.INFORMATION_STAFF, city, username="info", name="信息处")
    return member, staff


def _staff_login(page, user):
    device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    login(page, user.username, PASSWORD)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    page.get_by_label("动态验证码").fill(f"{totp.token():0{device.digits}d}")
    page.get_by_role("button", name="验证").click()


def test_report_from_submission_to_credit(page, browser, live_server, setup):
    member, staff = setup
    title = "关于推进老旧小区加装电梯的建议"

    login(page, "member", PASSWORD)
    page.goto("/opinions/new/")
    page.get_by_label("标题").fill(title)
    page.get_by_label("正文").fill("近年来老旧小区加装电梯需求旺盛。\n建议建立楼栋协商机制。")
    page.get_by_role("button", name="报送").click()
    expect(page.get_by_test_id("state")).to_have_text("已收稿")
    report = Report.objects.get()

    context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    context.set_default_timeout(15000)
    desk = context.new_page()
    _staff_login(desk, staff)
    desk.goto(f"/opinions/{report.pk}/")
    desk.get_by_role("button", name="开始编辑").click()
    expect(desk.get_by_test_id("original")).to_contain_text("需求旺盛")
    desk.get_by_label("编辑后的正文").fill("近年来老旧小区加装电梯需求十分迫切。\n建议建立楼栋协商机制。")
    desk.get_by_label("修改说明").fill("文字修改")
    desk.get_by_role("button", name="保存修改").click()
    expect(desk.locator(".messages")).to_contain_text("第 2 版")
    desk.get_by_role("button", name="签批").click()
    expect(desk.get_by_test_id("state")).to_have_text("已签批")

    desk.goto("/opinions/issues/")
    desk.get_by_role("button", name="新建一期").click()
    desk.get_by_label(title).check()
    desk.get_by_role("button", name="编入本期").click()
    expect(desk.get_by_test_id("issue-reports")).to_contain_text(title)
    desk.get_by_role("button", name="签发刊出").click()
    expect(desk.get_by_role("heading", level=1)).to_contain_text("第1期")

    desk.goto(f"/opinions/{report.pk}/")
    send = desk.locator("form[action$='/send/']")
    send.get_by_label("中共郑州市委员会").check()
    send.get_by_label("河南省政协").check()
    send.get_by_role("button", name="报送").click()
    expect(desk.get_by_test_id("state")).to_have_text("已报送")

    # An adoption at a level the report never went to is refused beside the field; the note typed stays.
    adoption = desk.get_by_test_id("adoption-form")
    adoption.get_by_label("采用层级").select_option(label="全国政协")
    adoption.get_by_label("采用形式").fill("全国政协采用")
    adoption.get_by_role("button", name="记录采用").click()
    expect(desk.get_by_test_id("adoption-form").get_by_role("alert")).to_contain_text("未曾报送")
    expect(desk.get_by_test_id("adoption-form").get_by_label("采用形式")).to_have_value("全国政协采用")

    instruction = desk.get_by_test_id("instruction-form")
    instruction.get_by_label("批示领导姓名").fill("王某某")
    instruction.get_by_label("职务").fill("副市长")
    instruction.get_by_label("领导层级").select_option(label="本级党委政府")
    instruction.get_by_label("批示内容").fill("请市住房局研究办理。")
    instruction.get_by_role("button", name="记录批示").click()
    expect(desk.locator(".messages")).to_contain_text("已记录批示")

    adoption = desk.get_by_test_id("adoption-form")
    adoption.get_by_label("采用层级").select_option(label="省级政协")
    adoption.get_by_label("采用形式").fill("被省政协《社情民意信息》采用")
    adoption.get_by_role("button", name="记录采用").click()
    expect(desk.get_by_test_id("adoptions")).to_contain_text("省级政协")
    context.close()

    # The author sees the edit and the outcome, and the points on the duty record.
    page.goto(f"/opinions/{report.pk}/")
    expect(page.get_by_test_id("diffs")).to_contain_text("十分迫切")
    expect(page.locator("ins").first).to_have_text(re.compile("十分迫切"))
    page.goto("/duties/")
    expect(page.get_by_test_id("duty-total")).to_contain_text("15")
    expect(page.get_by_test_id("duty-entries")).to_contain_text(title)
    assert sorted(DutyEntry.objects.values_list("points", flat=True)) == [5, 10]


def test_whole_issue_is_sent_up_by_the_information_staff(page, live_server, setup):
    """Issue #11 point 1: 整期报送 answered 422 "请选择报送对象" whatever was ticked (the form was rendered with a
    prefix and bound without it)."""
    from xieshang.opinions import services

    member, staff = setup
    organization = staff.role_grants.get().organization
    titles = ["关于增设社区食堂的建议", "关于优化公交线路的建议"]
    reports = []
    for title in titles:
        report = services.report_submit(actor=member, organization=organization, title=title, body="建议正文。")
        services.report_transition(actor=staff, report=report, key="take_up")
        services.report_transition(actor=staff, report=report, key="approve")
        reports.append(report)
    issue = services.issue_create(actor=staff, organization=organization)
    services.issue_add_reports(actor=staff, issue=issue, reports=reports)
    services.issue_publish(actor=staff, issue=issue)

    _staff_login(page, staff)
    page.goto(f"/opinions/issues/{issue.pk}/")
    send = page.locator("form", has=page.locator("input[name='action'][value='send']"))
    send.get_by_label("河南省政协").check()
    send.get_by_role("button", name="报送本期").click()
    expect(page.locator(".messages")).to_contain_text("已报送 2 份")
    for report in reports:
        report.refresh_from_db()
        assert report.state.key == "sent"
        assert list(report.dispatches.values_list("recipient__name", flat=True)) == ["河南省政协"]

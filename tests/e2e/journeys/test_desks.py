"""Journeys of the staff desks: the information (opinions) staff edit and approve a member's report, put it in a new
issue, publish the issue and send it up to the province; the committee staff put a consultation in the year's plan
through the form, give it an agenda and invite a member."""

import pytest
from playwright.sync_api import expect

from tests.factories import OrganizationFactory, make_user
from xieshang.accounts.models import Organization, Role
from xieshang.consultations.models import Consultation
from xieshang.opinions import services as opinions
from xieshang.opinions.models import Report

from .test_members import _menu


@pytest.fixture
def city(db):
    from xieshang.duties.defaults import DEFAULT_RULES
    from xieshang.duties.models import DutyRule
    from xieshang.opinions.workflows import REPORT_WORKFLOW
    from xieshang.workflow.definitions import install_workflow

    install_workflow(REPORT_WORKFLOW, overwrite=False)
    for key, kind, label, points, cap in DEFAULT_RULES:
        DutyRule.objects.get_or_create(
            organization=None, key=key, defaults={"kind": kind, "label": label, "points": points, "cap_per_year": cap}
        )
    national = OrganizationFactory(name="全国政协", short_name="全国", code="cn", level=Organization.Level.NATIONAL)
    province = OrganizationFactory(
        name="河南省政协", short_name="河南", code="ha", level=Organization.Level.PROVINCIAL, parent=national
    )
    return OrganizationFactory(
        name="郑州市政协", short_name="郑州", code="zz", level=Organization.Level.CITY, parent=province
    )


def test_information_staff_edit_publish_and_send_an_issue(walk, city):
    member = make_user(Role.MEMBER, city, username="member", name="张委员")
    staff = make_user(Role.INFORMATION_STAFF, city, username="info", name="信息处")
    title = "关于规范社区停车收费的建议"
    body = "部分社区停车收费标准不一。"
    opinions.report_submit(actor=member, organization=city, title=title, body=body)
    names = {title, body, "张委员", "河南省政协", "全国政协", "中共郑州市委员会", "郑州市人民政府", "郑州市政协"}
    guard = walk(staff, data=names)
    page, _ = guard.page, guard._

    _menu(guard, _("信息编辑"))
    guard.check("desk")
    page.get_by_test_id("desk").get_by_role("link", name=title).click()
    page.get_by_role("button", name=_("开始编辑")).click()
    guard.check("editing")
    page.get_by_label(_("编辑后的正文")).fill("部分社区停车收费标准不一，群众意见较大。")
    guard.data.add("部分社区停车收费标准不一，群众意见较大。")
    page.get_by_label(_("修改说明")).fill("文字修改")
    guard.data.add("文字修改")
    page.get_by_role("button", name=_("保存修改")).click()
    page.get_by_role("button", name=_("签批")).click()
    expect(page.get_by_test_id("state")).to_have_text(guard.name("已签批"))
    guard.check("approved")

    _menu(guard, _("信息编辑"))
    page.get_by_role("link", name=_("刊物编排")).click()
    guard.check("issues")
    page.get_by_role("button", name=_("新建一期")).click()
    page.get_by_label(title).check()
    page.get_by_role("button", name=_("编入本期")).click()
    expect(page.get_by_test_id("issue-reports")).to_contain_text(title)
    guard.check("issue")
    page.get_by_role("button", name=_("签发刊出")).click()
    guard.check("published issue")
    send = page.locator("form", has=page.locator("input[name='action'][value='send']"))
    send.get_by_label("河南省政协").check()
    send.get_by_role("button", name=_("报送本期")).click()
    expect(page.locator(".messages")).to_be_visible()
    guard.check("issue sent")
    assert Report.objects.get().state.key == "sent"


def test_committee_staff_plan_a_consultation(walk, organization, consultation_defaults):
    staff = make_user(Role.COMMITTEE_STAFF, organization, username="committee", name="赵工作")
    member = make_user(Role.MEMBER, organization, username="member", name="孙委员")
    title = "推进城市更新专题协商"
    guard = walk(staff, data={title, "孙委员", "市政协三楼", "城市更新工作情况通报"})
    page, _ = guard.page, guard._

    _menu(guard, _("协商活动"))
    guard.check("consultations")
    page.get_by_role("link", name=_("列入年度计划")).click()
    guard.check("consultation form")
    page.get_by_label(_("协商形式")).select_option(index=0)
    page.get_by_label(_("协商议题")).fill(title)
    page.get_by_label(_("计划日期")).fill("2026-12-20")
    page.get_by_label(_("地点")).fill("市政协三楼")
    page.get_by_role("button", name=_("保存")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(title)
    guard.check("consultation page")
    consultation = Consultation.objects.get()

    page.get_by_text(_("添加议程")).click()
    agenda = page.locator("form[action$='/agenda/']")
    agenda.get_by_label(_("环节")).select_option(index=0)
    agenda.get_by_label(_("内容")).fill("城市更新工作情况通报")
    agenda.get_by_role("button", name=_("添加"), exact=True).click()
    expect(page.get_by_test_id("agenda")).to_contain_text("城市更新工作情况通报")
    # The member picker: search as you type, tick the person.
    page.get_by_label(_("邀请人员")).fill("孙")
    page.get_by_test_id("picker-results").get_by_label("孙委员").check()
    page.get_by_role("button", name=_("发出邀请")).click()
    expect(page.get_by_test_id("invitations")).to_contain_text("孙委员")
    guard.check("invited")
    assert consultation.invitations.get().user == member

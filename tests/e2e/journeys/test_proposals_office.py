"""Journeys of the people who move a proposal after the member submits it: the proposals office reviews, files,
classifies, numbers it and proposes the handling plan; the leader approves the plan; the handling unit's officer
signs for it and replies; the supervisor approves the reply. Each starts at the workbench, where the proposal waits."""

import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import HandlingUnitFactory, make_user
from tests.proposals.factories import advance, contact, make_proposal
from xieshang.accounts.models import Role, RoleGrant
from xieshang.notifications.models import Notification

TITLE = "关于加快老旧小区加装电梯的建议"


@pytest.fixture
def world(organization):
    units = [HandlingUnitFactory(organization=organization, name=n, short_name=n) for n in ("市住房局", "市城管局")]
    w = SimpleNamespace(
        org=organization,
        units=units,
        lead=make_user(Role.MEMBER, organization, username="lead", name="领衔委员"),
        staff=make_user(Role.PROPOSALS_STAFF, organization, username="pstaff", name="提案工作人员"),
        supervisor=make_user(Role.SUPERVISOR, organization, username="supervisor", name="督办人员"),
        leader=make_user(Role.LEADER, organization, username="leader", name="分管领导"),
        officers=[],
    )
    for i, unit in enumerate(units):
        officer = make_user(None, None, username=f"officer{i}", name=f"{unit.name}经办人")
        RoleGrant.objects.create(user=officer, organization=organization, role=Role.UNIT_OFFICER, handling_unit=unit)
        w.officers.append(officer)
    return w


def _proposal(world, state):
    return advance(world, make_proposal(world, title=TITLE), state, co=False)


def _open_from_workbench(guard, section):
    page = guard.page
    page.locator(f'[data-section="{section}"]').get_by_role("link", name=TITLE).first.click()
    guard.check("proposal page")


def _state(guard, name):
    expect(guard.page.get_by_test_id("state")).to_have_text(guard.name(name))


def _press(guard, name, within=None):
    scope = guard.page.locator(within) if within else guard.page
    scope.get_by_role("button", name=guard.name(name)).click()


def test_proposals_staff_files_and_plans(walk, world):
    _proposal(world, "submitted")
    guard = walk(world.staff, data={TITLE, *(u.name for u in world.units)})
    page, _ = guard.page, guard._
    _open_from_workbench(guard, "proposals_staff")
    _press(guard, "预受理")
    _press(guard, "开始审查")
    _state(guard, "审查中")
    guard.check("review")
    page.get_by_label(_("立案"), exact=True).check()
    _press(guard, "确定审查结果", within="#act-review")
    _state(guard, "已立案")
    page.get_by_label(_("类别")).select_option(index=1)
    _press(guard, "分类", within="#act-classify")
    _press(guard, "编号")
    _state(guard, "已编号")
    guard.check("numbered")
    page.get_by_role("combobox", name=_("主办单位")).select_option(label="市住房局")
    _press(guard, "保存交办方案")
    _press(guard, "提交交办方案")
    _state(guard, "交办待审批")
    guard.check("plan proposed")


def test_leader_approves_the_plan(walk, world):
    _proposal(world, "assignment_pending")
    guard = walk(world.leader, data={TITLE, *(u.name for u in world.units)})
    _open_from_workbench(guard, "proposals_leader")
    _press(guard, "审批交办方案")
    _state(guard, "交办已审批")
    guard.check("plan approved")


def test_unit_officer_signs_for_and_replies(walk, world):
    _proposal(world, "assigned")
    guard = walk(
        world.officers[0],
        data={
            TITLE,
            *(u.name for u in world.units),
            "郑房函〔2026〕12号",
            "王科长",
            "领衔委员本人",
            "现场查看单元楼，商定先行试点、年内完成。",
            "年内完成三个小区加装电梯试点。",
        },
    )
    page, _ = guard.page, guard._
    _open_from_workbench(guard, "proposals_unit")
    _press(guard, "签收")
    _state(guard, "办理中")
    guard.check("handling")
    page.get_by_label(_("答复文号")).fill("郑房函〔2026〕12号")
    page.get_by_label(_("联系人")).fill("王科长")
    page.get_by_label(_("联系电话")).fill("0371-67180000")
    page.get_by_label(_("答复正文")).fill("已将老旧小区加装电梯列入年度计划。")
    page.get_by_label(_("答复类别")).select_option("B")
    # the label by its own text (and Django's suffix), not "承诺完成时限" / "Promise due by" that contain it in English
    page.get_by_label(re.compile(rf"^{re.escape(_('承诺事项'))}[:：]?$")).fill("年内完成三个小区加装电梯试点。")
    page.get_by_label(_("承诺完成时限")).fill((timezone.localdate() + timedelta(days=120)).isoformat())
    # 办理协商 first: a reply before the contact with the member is recorded is refused, and what was typed stays
    expect(page.get_by_test_id("contact-missing")).to_be_visible()
    _press(guard, "提交答复", within="#act-reply")
    expect(page.locator("#act-reply")).to_contain_text(
        _("答复前须先与提案人沟通（办理协商），并记录沟通方式、日期、对象和商定事项。")
    )
    expect(page.get_by_label(_("答复正文"))).to_have_value("已将老旧小区加装电梯列入年度计划。")
    _state(guard, "办理中")
    contact = page.locator("#act-contact")
    contact.get_by_label(_("登门走访")).check()
    contact.get_by_label(_("沟通日期")).fill(timezone.localdate().isoformat())
    contact.get_by_label(_("沟通对象")).fill("领衔委员本人")
    contact.get_by_label(_("沟通情况及商定事项")).fill("现场查看单元楼，商定先行试点、年内完成。")
    _press(guard, "记录沟通情况", within="#act-contact")
    expect(page.get_by_test_id("contacts")).to_contain_text("现场查看单元楼")
    expect(page.get_by_test_id("contact-response")).to_have_text(_("待委员确认"))
    guard.check("contact recorded")
    page.get_by_label(_("答复文号")).fill("郑房函〔2026〕12号")
    page.get_by_label(_("联系人")).fill("王科长")
    page.get_by_label(_("联系电话")).fill("0371-67180000")
    page.get_by_label(_("答复正文")).fill("已将老旧小区加装电梯列入年度计划。")
    page.get_by_label(_("答复类别")).select_option("B")
    # a B reply is a promise: what and by when
    _press(guard, "提交答复", within="#act-reply")
    expect(page.locator("#act-reply")).to_contain_text(_("请写明承诺事项（B 类答复或写明完成时限的答复须填写）。"))
    expect(page.get_by_label(_("答复正文"))).to_have_value("已将老旧小区加装电梯列入年度计划。")
    # the label by its own text (and Django's suffix), not "承诺完成时限" / "Promise due by" that contain it in English
    page.get_by_label(re.compile(rf"^{re.escape(_('承诺事项'))}[:：]?$")).fill("年内完成三个小区加装电梯试点。")
    page.get_by_label(_("承诺完成时限")).fill((timezone.localdate() + timedelta(days=120)).isoformat())
    _press(guard, "提交答复", within="#act-reply")
    _state(guard, "督办审核")
    guard.check("replied")


def test_member_answers_the_units_contact_record_and_a_dispute_reaches_the_supervisor(walk, world):
    p = _proposal(world, "handling")
    contact(world, p, method="phone", agreed="电话沟通，商定分两期实施。")
    guard = walk(
        world.lead,
        data={
            TITLE,
            *(u.name for u in world.units),
            "提案人本人",
            "电话沟通，商定分两期实施。",
            "单位只打过一次电话，未谈分期。",
        },
    )
    page, _ = guard.page, guard._
    _open_from_workbench(guard, "proposals_member")
    expect(page.get_by_test_id("contacts")).to_contain_text("电话沟通，商定分两期实施。")
    form = page.locator("#act-contact-response")
    form.get_by_label(_("有异议")).check()
    _press(guard, "提交", within="#act-contact-response")
    expect(page.locator("#act-contact-response")).to_contain_text(_("有异议时请说明实际情况。"))
    page.locator("#act-contact-response").get_by_label(_("说明")).fill("单位只打过一次电话，未谈分期。")
    _press(guard, "提交", within="#act-contact-response")
    expect(page.get_by_test_id("contact-response")).to_have_text(_("委员有异议"))
    guard.check("disputed")
    assert Notification.objects.filter(recipient=world.supervisor, kind="proposal.contact_disputed").count() == 1


def test_supervisor_approves_the_reply(walk, world):
    _proposal(world, "supervisor_review")
    guard = walk(
        world.supervisor,
        data={
            TITLE,
            *(u.name for u in world.units),
            "郑房函〔2026〕8号",
            "王科长",
            "提案人本人",
            "电话沟通办理思路，提案人同意分步实施。",
            "年内完成加装电梯试点。",
        },
    )
    page, _ = guard.page, guard._
    _open_from_workbench(guard, "proposals_supervisor")
    page.get_by_label(_("答复类别")).select_option("A")
    _press(guard, "审核通过", within="#act-supervise")
    _state(guard, "已答复待评价")
    guard.check("approved")

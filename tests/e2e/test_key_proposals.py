"""Key proposals in the browser (#15, decision 0028), in Chinese and in English: the proposals office puts two filed
proposals forward as candidates from their pages, records the chairpersons' meeting choosing one (a meeting date in
the future is refused first, with what was typed kept), publishes the list, appoints the supervising leader and adds a
milestone; the leader finds the key proposal on the workbench and writes an instruction; the lead unit reports
progress on the milestone from the proposal page; the supervision page shows all of it, and the member reads it.
axe finds no serious or critical violation on the selection page and the supervision page."""

import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.conftest import login
from tests.e2e.test_activities import LANGUAGES, staff_login, tr
from tests.factories import PASSWORD, HandlingUnitFactory, make_user
from tests.proposals.test_views_support import make_proposal
from xieshang.accounts.models import Role, RoleGrant
from xieshang.instructions.models import Instruction
from xieshang.proposals.models import KeyCandidate, KeyMeeting, KeyProgress, Proposal


def _label(t, text):
    """A form field by its whole label (Django adds a colon after it)."""
    return re.compile(rf"^{re.escape(t(text))}[:：]?$")


def decide_and_publish(office, t, proposal):
    """On the selection page: the chairpersons' meeting chooses `proposal` today, and the list is published."""
    meeting = office.locator("#act-key-meeting")
    meeting.get_by_label(_label(t, "会议名称")).fill("十四届政协第五次主席会议")
    meeting.get_by_label(_label(t, "会议日期")).fill(timezone.localdate().isoformat())
    meeting.get_by_label(_label(t, "会议纪要")).fill("会议研究确定年度重点提案。")
    meeting.get_by_label(proposal.title).check()
    meeting.get_by_role("button", name=t("保存会议决定")).click()
    office.get_by_test_id("key-meeting").get_by_role("button", name=t("公布重点提案名单")).click()
    expect(office.get_by_test_id("key-meeting")).to_contain_text(t("已公布"))
    assert Proposal.objects.get(pk=proposal.pk).is_key


def add_supervisor(office, t):
    """From the published list to the supervision page; the conference leader 分管领导 (副主席) supervises."""
    office.get_by_test_id("key-chosen").get_by_role("link").click()
    leaders = office.locator("#act-supervisor")
    leaders.get_by_label(t("政协领导")).check()
    leaders.get_by_label(_label(t, "督办领导（平台用户）")).select_option(label="分管领导")
    leaders.get_by_label(_label(t, "职务")).fill("副主席")
    leaders.get_by_role("button", name=t("添加督办领导")).click()
    expect(office.get_by_test_id("supervisors")).to_contain_text("分管领导")


def _world(organization, language):
    units = [HandlingUnitFactory(organization=organization, name=n, short_name=n) for n in ("市住房局", "市城管局")]
    w = SimpleNamespace(
        org=organization,
        units=units,
        lead=make_user(Role.MEMBER, organization, username="lead", name="领衔委员", language=language),
        co1=make_user(Role.MEMBER, organization, username="co1", name="联名委员甲", language=language),
        staff=make_user(Role.PROPOSALS_STAFF, organization, username="pstaff", name="提案工作人员", language=language),
        supervisor=make_user(Role.SUPERVISOR, organization, username="supervisor", name="督办人员"),
        leader=make_user(Role.LEADER, organization, username="leader", name="分管领导", language=language),
    )
    w.officers = []
    for i, unit in enumerate(units):
        officer = make_user(None, None, username=f"officer{i}", name=f"{unit.name}经办人", language=language)
        RoleGrant.objects.create(user=officer, organization=organization, role=Role.UNIT_OFFICER, handling_unit=unit)
        w.officers.append(officer)
    return w


def open_as(browser, live_server, contexts, user, language, *, staff=True):
    """A browser session of its own for one role (staff past the second factor), kept in `contexts` to be closed;
    downloads accepted (the year's summary)."""
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    context.set_default_timeout(15000)
    contexts.append(context)
    page = context.new_page()
    if staff:
        staff_login(page, user, language)
    else:
        login(page, user.username, PASSWORD)
    return page


@pytest.mark.parametrize("language", LANGUAGES)
def test_key_proposal_selected_supervised_instructed_and_reported(browser, live_server, organization, language, axe):
    def t(text, **values):
        return tr(language, text, **values)

    w = _world(organization, language)
    chosen = make_proposal(w, title="关于加快老旧小区加装电梯的建议", to="handling")
    other = make_proposal(w, title="关于增设社区养老服务点的建议", to="handling")
    contexts = []

    def session(user, *, staff=True):
        return open_as(browser, live_server, contexts, user, language, staff=staff)

    try:
        # The office puts both forward from their pages; an empty reason is refused beside the field.
        office = session(w.staff)
        office.goto("/workbench/")
        office.get_by_role("navigation").get_by_role("link", name=t("提案"), exact=True).click()
        office.get_by_role("link", name=t("重点提案遴选")).first.click()
        expect(office.get_by_test_id("candidates")).to_contain_text(t("没有待决定的候选。"))
        for p, reason in ((chosen, "群众关注度高，涉及面广"), (other, "养老服务需求迫切")):
            office.goto(p.get_absolute_url())
            form = office.locator("#act-key-candidate")
            form.get_by_role("button", name=t("列入候选名单")).click()
            expect(office.locator(".field-error")).to_contain_text(t("请填写%(label)s。", label=t("推荐理由")))
            office.locator("#act-key-candidate").get_by_label(_label(t, "推荐理由")).fill(reason)
            office.locator("#act-key-candidate").get_by_role("button", name=t("列入候选名单")).click()
            expect(office.get_by_test_id("key-candidacy")).to_be_visible()
        assert KeyCandidate.objects.filter(status="proposed").count() == 2

        # The chairpersons' meeting: a date in the future is refused and what was typed stays; then it is recorded.
        office.get_by_test_id("key-candidacy").get_by_role("link").click()
        expect(office.get_by_test_id("candidates")).to_contain_text("养老服务需求迫切")
        meeting = office.locator("#act-key-meeting")
        meeting.get_by_label(_label(t, "会议名称")).fill("十四届政协第五次主席会议")
        tomorrow = timezone.localdate() + timedelta(days=1)
        meeting.get_by_label(_label(t, "会议日期")).fill(tomorrow.isoformat())
        meeting.get_by_label(_label(t, "会议纪要")).fill("会议研究确定年度重点提案。")
        meeting.get_by_label(chosen.title).check()
        meeting.get_by_role("button", name=t("保存会议决定")).click()
        expect(office.locator(".field-error")).to_contain_text(t("%(label)s不能晚于今天。", label=t("会议日期")))
        meeting = office.locator("#act-key-meeting")
        expect(meeting.get_by_label(_label(t, "会议纪要"))).to_have_value("会议研究确定年度重点提案。")
        assert not KeyMeeting.objects.exists()
        meeting.get_by_label(_label(t, "会议日期")).fill(timezone.localdate().isoformat())
        meeting.get_by_role("button", name=t("保存会议决定")).click()
        decided = office.get_by_test_id("key-meeting")
        expect(decided.get_by_test_id("key-chosen")).to_contain_text(chosen.title)
        expect(decided.get_by_test_id("key-not-chosen")).to_contain_text(other.title)
        assert list(Proposal.objects.filter(is_key=True)) == [chosen]
        decided.get_by_role("button", name=t("公布重点提案名单")).click()
        expect(office.get_by_test_id("key-meeting")).to_contain_text(t("已公布"))
        assert axe(office) == []

        # The office plans the supervision: the leader, and a milestone.
        add_supervisor(office, t)
        step = office.locator("#act-milestone")
        step.get_by_label(_label(t, "节点任务")).fill("完成加装电梯选址和居民意见征询")
        due = timezone.localdate() + timedelta(days=30)
        step.get_by_label(_label(t, "完成时限")).fill(due.isoformat())
        step.get_by_role("button", name=t("添加节点")).click()
        expect(office.get_by_test_id("milestone")).to_contain_text("完成加装电梯选址和居民意见征询")

        # The leader finds it on the workbench and writes an instruction.
        leader = session(w.leader)
        leader.goto("/workbench/")
        section = leader.locator('[data-section="proposals_leader"]')
        expect(section).to_contain_text(t("下一计划节点：%(what)s", what="完成加装电梯选址和居民意见征询"))
        section.get_by_role("link", name=re.compile(re.escape(chosen.title))).click()
        instruct = leader.locator("#act-instruction")
        instruct.get_by_label(_label(t, "批示内容")).fill("请市住房局抓紧推进，年底前见成效。")
        instruct.get_by_role("button", name=t("提交批示")).click()
        expect(leader.get_by_test_id("instructions")).to_contain_text("请市住房局抓紧推进，年底前见成效。")
        assert Instruction.objects.get().leader == w.leader

        # The lead unit reports progress on the milestone, from the proposal page.
        unit = session(w.officers[0])
        unit.goto("/workbench/")
        unit.locator('[data-section="proposals_unit"]').get_by_role(
            "link", name=re.compile(re.escape(chosen.title))
        ).click()
        unit.get_by_test_id("supervision-link").click()
        report = unit.locator("#act-progress")
        report.get_by_label(_label(t, "督办计划节点")).select_option(index=1)
        report.get_by_label(_label(t, "进展情况")).fill("已完成 12 个小区的选址，居民同意率 90%。")
        report.get_by_label(_label(t, "本节点已完成")).check()
        report.get_by_role("button", name=t("报告进展")).click()
        expect(unit.get_by_test_id("progress")).to_contain_text("已完成 12 个小区的选址")
        assert KeyProgress.objects.get().unit == w.units[0]

        # The page shows it all; the lead member reads it too.
        member = session(w.lead, staff=False)
        member.goto(chosen.get_absolute_url())
        member.get_by_test_id("supervision-link").click()
        expect(member.get_by_test_id("key-meeting")).to_contain_text("十四届政协第五次主席会议")
        expect(member.get_by_test_id("supervisors")).to_contain_text("副主席")
        expect(member.get_by_test_id("milestone")).to_contain_text(t("已完成"))
        expect(member.get_by_test_id("progress")).to_contain_text("市住房局")
        expect(member.get_by_test_id("instructions")).to_contain_text("分管领导")
        expect(member.locator("#act-instruction")).to_have_count(0)
        assert axe(unit) == [] and axe(member) == []
    finally:
        for context in contexts:
            context.close()

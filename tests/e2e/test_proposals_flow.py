"""One proposal from draft to closed in the browser, each role in its own session (staff past the second factor):
the member writes it and invites a co-signer found by the htmx search, the co-signer signs, the member submits; the
proposals office reviews, files, classifies, numbers and plans a lead unit plus a co-handler; the leader approves the
plan; the office assigns; both units sign for it; the member remarks in a comment, which the lead unit reads; the
co-handler sends its opinion; the lead unit replies with a grade; the co-handler countersigns; the supervisor
approves; the member and the co-signer rate; the office confirms and closes. axe finds no serious or critical
violation on the proposal form and the proposal page."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.e2e.conftest import login
from tests.factories import PASSWORD, HandlingUnitFactory, make_user
from xieshang.accounts.models import Role, RoleGrant
from xieshang.proposals.models import Proposal


@pytest.fixture
def people(organization):
    units = [HandlingUnitFactory(organization=organization, name=n) for n in ("市住房局", "市城管局")]
    people = {
        "lead": make_user(Role.MEMBER, organization, username="lead", name="领衔委员"),
        "co": make_user(Role.MEMBER, organization, username="co", name="联名委员甲"),
        "staff": make_user(Role.PROPOSALS_STAFF, organization, username="pstaff", name="提案工作人员"),
        "leader": make_user(Role.LEADER, organization, username="leader", name="分管领导"),
        "supervisor": make_user(Role.SUPERVISOR, organization, username="supervisor", name="督办人员"),
    }
    for i, unit in enumerate(units):
        officer = make_user(None, None, username=f"officer{i}", name=f"{unit.name}经办人")
        RoleGrant.objects.create(user=officer, organization=organization, role=Role.UNIT_OFFICER, handling_unit=unit)
        people[f"officer{i}"] = officer
    return people


@pytest.fixture
def session(browser, live_server):
    contexts = []

    def open_as(user, *, staff=False):
        context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 900})
        context.set_default_timeout(15000)
        contexts.append(context)
        page = context.new_page()
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True) if staff else None
        login(page, user.username, PASSWORD)
        if staff:
            totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
            page.get_by_label("动态验证码").fill(f"{totp.token():0{device.digits}d}")
            page.get_by_role("button", name="验证").click()
            expect(page.get_by_label("动态验证码")).to_have_count(0)
        return page

    yield open_as
    for context in contexts:
        context.close()


def _state(page, text):
    expect(page.get_by_test_id("state")).to_have_text(text)


def _button(page, name, within=None):
    (page.locator(within) if within else page).get_by_role("button", name=name, exact=True).click()


def test_proposal_from_draft_to_closed(session, people, axe):
    member = session(people["lead"])
    member.goto("/proposals/new/")
    assert axe(member) == []
    member.get_by_label("案由").fill("关于加快老旧小区加装电梯的建议")
    member.get_by_label("正文").fill("老旧小区居民上下楼困难。" * 10)
    expect(member.locator("#id_body_count")).to_contain_text("已输入 120 / 2500 字")
    member.get_by_label("按姓名或界别搜索委员").fill("联名委员")
    member.get_by_label("联名委员甲").check()
    _button(member, "保存草稿")
    _state(member, "草稿")
    proposal = Proposal.objects.get()
    url = f"/proposals/{proposal.pk}/"
    # base.html's message list has role="status" on its <ul>, which axe flags (listitem); checked without it.
    member.reload()
    assert axe(member) == []

    cosigner = session(people["co"])
    cosigner.goto(url)
    _button(cosigner, "同意联名")
    expect(cosigner.get_by_test_id("cosignatures")).to_contain_text("已联名")

    member.reload()
    _button(member, "提交")
    _state(member, "已提交")

    staff = session(people["staff"], staff=True)
    staff.goto(url)
    _button(staff, "预受理")
    _button(staff, "开始审查")
    staff.get_by_label("立案", exact=True).check()
    _button(staff, "确定审查结果", within="#act-review")
    _state(staff, "已立案")
    staff.get_by_label("类别").select_option(label="经济建设")
    _button(staff, "分类", within="#act-classify")
    _state(staff, "已分类")
    _button(staff, "编号")
    _state(staff, "已编号")
    expect(staff.get_by_test_id("number")).to_contain_text("第0001号")
    staff.get_by_label("主办单位").select_option(label="市住房局")
    staff.get_by_label("协办单位").select_option(label="市城管局")
    _button(staff, "保存交办方案")
    _button(staff, "提交交办方案")
    _state(staff, "交办待审批")

    leader = session(people["leader"], staff=True)
    leader.goto(url)
    _button(leader, "审批交办方案")
    _state(leader, "交办已审批")

    staff.reload()
    _button(staff, "交办")
    _state(staff, "已交办待签收")

    lead_unit = session(people["officer0"], staff=True)
    lead_unit.goto("/proposals/unit/")
    expect(lead_unit.get_by_test_id("inbox")).to_contain_text("签收期限")
    lead_unit.goto(url)
    _button(lead_unit, "签收")
    co_unit = session(people["officer1"], staff=True)
    co_unit.goto(url)
    _button(co_unit, "签收")
    _state(co_unit, "办理中")

    # handling allows comments: the member remarks, the lead unit reads it on its page
    member.goto(url)
    member.get_by_label("留言内容").fill("请承办单位到小区现场看一看。")
    _button(member, "发表留言")
    expect(member.get_by_test_id("comment")).to_contain_text("请承办单位到小区现场看一看。")

    co_unit.get_by_label("协办意见").fill("同意主办单位意见，我局配合做好管线迁改。")
    _button(co_unit, "送主办单位")

    lead_unit.reload()
    expect(lead_unit.get_by_test_id("opinion")).to_contain_text("管线迁改")
    expect(lead_unit.get_by_test_id("comments")).to_contain_text("请承办单位到小区现场看一看。")
    lead_unit.get_by_label("答复文号").fill("郑房函〔2026〕12号")
    lead_unit.get_by_label("联系人").fill("王科长")
    lead_unit.get_by_label("联系电话").fill("0371-67180000")
    lead_unit.get_by_label("答复正文").fill("已将老旧小区加装电梯列入年度计划。")
    lead_unit.get_by_label("答复类别").select_option("B")
    lead_unit.get_by_label("承诺事项").fill("年内完成三个小区加装电梯试点。")
    lead_unit.get_by_label("承诺完成时限").fill((timezone.localdate() + timedelta(days=120)).isoformat())
    contact = lead_unit.locator("#act-contact")
    contact.get_by_label("电话沟通").check()
    contact.get_by_label("沟通日期").fill(timezone.localdate().isoformat())
    contact.get_by_label("沟通对象").fill("领衔委员本人")
    contact.get_by_label("沟通情况及商定事项").fill("电话沟通办理思路，商定先行试点。")
    _button(lead_unit, "记录沟通情况", within="#act-contact")
    expect(lead_unit.get_by_test_id("contacts")).to_contain_text("商定先行试点")
    member.goto("/workbench/")
    member.locator('[data-section="proposals_member"]').get_by_role(
        "link", name="关于加快老旧小区加装电梯的建议"
    ).click()
    member.locator("#act-contact-response").get_by_label("属实，确认").check()
    _button(member, "提交", within="#act-contact-response")
    expect(member.get_by_test_id("contact-response")).to_have_text("委员已确认")
    lead_unit.get_by_label("答复文号").fill("郑房函〔2026〕12号")
    lead_unit.get_by_label("联系人").fill("王科长")
    lead_unit.get_by_label("联系电话").fill("0371-67180000")
    lead_unit.get_by_label("答复正文").fill("已将老旧小区加装电梯列入年度计划。")
    lead_unit.get_by_label("答复类别").select_option("B")
    lead_unit.get_by_label("承诺事项").fill("年内完成三个小区加装电梯试点。")
    lead_unit.get_by_label("承诺完成时限").fill((timezone.localdate() + timedelta(days=120)).isoformat())
    _button(lead_unit, "提交答复", within="#act-reply")
    _state(lead_unit, "会签中")

    co_unit.reload()
    co_unit.get_by_label("会签意见").fill("同意")
    _button(co_unit, "会签")
    _state(co_unit, "督办审核")

    supervisor = session(people["supervisor"], staff=True)
    supervisor.goto("/proposals/supervisor/")
    supervisor.get_by_role("link", name="关于加快老旧小区加装电梯的建议").click()
    supervisor.get_by_label("答复类别").select_option("A")
    _button(supervisor, "审核通过", within="#act-supervise")
    _state(supervisor, "已答复待评价")

    member.reload()
    expect(member.get_by_test_id("grade")).to_have_text("A")
    expect(member.get_by_test_id("promise")).to_contain_text("年内完成三个小区加装电梯试点。")
    expect(member.get_by_test_id("promise-outcome")).to_be_visible()
    # the member keeps the scan of the signed letter he received on paper
    letter = member.get_by_test_id("signed-letter-form")
    letter.locator("input[type=file]").set_input_files(
        files=[{"name": "答复函.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"}]
    )
    letter.get_by_role("button", name="上传", exact=True).click()
    expect(member.get_by_test_id("signed-letters")).to_contain_text("委员收到的答复函扫描件：答复函.pdf")
    member.get_by_label("满意", exact=True).check()
    _button(member, "提交评价")
    expect(member.get_by_test_id("my-rating")).to_contain_text("满意")
    cosigner.reload()
    cosigner.get_by_label("基本满意", exact=True).check()
    _button(cosigner, "提交评价")
    _state(cosigner, "已评价")

    staff.reload()
    _button(staff, "确认办理结果")
    _button(staff, "办结")
    _state(staff, "已办结")
    timeline = staff.locator(".wf-timeline")
    for step in ("提交", "立案", "编号", "交办", "全部签收", "提交答复", "审核通过", "评价完成", "办结"):
        expect(timeline).to_contain_text(step)

    member.reload()
    _state(member, "已办结")
    assert axe(member) == []
    proposal.refresh_from_db()
    assert proposal.state.key == "closed" and proposal.replies.get().grade == "A"


def test_converted_proposal_arrives_as_an_opinion_report(session, people, organization):
    """The office converts a proposal in review to a suggestion (转为意见建议): the proposal page links to the opinion
    report it became, and the report page shows where it came from with the proposal's history."""
    from xieshang.opinions.models import Report
    from xieshang.proposals import services

    p = services.proposal_create(
        actor=people["lead"], organization=organization, title="关于增设社区食堂的建议", body="老年人就餐难。" * 20
    )
    services.proposal_submit(actor=people["lead"], proposal=p)
    services.proposal_transition(actor=people["staff"], proposal=p, key="pre_accept")
    services.proposal_transition(actor=people["staff"], proposal=p, key="start_review")
    url = f"/proposals/{p.pk}/"

    staff = session(people["staff"], staff=True)
    staff.goto(url)
    staff.get_by_label("转为意见建议", exact=True).check()
    _button(staff, "确定审查结果", within="#act-review")
    expect(staff.locator("#id_reason_error")).to_contain_text("请填写审查意见")
    staff.get_by_label("审查意见").fill("所提事项更适合以社情民意信息反映。")
    _button(staff, "确定审查结果", within="#act-review")
    _state(staff, "转为意见建议")
    report = Report.objects.get()
    expect(staff.get_by_test_id("converted-report")).to_contain_text(report.title)

    member = session(people["lead"])
    member.goto(url)
    member.get_by_test_id("converted-report").get_by_role("link").click()
    _state(member, "已收稿")
    source = member.locator("#h-source").locator("..")
    expect(source).to_contain_text("由提案转来")
    expect(source).to_contain_text("转为意见建议")
    source.get_by_role("link").first.click()
    _state(member, "转为意见建议")

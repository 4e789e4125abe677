"""Journeys of members: a member writes and submits a proposal and a public-opinion report, then reads his duty
record; a standing member answers a consultation invitation and speaks on its live page; a partner city's member
does the same in a cross-region consultation hosted by another city."""

import datetime

from playwright.sync_api import expect

from tests.factories import OrganizationFactory, make_user
from xieshang.accounts.models import Partnership, Role
from xieshang.consultations import services as consultations
from xieshang.consultations.models import LiveMessage
from xieshang.opinions.models import Report
from xieshang.proposals.models import Proposal


def _menu(guard, label):
    page = guard.page
    nav = page.get_by_role("navigation", name=guard._("主菜单"))
    expect(nav).to_be_visible()
    link = nav.get_by_role("link", name=label, exact=True)
    if not link.is_visible():  # inside a folded group of the menu: open the group whose (hidden) link it is
        hidden = page.get_by_role("link", name=label, exact=True, include_hidden=True)
        nav.locator("details", has=hidden).locator("summary").click()
    link.click()


def test_member_writes_a_proposal_and_a_report(walk, organization):
    member = make_user(Role.MEMBER, organization, username="member", name="张委员")
    title = "关于加快老旧小区加装电梯的建议"
    report_title = "关于规范社区停车收费的建议"
    guard = walk(member, data={title, report_title})
    page, _ = guard.page, guard._

    _menu(guard, _("提案"))
    guard.check("proposals index")
    page.get_by_role("link", name=_("撰写提案")).click()
    guard.check("proposal form")
    # A body left empty is refused beside the field, the title kept.
    page.get_by_label(_("案由")).fill(title)
    page.get_by_role("button", name=_("提交"), exact=True).click()
    expect(page.get_by_label(_("案由"))).to_have_value(title)
    guard.check("proposal form refused")
    body = "老旧小区居民上下楼困难，建议统筹资金、简化审批。"
    guard.data.add(body)
    page.get_by_label(_("正文")).fill(body * 4)
    page.get_by_role("button", name=_("提交"), exact=True).click()
    expect(page.get_by_test_id("state")).to_have_text(guard.name("已提交"))
    guard.check("proposal page")
    assert Proposal.objects.get().title == title

    _menu(guard, _("社情民意"))
    guard.check("opinions")
    page.get_by_role("link", name=_("报送信息")).click()
    guard.check("report form")
    page.get_by_label(_("标题")).fill(report_title)
    guard.data |= {"部分社区停车收费标准不一，群众意见较大。", "建议统一公示收费标准。"}
    page.get_by_label(_("正文")).fill("部分社区停车收费标准不一，群众意见较大。\n建议统一公示收费标准。")
    page.get_by_role("button", name=_("报送")).click()
    expect(page.get_by_test_id("state")).to_have_text(guard.name("已收稿"))
    guard.check("report page")
    assert Report.objects.get().title == report_title

    _menu(guard, _("我的履职"))
    expect(page.get_by_test_id("duty-total")).to_be_visible()
    guard.check("duty record")


def _invited_to_live(walk, user, consultation, title):
    from tests.consultations.conftest import PAYLOADS

    guard = walk(user, data={title, *(v for p in PAYLOADS.values() for v in p.values())})
    page, _ = guard.page, guard._
    page.get_by_role("link", name=title).first.click()
    expect(page.get_by_test_id("my-invitation")).to_have_text(_("已受邀，尚未报名"))
    guard.check("consultation page")
    page.get_by_label(_("线上参加")).check()
    page.get_by_role("button", name=_("报名"), exact=True).click()
    expect(page.get_by_test_id("my-invitation")).to_contain_text(_("线上参加"))
    guard.check("registered")
    page.get_by_role("link", name=_("网络参与：发言与提问")).click()
    guard.check("live page")
    guard.data.add("建议把城际公交纳入一体化规划。")
    page.locator("#live-form").get_by_label(_("内容")).fill("建议把城际公交纳入一体化规划。")
    page.get_by_role("button", name=_("发送")).click()
    # The feed also refreshes every 4 s: on a loaded machine the first refresh may come after expect's 5 s.
    expect(page.get_by_test_id("live-feed")).to_contain_text("建议把城际公交纳入一体化规划。", timeout=15_000)
    guard.check("live page after posting")
    assert LiveMessage.objects.get().author == user


def _consultation(staff, organization, title, **kwargs):
    from tests.consultations.conftest import advance

    c = consultations.consultation_create(
        actor=staff,
        organization=organization,
        title=title,
        planned_date=datetime.date.today(),
        venue="市政协",
        **kwargs,
    )
    return advance({"propose": staff, "approve": staff}, c, "propose", "approve")


def test_standing_member_registers_and_speaks(walk, organization, consultation_defaults):
    staff = make_user(Role.COMMITTEE_STAFF, organization, username="committee")
    standing = make_user(Role.STANDING_MEMBER, organization, username="standing", name="王常委")
    title = "推进城市更新专题协商"
    c = _consultation(staff, organization, title, kind="bimonthly")
    consultations.invite(actor=staff, consultation=c, users=[standing])
    _invited_to_live(walk, standing, c, title)


def test_partner_city_member_takes_part_in_a_cross_region_consultation(walk, organization, consultation_defaults):
    kaifeng = OrganizationFactory(name="开封市政协", short_name="开封", code="kf")
    Partnership.objects.create(title="郑开同城").organizations.set([organization, kaifeng])
    zz_staff = make_user(Role.COMMITTEE_STAFF, organization, username="zzstaff")
    kf_staff = make_user(Role.COMMITTEE_STAFF, kaifeng, username="kfstaff")
    kf_member = make_user(Role.MEMBER, kaifeng, username="kfmember", name="开封李委员")
    title = "郑开同城交通一体化"
    c = _consultation(zz_staff, organization, title, kind="cross_region", hosts=[kaifeng])
    consultations.invite(actor=kf_staff, consultation=c, users=[kf_member])
    _invited_to_live(walk, kf_member, c, title)

"""Browser tests of consultations and community rooms: a resident raises a topic (a missing title is refused beside
the field, the text typed kept), a neighbour supports it, the resident votes in the room's conversation and rates
the finished outcome; a member checks in on a phone through the URL the QR code encodes (too early: told when
check-in opens; in the window: checked in, the duty record dated at the meeting), in Chinese and in English; a
five-city consultation seen by two of its hosts, each seeing only its own people; an online participant's question
reaching the live page of the others without a reload; staff publishing a report and a photo that the public portal
then shows."""

import datetime
import re

import pytest
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.consultations.conftest import advance, starting_in
from tests.e2e.conftest import login
from tests.factories import PASSWORD, CommunityFactory, HandlingUnitFactory, OrganizationFactory, make_user
from xieshang.accounts.models import Partnership, Role, RoleGrant
from xieshang.consultations import services
from xieshang.consultations.models import LiveMessage, Outcome, Rating, Support, Topic
from xieshang.deliberation.models import Vote
from xieshang.duties.models import DutyEntry


@pytest.fixture(autouse=True)
def _defaults(db):
    """live_server tests flush the database between tests, data migrations included: install our defaults again."""
    from xieshang.consultations.workflows import DUTY_RULES, WORKFLOWS
    from xieshang.duties.models import DutyRule
    from xieshang.workflow.definitions import install_workflow

    for definition in WORKFLOWS:
        install_workflow(definition, overwrite=False)
    for key, kind, label, points in DUTY_RULES:
        DutyRule.objects.get_or_create(
            organization=None, key=key, defaults={"kind": kind, "label": label, "points": points}
        )


def _staff_login(page, user):
    device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    login(page, user.username, PASSWORD)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    page.get_by_label("动态验证码").fill(f"{totp.token():0{device.digits}d}")
    page.get_by_role("button", name="验证").click()


@pytest.fixture
def room_setup(organization):
    staff = make_user(Role.COMMITTEE_STAFF, organization, username="committee")
    convener = make_user(Role.CITIZEN, organization, username="convener")
    community = CommunityFactory(organization=organization, name="黄河路社区")
    room = services.room_create(actor=staff, community=community, convener=convener)
    unit = HandlingUnitFactory(organization=organization, name="市城管局")
    officer = make_user(None, username="officer")
    RoleGrant.objects.create(user=officer, organization=organization, role=Role.UNIT_OFFICER, handling_unit=unit)
    return room, convener, unit, officer


def test_resident_raises_supports_votes_and_rates(phone_page, browser, live_server, organization, room_setup, axe):
    room, convener, unit, officer = room_setup
    resident = make_user(Role.CITIZEN, organization, username="resident")
    neighbour = make_user(Role.CITIZEN, organization, username="neighbour")
    page = phone_page
    login(page, "resident", PASSWORD)
    page.goto(room.get_absolute_url())
    form = page.get_by_test_id("raise-form")
    form.get_by_label("具体情况").fill("南门到公交站的路灯坏了")
    form.get_by_role("button", name="提出议题").click()
    expect(page.locator(".field-error")).to_contain_text("请填写议题标题")
    expect(page.get_by_label("具体情况")).to_have_value("南门到公交站的路灯坏了")
    assert not Topic.objects.exists()
    page.get_by_label("议题标题").fill("小区南门夜间照明不足")
    page.get_by_test_id("raise-form").get_by_role("button", name="提出议题").click()
    expect(page.get_by_test_id("state")).to_have_text("征集中")
    topic = Topic.objects.get()
    # Reloaded without the flash message: templates/base.html's <ul role="status"> fails axe's listitem rule.
    page.reload()
    assert axe(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # The neighbour supports it, once.
    other = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 390, "height": 844})
    npage = other.new_page()
    login(npage, "neighbour", PASSWORD)
    npage.goto(topic.get_absolute_url())
    npage.get_by_role("button", name="我也支持").click()
    expect(npage.get_by_test_id("supported")).to_be_visible()
    expect(npage.get_by_test_id("support-count")).to_contain_text("1 人支持")
    assert Support.objects.filter(topic=topic, user=neighbour).count() == 1
    other.close()

    # The convener selects it and opens a conversation; the resident votes there.
    services.topic_prepare(actor=convener, topic=topic, participants=[resident, neighbour], form="online")
    topic = Topic.objects.get(pk=topic.pk)
    services.topic_open_conversation(actor=convener, topic=topic, seed_statements=["先修路灯", "加装监控"])
    page.goto(topic.get_absolute_url())
    page.get_by_test_id("conversation-link").click()
    page.get_by_role("button", name="赞同").click()
    expect(page.get_by_test_id("vote-card")).to_contain_text("已表态 1 / 2")
    assert Vote.objects.filter(participant__user=resident).count() == 1

    # The outcome is agreed and carried out; before it is done the resident cannot rate it.
    topic = advance({"hold": convener}, topic, "hold")
    outcome = services.topic_outcome_add(actor=convener, topic=topic, title="修复南门路灯", owner_unit=unit)
    advance({"agree": convener}, topic, "agree")
    outcome = advance({"send": convener, "adopt": officer, "implement": officer}, outcome, "send", "adopt", "implement")
    page.goto(outcome.get_absolute_url())
    expect(page.get_by_test_id("rating-form")).to_have_count(0)
    services.progress_add(actor=officer, outcome=outcome, text="已更换 6 盏路灯", percent=100)
    advance({"complete": officer}, Outcome.objects.get(pk=outcome.pk), "complete")
    page.reload()
    rating_form = page.get_by_test_id("rating-form")
    rating_form.get_by_role("button", name="提交评价").click()
    expect(page.locator(".field-error")).to_contain_text("请选择")
    page.get_by_label("满意", exact=True).check()
    page.get_by_test_id("rating-form").get_by_role("button", name="提交评价").click()
    expect(page.get_by_test_id("my-rating")).to_contain_text("满意")
    assert Rating.objects.get(outcome=outcome, user=resident).score == 3


def test_member_checks_in_by_qr_on_a_phone(page, phone_page, organization):
    from xieshang.core.checkin import qr_svg

    staff = make_user(Role.COMMITTEE_STAFF, organization, username="committee")
    member = make_user(Role.MEMBER, organization, username="member")
    c = services.consultation_create(
        actor=staff,
        organization=organization,
        kind="bimonthly",
        title="推进城市更新",
        planned_date=timezone.localdate(),  # no start time: check-in is open on the planned day
        venue="市政协",
    )
    services.invite(actor=staff, consultation=c, users=[member])
    advance({"propose": staff, "approve": staff}, c, "propose", "approve")

    _staff_login(page, staff)
    page.goto(f"/consultations/{c.pk}/checkin-code/")
    url = page.get_by_test_id("checkin-url").inner_text()
    svg = page.get_by_test_id("qr").inner_html()
    # The SVG on the page is the QR code of exactly this URL.
    path_of = re.compile(r'<path[^>]* d="([^"]+)"')
    assert path_of.search(svg).group(1) == path_of.search(qr_svg(url)).group(1)

    login(phone_page, "member", PASSWORD)
    phone_page.goto(url)
    phone_page.get_by_role("button", name="确认签到").click()
    expect(phone_page.get_by_test_id("checked-in")).to_contain_text("签到成功")
    assert DutyEntry.objects.filter(member=member, rule_key="consultation_attendance").count() == 1
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390

    # A code that is not valid is refused with a clear message.
    phone_page.goto(url[:-3] + "abc/")
    expect(phone_page.get_by_test_id("checkin-error")).to_contain_text("签到码无效")


def test_five_city_consultation_seen_from_two_hosts(browser, live_server, organization):
    cities = [
        OrganizationFactory(name=f"{n}市政协", short_name=n, code=code)
        for n, code in [("开封", "kf"), ("新乡", "xx"), ("焦作", "jz"), ("许昌", "xc")]
    ]
    Partnership.objects.create(title="郑开新焦许").organizations.set([organization, *cities])
    zz_staff = make_user(Role.COMMITTEE_STAFF, organization, username="zzstaff")
    kf_staff = make_user(Role.COMMITTEE_STAFF, cities[0], username="kfstaff")
    zz_member = make_user(Role.MEMBER, organization, name="郑州甲委员")
    kf_member = make_user(Role.MEMBER, cities[0], name="开封乙委员")
    c = services.consultation_create(
        actor=zz_staff,
        organization=organization,
        kind="cross_region",
        title="郑开新焦许交通一体化",
        planned_date=datetime.date.today() + datetime.timedelta(days=30),
        hosts=cities,
        venue="开封",
    )
    c = advance({"propose": zz_staff, "approve": zz_staff}, c, "propose", "approve")
    services.invite(actor=zz_staff, consultation=c, users=[zz_member])
    services.invite(actor=kf_staff, consultation=c, users=[kf_member])
    services.segment_add(actor=kf_staff, consultation=c, kind="briefing", title="开封市交通局通报")
    starting_in(c, 30)  # live posts open an hour before the meeting
    services.live_post(actor=kf_member, consultation=c, text="建议开通城际公交")
    for staff, own, foreign in ((zz_staff, zz_member, kf_member), (kf_staff, kf_member, zz_member)):
        context = browser.new_context(base_url=live_server.url, locale="zh-CN")
        page = context.new_page()
        _staff_login(page, staff)
        page.goto(c.get_absolute_url())
        expect(page.get_by_test_id("hosts")).to_contain_text("许昌")
        expect(page.get_by_test_id("agenda")).to_contain_text("开封市交通局通报")
        expect(page.get_by_test_id("invitations")).to_contain_text(own.display_name)
        expect(page.locator("main")).not_to_contain_text(foreign.display_name)
        page.goto(f"/consultations/{c.pk}/live/")
        expect(page.get_by_test_id("live-feed")).to_contain_text("建议开通城际公交")
        context.close()


def test_live_page_shows_a_question_from_an_online_participant(page, phone_page, organization):
    staff = make_user(Role.COMMITTEE_STAFF, organization, username="committee")
    member = make_user(Role.MEMBER, organization, username="member", name="线上张委员")
    make_user(Role.MEMBER, organization, username="bystander")
    c = services.consultation_create(
        actor=staff,
        organization=organization,
        kind="online",
        title="推进数字政府建设",
        planned_date=timezone.localdate(),
        video_link="https://meeting.example.cn/zz/1",
    )
    services.invite(actor=staff, consultation=c, users=[member], mode="online")
    advance({"propose": staff, "approve": staff}, c, "propose", "approve")

    # The staff's screen at the venue shows the live page and is not reloaded.
    _staff_login(page, staff)
    page.goto(f"/consultations/{c.pk}/live/")
    expect(page.get_by_test_id("live-feed")).to_contain_text("暂无发言")
    page.evaluate("window.__notReloaded = true")

    login(phone_page, "member", PASSWORD)
    phone_page.goto(f"/consultations/{c.pk}/live/")
    phone_page.get_by_role("button", name="发送").click()
    expect(phone_page.locator("#live-form .field-error")).to_contain_text("请填写内容")
    assert not LiveMessage.objects.exists()
    phone_page.get_by_label("类型").select_option(label="提问")
    phone_page.get_by_label("内容").fill("政务服务“一网通办”何时覆盖到社区？")
    phone_page.get_by_role("button", name="发送").click()
    expect(phone_page.get_by_label("内容")).to_have_value("")
    message = LiveMessage.objects.get()
    assert (message.author, message.kind) == (member, "question")

    # htmx polling brings it to the venue's screen (every 4 s) without a reload.
    feed = page.get_by_test_id("live-feed")
    expect(feed).to_contain_text("政务服务“一网通办”何时覆盖到社区？", timeout=12000)
    expect(feed).to_contain_text("线上张委员")
    expect(feed).to_contain_text("提问")
    assert page.evaluate("window.__notReloaded") is True
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390

    # Someone not invited reads the page but has no form to post with.
    phone_page.context.clear_cookies()
    login(phone_page, "bystander", PASSWORD)
    phone_page.goto(f"/consultations/{c.pk}/live/")
    expect(phone_page.get_by_test_id("live-feed")).to_contain_text("一网通办")
    expect(phone_page.locator("#live-form")).to_have_count(0)


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_member_scanning_too_early_is_told_when_then_checks_in_dated_at_the_meeting(
    phone_page, organization, monkeypatch, lang
):
    """A meeting at 00:20 (window from 23:20 the evening before): scanned at 23:18 the member is told when check-in
    opens; at 23:35 he checks in, and his duty record names the meeting's day, not the evening he checked in."""
    from xieshang.core.windows import when

    staff = make_user(Role.COMMITTEE_STAFF, organization, username="committee")
    member = make_user(Role.MEMBER, organization, username="member", language=lang)
    day = timezone.localdate() + datetime.timedelta(days=3)
    starts_at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(0, 20)))
    c = services.consultation_create(
        actor=staff,
        organization=organization,
        kind="bimonthly",
        title="推进城市更新",
        planned_date=day,
        starts_at=starts_at,
        venue="市政协",
    )
    services.invite(actor=staff, consultation=c, users=[member])
    advance({"propose": staff, "approve": staff}, c, "propose", "approve")
    url = f"/consultations/checkin/{services.checkin_token(c)}/"
    english = lang == "en"

    # The live server runs in this process: its clock is the one set here.
    monkeypatch.setattr(timezone, "now", lambda: starts_at - datetime.timedelta(minutes=62))
    login(phone_page, "member", PASSWORD)
    phone_page.goto(url)
    closed = phone_page.get_by_test_id("checkin-closed")
    opens = when(starts_at - datetime.timedelta(minutes=60))
    expect(closed).to_contain_text(f"Check-in opens at {opens}" if english else f"签到将于 {opens} 开始")
    confirm = phone_page.get_by_role("button", name="Confirm check-in" if english else "确认签到")
    expect(confirm).to_have_count(0)
    assert not DutyEntry.objects.filter(member=member).exists()

    monkeypatch.setattr(timezone, "now", lambda: starts_at - datetime.timedelta(minutes=45))
    phone_page.reload()
    confirm.click()
    expect(phone_page.get_by_test_id("checked-in")).to_be_visible()
    assert DutyEntry.objects.get(member=member, rule_key="consultation_attendance").occurred_on == day

    phone_page.goto("/duties/")
    row = phone_page.get_by_test_id("duty-entries").locator("tr", has_text="推进城市更新")
    expect(row).to_contain_text(day.isoformat())
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390

"""Browser test of plenary sessions (#13), in both languages: committee staff create a plenary session from the menu
through the real form (a refusal first, what was typed kept), add the agenda and send the notice; one member asks
for leave from his workbench, staff approve it from theirs; another member submits a written speech from "my
sessions", staff select it, he checks in on his phone through the URL the QR code encodes, staff record the speech
delivered and a resolution's vote (a count above those present refused first) and close the session. The duty file
holds what each earned."""

import datetime
import re

import pytest
from django.utils import timezone, translation
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.factories import PASSWORD, make_user
from xieshang.accounts.models import Role
from xieshang.assemblies.defaults import install
from xieshang.assemblies.models import Attendance, Session, Speech, Vote
from xieshang.duties.models import DutyEntry, DutyRule

TITLE = "政协第十四届委员会第五次会议"
SPEECH = "推动黄河流域生态保护和高质量发展"


@pytest.fixture(autouse=True)
def _defaults(db):
    """live_server tests flush the database between tests, data migrations included: install our rules again."""
    install(DutyRule)


class Words:
    """The page's words in the language under test, from the same catalogue the pages use."""

    def __init__(self, language: str):
        self.language = language

    def __call__(self, text: str, **values) -> str:
        with translation.override(self.language):
            return translation.gettext(text) % values if values else translation.gettext(text)


def _exactly(label: str):
    """A label by its whole text (the form adds a colon)."""
    return re.compile(rf"^{re.escape(label)}[:：]?$")


def _context(browser, live_server, language, **kwargs):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", **kwargs)
    context.add_cookies([{"name": "xieshang_language", "value": language, "url": live_server.url}])
    context.set_default_timeout(15000)
    return context


def _login(page, t, user):
    page.goto("/accounts/login/")
    page.get_by_label(t("用户名或手机号")).fill(user.username)
    page.get_by_label(t("密码")).fill(PASSWORD)
    page.get_by_role("button", name=t("登录")).click()


def _staff_login(page, t, user):
    device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    _login(page, t, user)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    page.get_by_label(t("动态验证码")).fill(f"{totp.token():0{device.digits}d}")
    page.get_by_role("button", name=t("验证")).click()


def _create_session(page, t):
    page.goto("/workbench/")
    page.get_by_role("navigation").get_by_role("link", name=t("全会与常委会"), exact=True).click()
    page.get_by_test_id("new-session").click()
    starts = timezone.localtime() + datetime.timedelta(hours=2)
    form = page.get_by_test_id("session-form")
    form.get_by_label(t("会议类型")).select_option(label=t("全体会议"))
    form.get_by_label(t("届次")).fill("14")
    form.get_by_label(t("会次")).fill("5")
    form.get_by_label(t("地点")).fill("市会议中心")
    form.get_by_label(t("开幕时间")).fill(starts.strftime("%Y-%m-%dT%H:%M"))
    form.get_by_label(t("闭幕时间")).fill((starts + datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"))
    form.get_by_role("button", name=t("保存")).click()
    expect(page.locator(".field-error")).to_contain_text(t("请填写%(label)s。", label=t("会议名称")))
    expect(page.get_by_label(t("地点"))).to_have_value("市会议中心")
    assert not Session.objects.exists()
    page.get_by_label(t("会议名称")).fill(TITLE)
    page.get_by_test_id("session-form").get_by_role("button", name=t("保存")).click()
    expect(page.get_by_test_id("state")).to_have_text(t("筹备中"))
    page.get_by_text(t("添加议程"), exact=True).click()
    agenda = page.get_by_test_id("agenda-form")
    agenda.get_by_label(t("议程")).fill("听取和审议常委会工作报告")
    agenda.get_by_role("button", name=t("添加")).click()
    expect(page.get_by_test_id("agenda")).to_contain_text("听取和审议常委会工作报告")
    page.get_by_test_id("publish").click()
    expect(page.get_by_test_id("state")).to_have_text(t("已发通知"))
    return Session.objects.get()


def _ask_leave(browser, live_server, t, language, session):
    context = _context(browser, live_server, language)
    page = context.new_page()
    _login(page, t, session.attendances.get(member__username="absentee").member)
    section = page.locator('[data-section="assemblies_member"]')
    section.get_by_role("link", name=TITLE).click()
    page.get_by_text(t("请假"), exact=True).click()
    page.get_by_test_id("leave-form").get_by_role("button", name=t("提交请假")).click()
    expect(page.locator(".field-error")).to_contain_text(t("请填写%(label)s。", label=t("请假理由")))
    page.get_by_label(t("请假理由")).fill("赴京参加全国政协会议")
    page.get_by_test_id("leave-form").get_by_role("button", name=t("提交请假")).click()
    expect(page.get_by_test_id("my-status")).to_contain_text(t("请假待批"))
    context.close()


def _submit_speech(browser, live_server, t, language, session):
    context = _context(browser, live_server, language)
    page = context.new_page()
    _login(page, t, session.attendances.get(member__username="speaker").member)
    page.locator("nav.main-nav summary", has_text=t("履职")).click()  # the member's duty pages, folded
    page.locator("nav.main-nav").get_by_role("link", name=t("我的会议")).click()
    page.get_by_test_id(f"mine-{session.pk}").get_by_role("link", name=TITLE).click()
    page.get_by_text(t("提交大会发言"), exact=True).click()
    form = page.get_by_test_id("speech-form")
    form.get_by_label(t("发言题目")).fill(SPEECH)
    form.get_by_label(t("发言稿")).fill("建议建立黄河流域横向生态补偿机制，统筹上下游治理。")
    form.get_by_role("button", name=t("提交发言")).click()
    expect(page.get_by_test_id("speeches")).to_contain_text(SPEECH)
    expect(page.get_by_test_id("speeches")).to_contain_text(t("书面发言"))
    context.close()


def _record_vote(page, t):
    page.get_by_text(t("登记表决结果"), exact=True).click()
    form = page.get_by_test_id("vote-form")
    form.get_by_label(t("表决类型")).select_option(label=t("决议表决"))
    form.get_by_label(t("表决方式")).select_option(label=t("举手表决"))
    form.get_by_label(t("表决事项")).fill("关于常委会工作报告的决议")
    form.get_by_label(t("实到人数")).fill("1")
    form.get_by_label(_exactly(t("赞成"))).fill("1")
    form.get_by_label(_exactly(t("反对"))).fill("1")
    form.get_by_label(_exactly(t("弃权"))).fill("0")
    form.get_by_role("button", name=t("登记"), exact=True).click()
    expect(page.locator(".field-error")).to_contain_text(
        t("赞成、反对、弃权合计 %(n)d 票，超过实到人数 %(p)d。", n=2, p=1)
    )
    assert not Vote.objects.exists()
    expect(page.get_by_label(t("表决事项"))).to_have_value("关于常委会工作报告的决议")
    page.get_by_test_id("vote-form").get_by_label(_exactly(t("反对"))).fill("0")
    page.get_by_test_id("vote-form").get_by_role("button", name=t("登记"), exact=True).click()
    votes = page.get_by_test_id("votes")
    expect(votes).to_contain_text(t("赞成 %(f)s，反对 %(a)s，弃权 %(b)s", f=1, a=0, b=0))
    # One of the two members voted for: not more than half of all the session's members (全体委员过半数).
    expect(votes).to_contain_text(t("未通过"))


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_plenary_leave_speech_check_in_and_vote(page, browser, live_server, organization, language, axe):
    t = Words(language)
    staff = make_user(Role.COMMITTEE_STAFF, organization, username="committee", name="赵工作", language=language)
    absentee = make_user(Role.MEMBER, organization, username="absentee", name="李委员", language=language)
    speaker = make_user(Role.STANDING_MEMBER, organization, username="speaker", name="孙常委", language=language)
    page.context.add_cookies([{"name": "xieshang_language", "value": language, "url": live_server.url}])

    _staff_login(page, t, staff)
    session = _create_session(page, t)
    assert set(session.attendances.values_list("member__username", flat=True)) == {"absentee", "speaker"}
    _ask_leave(browser, live_server, t, language, session)
    _submit_speech(browser, live_server, t, language, session)

    # Staff approve the leave from the workbench and select the speech for oral delivery.
    page.goto("/workbench/")
    requests = page.locator('[data-section="assemblies_staff"]')
    expect(requests).to_contain_text("赴京参加全国政协会议")
    requests.get_by_role("link", name=t("%(name)s 请假：%(title)s", name="李委员", title=TITLE)).click()
    page.get_by_test_id("attendance-absentee").get_by_role("button", name=t("准假"), exact=True).click()
    expect(page.get_by_test_id("attendance-absentee")).to_contain_text(t("已准假"))
    speech = Speech.objects.get()
    page.get_by_test_id(f"speech-{speech.pk}").get_by_role("button", name=t("安排口头发言")).click()
    expect(page.get_by_test_id(f"speech-{speech.pk}")).to_contain_text(t("安排口头发言"))

    # The session opened half an hour ago (the clock moved by the test): the speaker checks in on his phone.
    opened = timezone.now() - datetime.timedelta(minutes=30)
    Session.objects.filter(pk=session.pk).update(starts_at=opened, ends_at=opened + datetime.timedelta(days=2))
    page.reload()
    page.get_by_test_id("checkin-code").click()
    url = page.get_by_test_id("checkin-url").inner_text()
    phone = _context(browser, live_server, language, viewport={"width": 390, "height": 844}, is_mobile=True)
    phone_page = phone.new_page()
    _login(phone_page, t, speaker)
    phone_page.goto(url)
    phone_page.get_by_role("button", name=t("确认签到")).click()
    expect(phone_page.get_by_test_id("checked-in")).to_be_visible()
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    phone.close()

    # Staff record the speech delivered and the vote, then close the session.
    page.go_back()
    page.reload()
    expect(page.get_by_test_id("attendance-speaker")).to_contain_text(t("已出席"))
    page.get_by_test_id(f"speech-{speech.pk}").get_by_role("button", name=t("登记已发言")).click()
    expect(page.get_by_test_id(f"speech-{speech.pk}")).to_contain_text(t("已口头发言"))
    _record_vote(page, t)
    assert axe(page) == []
    page.get_by_test_id("close").click()
    expect(page.get_by_test_id("state")).to_have_text(t("已闭会"))

    session.refresh_from_db()
    earned = dict(DutyEntry.objects.filter(member=speaker).values_list("rule_key", "points"))
    assert earned == {"session_attend": 5, "session_speech_submitted": 2, "session_speech_delivered": 5}
    attend = DutyEntry.objects.get(member=speaker, rule_key="session_attend")
    assert attend.occurred_on == session.occurred_on
    assert not DutyEntry.objects.filter(member=absentee).exists()  # excused: no penalty
    assert Attendance.objects.get(member=absentee).status == Attendance.Status.LEAVE_APPROVED

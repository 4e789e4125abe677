"""Browser test of members' activities (#13), in Chinese and in English: committee staff create a research visit from
the menu through the real form and invite two members; one member signs up from "my activities", the other asks for
leave with a reason; staff approve the leave from the workbench; the first member checks in on a phone through the
URL the QR code encodes, and his duty file shows the points dated at the activity, not at the day he checked in.
Kind names are data (an organization's own words), so they stay as entered in both languages."""

import datetime
import re

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.e2e.conftest import login
from tests.factories import PASSWORD, make_user
from xieshang.accounts.models import Role
from xieshang.activities.defaults import install
from xieshang.activities.models import Activity, ActivityKind, Participation
from xieshang.duties.models import DutyEntry, DutyRule


@pytest.fixture(autouse=True)
def _defaults(db):
    """live_server tests flush the database between tests, data migrations included: install our defaults again."""
    from xieshang.duties.defaults import DEFAULT_RULES

    for key, kind, label, points, cap in DEFAULT_RULES:
        DutyRule.objects.get_or_create(
            organization=None, key=key, defaults={"kind": kind, "label": label, "points": points, "cap_per_year": cap}
        )
    install(ActivityKind, DutyRule)


LANGUAGES = ["zh-hans", "en"]
CHECKED_IN = {"zh-hans": "签到成功", "en": "Checked in"}


def tr(language, text, **values):
    """The page's words in `language`, from the catalogue the pages use."""
    with translation.override(language):
        out = gettext(text)
    return out % values if values else out


def staff_login(page, user, language="zh-hans"):
    device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    login(page, user.username, PASSWORD)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    page.get_by_label(tr(language, "动态验证码")).fill(f"{totp.token():0{device.digits}d}")
    page.get_by_role("button", name=tr(language, "验证")).click()


@pytest.mark.parametrize("language", LANGUAGES)
def test_create_sign_up_leave_and_check_in(page, phone_page, browser, live_server, organization, language):
    def t(text, **values):
        return tr(language, text, **values)

    staff = make_user(Role.COMMITTEE_STAFF, organization, username="committee", name="赵工作", language=language)
    attendee = make_user(Role.MEMBER, organization, username="attendee", name="孙委员", language=language)
    absentee = make_user(Role.MEMBER, organization, username="absentee", name="李委员", language=language)
    # The organization's research visits accept check-in for three days after the start (a data edit, no code).
    ActivityKind.objects.create(
        organization=organization,
        key="research",
        name="调研",
        uses_report=True,
        attendance_rule_key="activity_research",
        leader_rule_key="activity_research_lead",
        checkin_after_minutes=3 * 24 * 60,
    )

    # Staff: menu → new activity → the real form (a refusal first, with what was typed kept) → invite → publish.
    staff_login(page, staff, language)
    page.goto("/workbench/")
    page.get_by_role("navigation").get_by_role("link", name=t("履职活动"), exact=True).click()
    page.get_by_test_id("new-activity").click()
    starts = timezone.localtime() + datetime.timedelta(hours=2)
    form = page.get_by_test_id("activity-form")
    form.get_by_label(t("活动类型")).select_option(label=t("调研"))
    form.get_by_label(t("活动名称")).fill("城市内涝治理专题调研")
    form.get_by_label(re.compile(rf"^{t('组织方')}[:：]?$")).fill("城建环保委员会")
    form.get_by_label(t("地点")).fill("金水区")
    form.get_by_label(t("开始时间")).fill(starts.strftime("%Y-%m-%dT%H:%M"))
    form.get_by_label(t("结束时间")).fill(starts.strftime("%Y-%m-%dT%H:%M"))
    form.get_by_role("button", name=t("保存")).click()
    expect(page.locator(".field-error")).to_contain_text(t("结束时间应晚于开始时间。"))
    expect(page.get_by_label(t("活动名称"))).to_have_value("城市内涝治理专题调研")
    assert not Activity.objects.exists()
    page.get_by_label(t("结束时间")).fill((starts + datetime.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_test_id("activity-form").get_by_role("button", name=t("保存")).click()
    expect(page.get_by_test_id("state")).to_have_text(t("筹备中"))
    activity = Activity.objects.get()
    # The member picker: search as you type, tick a person; the next search keeps him chosen.
    invite = page.get_by_test_id("invite-form")
    invite.get_by_label(t("邀请委员")).fill("孙")
    invite.get_by_test_id("picker-results").get_by_label("孙委员").check()
    invite.get_by_label(t("邀请委员")).fill("李")
    invite.get_by_test_id("picker-results").get_by_label("李委员").check()
    expect(invite.locator("[data-picker-chosen]")).to_contain_text("孙委员")
    invite.get_by_role("button", name=t("邀请")).click()
    expect(page.get_by_test_id("participants")).to_contain_text("李委员")
    page.get_by_test_id("publish").click()
    expect(page.get_by_test_id("state")).to_have_text(t("已发布"))

    # The first member signs up from "my activities".
    member_context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    member_page = member_context.new_page()
    login(member_page, "attendee", PASSWORD)
    member_page.goto("/workbench/")
    expect(member_page.locator('[data-section="activities_member"]')).to_contain_text("城市内涝治理专题调研")
    member_page.locator("nav.main-nav summary", has_text=t("履职")).click()  # the member's duty pages, folded
    member_page.locator("nav.main-nav").get_by_role("link", name=t("我的活动")).click()
    member_page.get_by_test_id(f"mine-{activity.pk}").get_by_role("button", name=t("报名参加")).click()
    expect(member_page.get_by_test_id(f"mine-{activity.pk}")).to_contain_text(t("已报名"))
    member_context.close()

    # The second member asks for leave; an empty reason is refused beside the field.
    other_context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    other = other_context.new_page()
    login(other, "absentee", PASSWORD)
    other.goto(activity.get_absolute_url())
    other.get_by_text(t("请假"), exact=True).click()
    other.get_by_test_id("leave-form").get_by_role("button", name=t("提交请假")).click()
    expect(other.locator(".field-error")).to_contain_text(t("请填写%(label)s。", label=t("请假理由")))
    other.get_by_label(t("请假理由")).fill("赴外地参加全国会议")
    other.get_by_test_id("leave-form").get_by_role("button", name=t("提交请假")).click()
    expect(other.get_by_test_id("my-status")).to_contain_text(t("请假待批"))
    other_context.close()

    # Staff approve the leave from the workbench.
    page.goto("/workbench/")
    requests = page.locator('[data-section="activities_staff"]')
    expect(requests).to_contain_text("赴外地参加全国会议")
    requests.get_by_role(
        "link", name=t("%(name)s 请假：%(title)s", name="李委员", title="城市内涝治理专题调研")
    ).click()
    page.get_by_test_id("participant-absentee").get_by_role("button", name=t("准假"), exact=True).click()
    expect(page.get_by_test_id("participant-absentee")).to_contain_text(t("已准假"))
    assert Participation.objects.get(member=absentee).leave_decided_by == staff

    # Two days later (the clock moved by the test), the member checks in with the QR code's URL on his phone.
    two_days_ago = timezone.now() - datetime.timedelta(days=2)
    Activity.objects.filter(pk=activity.pk).update(
        starts_at=two_days_ago, ends_at=two_days_ago + datetime.timedelta(hours=3)
    )
    page.get_by_test_id("checkin-code").click()
    url = page.get_by_test_id("checkin-url").inner_text()
    login(phone_page, "attendee", PASSWORD)
    phone_page.goto(url)
    phone_page.get_by_role("button", name=t("确认签到")).click()
    expect(phone_page.get_by_test_id("checked-in")).to_contain_text(CHECKED_IN[language])
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390

    # His duty file: the activity's points, dated at the activity.
    activity_day = timezone.localdate(two_days_ago)
    phone_page.goto(f"/duties/?year={activity_day.year}")
    entries = phone_page.get_by_test_id("duty-entries")
    expect(entries).to_contain_text("调研：城市内涝治理专题调研")
    expect(entries).to_contain_text(activity_day.strftime("%Y-%m-%d"))
    entry = DutyEntry.objects.get(member=attendee)
    assert entry.occurred_on == activity_day != timezone.localdate() and entry.points == 2
    assert not DutyEntry.objects.filter(member=absentee).exists()

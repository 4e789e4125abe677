"""Browser test of SMS both ways (#16), in Chinese and in English: a member invited to an activity gets its notice by
SMS with reply codes; the SMS provider posts his reply ("<code>1") to the platform's inbound address and he finds
himself signed up on "my activities"; another member's unclear reply is answered with how to reply; committee staff
open 短信记录 from the menu and read both directions, phone numbers masked."""

import datetime
import json

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.conftest import login
from tests.e2e.test_activities import staff_login, tr
from tests.factories import PASSWORD, make_user
from xieshang.accounts.models import Role
from xieshang.activities import services
from xieshang.activities.models import Activity, ActivityKind
from xieshang.notifications.models import SmsMessage, SmsPrompt

LANGUAGES = ["zh-hans", "en"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_member_signs_up_by_replying_to_the_sms(page, browser, live_server, organization, language):
    def t(text, **values):
        return tr(language, text, **values)

    staff = make_user(Role.COMMITTEE_STAFF, organization, username="committee", name="赵工作", language=language)
    replier = make_user(
        Role.MEMBER, organization, username="replier", name="孙委员", phone="13900000011", language=language
    )
    puzzled = make_user(
        Role.MEMBER, organization, username="puzzled", name="李委员", phone="13900000022", language=language
    )
    kind = ActivityKind.objects.create(organization=organization, key="reading", name="读书活动")
    starts = timezone.now() + datetime.timedelta(days=2)
    activity = services.activity_create(
        actor=staff,
        organization=organization,
        kind=kind,
        title="学史明理读书分享会",
        organizer_kind=Activity.Organizer.COMMITTEE,
        organizer_name="文史委",
        place="市政协机关",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
    )
    services.activity_invite(actor=staff, activity=activity, members=[replier, puzzled])
    services.activity_publish(actor=staff, activity=activity)

    # The SMS the member received ends with his reply codes, in his language.
    prompt = SmsPrompt.objects.get(user=replier)
    sms = SmsMessage.objects.get(pk=prompt.message_id)
    assert f"{prompt.code}1" in sms.text and t("报名") in sms.text

    # The provider posts both replies to the inbound address, as it would on receiving them.
    def provider_posts(provider_id, phone, text):
        response = page.request.post(
            f"{live_server.url}/notifications/sms/inbound/",
            data=json.dumps({"id": provider_id, "phone": phone, "text": text}),
            headers={"Authorization": "Bearer test-inbound-token", "Content-Type": "application/json"},
        )
        assert response.ok, response.text()
        return response.json()["received"][0]["result"]

    assert provider_posts(f"{language}-1", "+86 139 0000 0011", f"{prompt.code}1") == "done"
    assert provider_posts(f"{language}-2", "13900000022", "在哪里？") == "unknown"

    # The member signs in and finds himself signed up.
    member_context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    member_page = member_context.new_page()
    login(member_page, "replier", PASSWORD)
    member_page.goto("/workbench/")
    member_page.locator("nav.main-nav summary", has_text=t("履职")).click()
    member_page.locator("nav.main-nav").get_by_role("link", name=t("我的活动")).click()
    expect(member_page.get_by_test_id(f"mine-{activity.pk}")).to_contain_text(t("已报名"))
    member_context.close()

    # Staff read the log from the menu: what went out (codes, masked numbers), then the replies and their answers.
    staff_login(page, staff, language)
    page.goto("/workbench/")
    page.get_by_role("navigation").get_by_role("link", name=t("短信记录"), exact=True).click()
    log = page.get_by_test_id("sms-log")
    expect(log).to_contain_text("139****0011")
    expect(log).to_contain_text(prompt.code)
    expect(log).not_to_contain_text("13900000011")
    page.get_by_test_id("sms-filters").get_by_label(t("方向")).select_option(label=t("收到的回复"))
    page.get_by_test_id("sms-filters").get_by_role("button", name=t("筛选")).click()
    expect(page.locator('[data-result="done"]')).to_have_text(t("已办理"))
    expect(page.locator('[data-result="unknown"]')).to_have_text(t("无法识别"))
    expect(log).to_contain_text("学史明理读书分享会")  # the answer sent back names the activity
    expect(log).to_contain_text(t("未能识别您的回复。请按短信提示回复代码和数字，例如 3471；其他事项请登录平台办理。"))

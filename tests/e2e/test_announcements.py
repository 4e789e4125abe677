"""Browser test of announcements (#16), in Chinese and in English: committee staff write an announcement to members
from the menu through the real form (a refusal first, what was typed kept), publish it and see two unread; one member
finds it on his workbench and opens it; staff's unread list shrinks to one, and a reminder goes to that one only (a
second click is refused)."""

import re

import pytest
from django.utils import translation
from django.utils.translation import gettext, pgettext
from playwright.sync_api import expect

from tests.e2e.conftest import login
from tests.e2e.test_activities import staff_login
from tests.factories import PASSWORD, make_user
from xieshang.accounts.models import Role
from xieshang.announcements.models import Announcement
from xieshang.notifications.models import Notification

LANGUAGES = ["zh-hans", "en"]


def tr(language, text, context=None, **values):
    with translation.override(language):
        out = pgettext(context, text) if context else gettext(text)
    return out % values if values else out


@pytest.mark.parametrize("language", LANGUAGES)
def test_staff_publish_member_reads_staff_reminds_the_rest(page, browser, live_server, organization, language):
    def t(text, context=None, **values):
        return tr(language, text, context, **values)

    staff = make_user(Role.COMMITTEE_STAFF, organization, username="committee", name="赵工作", language=language)
    make_user(Role.MEMBER, organization, username="reader", name="孙委员", language=language)
    make_user(Role.MEMBER, organization, username="late", name="李委员", language=language)
    title = "关于报送年度履职材料的通知"

    # Staff: menu → announcements → new; an empty title is refused beside the field, the body typed is kept.
    staff_login(page, staff, language)
    page.goto("/workbench/")
    page.get_by_role("navigation").get_by_role("link", name=t("通知公告"), exact=True).click()
    page.get_by_test_id("new-announcement").click()
    form = page.get_by_test_id("announcement-form")
    form.get_by_label(re.compile(rf"^{re.escape(t('正文'))}")).fill("请各位委员于本月底前报送年度履职材料。")
    form.get_by_label(t("发送对象")).select_option(label=t("委员", "audience"))
    form.get_by_role("button", name=t("保存草稿")).click()
    expect(page.locator(".field-error")).to_contain_text(t("请填写%(label)s。", label=t("标题")))
    expect(page.get_by_label(re.compile(rf"^{re.escape(t('正文'))}"))).to_have_value(
        "请各位委员于本月底前报送年度履职材料。"
    )
    assert not Announcement.objects.exists()
    page.get_by_label(re.compile(rf"^{re.escape(t('标题'))}")).fill(title)
    page.get_by_test_id("announcement-form").get_by_role("button", name=t("保存草稿")).click()
    expect(page.get_by_test_id("status")).to_have_text(t("草稿"))
    expect(page.get_by_test_id("preview")).to_have_text("2")
    page.get_by_test_id("publish").click()
    expect(page.get_by_test_id("status")).to_have_text(t("已发布"))
    expect(page.get_by_test_id("unread-count")).to_have_text("2")
    expect(page.get_by_test_id("unread")).to_contain_text("孙委员")
    expect(page.get_by_test_id("unread")).to_contain_text("李委员")

    # A member finds it on his workbench, opens it; his menu's list shows it read.
    member_context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    member_page = member_context.new_page()
    login(member_page, "reader", PASSWORD)
    member_page.goto("/workbench/")
    section = member_page.locator('[data-section="announcements_unread"]')
    section.get_by_role("link", name=title).click()
    expect(member_page.get_by_test_id("announcement-body")).to_contain_text("年度履职材料")
    expect(member_page.get_by_test_id("read-at")).to_have_text(t("已读"))
    member_page.locator("nav.main-nav").get_by_role("link", name=t("我的通知")).click()
    expect(member_page.get_by_test_id("my-announcements")).to_contain_text(title)
    expect(member_page.get_by_test_id("my-announcements")).to_contain_text(t("已读"))
    member_page.goto("/workbench/")
    expect(member_page.locator('[data-section="announcements_unread"]')).not_to_contain_text(title)
    member_context.close()

    # Staff: the unread list shrinks to one; the reminder goes to him only; a second click is refused.
    page.reload()
    expect(page.get_by_test_id("unread-count")).to_have_text("1")
    expect(page.get_by_test_id("unread")).not_to_contain_text("孙委员")
    expect(page.get_by_test_id("read")).to_contain_text("孙委员")
    page.get_by_test_id("remind").click()
    expect(page.locator("ul.messages")).to_contain_text(t("已提醒 %(n)d 位未读人员。", n=1))
    reminded = Notification.objects.filter(kind="announcements.reminder")
    assert list(reminded.values_list("recipient__username", flat=True)) == ["late"]
    page.get_by_test_id("remind").click()
    expect(page.locator("ul.messages")).to_contain_text(t("刚刚已提醒过未读人员，请 %(n)d 分钟后再提醒。", n=10))
    assert reminded.count() == 1

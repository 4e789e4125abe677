"""Browser test of public calls (征集, #16), in Chinese and in English: committee staff open a call on a consultation
from the menu (an empty question refused beside its field, the rest kept); a resident finds it among the portal's open
calls and answers it; under pre-moderation the entry is not shown until staff approve it in the one moderation queue
reached from the menu; then it appears on the public page and another resident supports it, once."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.consultations.conftest import advance
from tests.e2e.conftest import login
from tests.e2e.test_activities import LANGUAGES, staff_login, tr
from tests.factories import PASSWORD, make_user
from xieshang.accounts.models import Role
from xieshang.consultations import services
from xieshang.consultations.models import Call, Entry, EntrySupport


@pytest.fixture(autouse=True)
def _defaults(db):
    """live_server tests flush the database between tests, data migrations included: install our defaults again."""
    from xieshang.consultations.workflows import WORKFLOWS
    from xieshang.workflow.definitions import install_workflow

    for definition in WORKFLOWS:
        install_workflow(definition, overwrite=False)


def _menu(page, language, label):
    nav = page.locator("nav.main-nav")
    link = nav.get_by_role("link", name=label, exact=True)
    if not link.is_visible():  # inside a folded group of the menu: open the group whose (hidden) link it is
        hidden = page.get_by_role("link", name=label, exact=True, include_hidden=True)
        nav.locator("details", has=hidden).locator("summary").click()
    link.click()


@pytest.mark.parametrize("language", LANGUAGES)
def test_staff_open_a_call_a_resident_answers_staff_approve_a_neighbour_supports(
    page, browser, live_server, organization, language, axe
):
    def t(text, **values):
        return tr(language, text, **values)

    staff = make_user(Role.COMMITTEE_STAFF, organization, username="committee", name="赵工作", language=language)
    make_user(Role.CITIZEN, organization, username="resident", name="钱居民", language=language)
    make_user(Role.CITIZEN, organization, username="neighbour", name="孙居民", language=language)
    consultation = services.consultation_create(
        actor=staff,
        organization=organization,
        kind="bimonthly",
        title="加快老旧小区改造",
        planned_date=timezone.localdate() + datetime.timedelta(days=40),
        venue="市政协",
    )
    advance({"propose": staff}, consultation, "propose")

    # Staff: menu → consultations → the consultation → open a call (an empty question first: refused, rest kept).
    staff_login(page, staff, language)
    _menu(page, language, t("协商活动"))
    page.get_by_role("link", name="加快老旧小区改造").click()
    page.get_by_test_id("open-call").click()
    form = page.get_by_test_id("call-form")
    form.get_by_label(re.compile(rf"^{t('征集类型')}")).select_option("opinions")
    form.get_by_label(re.compile(rf"^{t('征集说明')}")).fill("请结合您所在小区的情况谈谈。")
    now = timezone.localtime()
    form.get_by_label(re.compile(rf"^{t('开始时间')}")).fill(now.strftime("%Y-%m-%dT%H:%M"))
    form.get_by_label(re.compile(rf"^{t('截止时间')}")).fill(
        (now + datetime.timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")
    )
    form.get_by_label(re.compile(rf"^{t('审核方式')}")).select_option("pre")
    form.get_by_role("button", name=t("发起")).click()
    expect(page.locator(".field-error")).to_contain_text(t("请填写%(label)s。", label=t("征集问题")))
    expect(page.get_by_label(re.compile(rf"^{t('征集说明')}"))).to_have_value("请结合您所在小区的情况谈谈。")
    assert not Call.objects.exists()
    page.get_by_label(re.compile(rf"^{t('征集问题')}")).fill("老旧小区改造，您最关心什么？")
    page.get_by_test_id("call-form").get_by_role("button", name=t("发起")).click()
    expect(page.get_by_test_id("calls")).to_contain_text("老旧小区改造，您最关心什么？")
    call = Call.objects.get()
    assert call.moderation == "pre"

    # A resident: menu → the portal → open calls → the call; answers it; the entry waits for staff.
    resident_context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    rpage = resident_context.new_page()
    login(rpage, "resident", PASSWORD)
    _menu(rpage, language, t("郑在协商"))
    rpage.get_by_test_id("open-calls").get_by_role("link", name="老旧小区改造，您最关心什么？").click()
    entry_form = rpage.get_by_test_id("entry-form")
    entry_form.get_by_label(re.compile(rf"^{t('我的留言')}")).fill("太短")
    entry_form.get_by_role("button", name=t("提交留言")).click()
    expect(rpage.locator(".field-error")).to_contain_text(t("留言内容至少 %(n)d 字，请把意见写清楚。", n=5))
    rpage.get_by_label(re.compile(rf"^{t('我的留言')}")).fill("希望先解决停车难的问题，再加装电梯。")
    rpage.get_by_test_id("entry-form").get_by_role("button", name=t("提交留言")).click()
    expect(rpage.get_by_test_id("my-entry-status")).to_have_text(t("待审核"))
    expect(rpage.get_by_test_id("public-entries")).not_to_contain_text("希望先解决停车难的问题")
    entry = Entry.objects.get()
    assert entry.status == Entry.Status.PENDING

    # Staff: the one moderation queue from the menu; approve.
    _menu(page, language, t("内容审核"))
    key = f"consultations.entry:{entry.pk}"
    expect(page.get_by_test_id(f"queue-{key}")).to_contain_text("希望先解决停车难的问题")
    item = page.get_by_test_id(f"decide-{key}")
    item.get_by_label(t("通过并公开")).check()
    item.get_by_role("button", name=t("确定")).click()
    expect(page.get_by_test_id("queue")).to_contain_text(t("没有待审核的内容。"))
    assert Entry.objects.get().status == Entry.Status.PUBLISHED

    # The resident's page now shows it published, on the public list.
    rpage.reload()
    expect(rpage.get_by_test_id("my-entry-status")).to_have_text(t("已公开"))
    expect(rpage.get_by_test_id("public-entries")).to_contain_text("希望先解决停车难的问题")
    resident_context.close()

    # Another resident supports it, once.
    neighbour_context = browser.new_context(  # on a phone
        base_url=live_server.url, locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True
    )
    npage = neighbour_context.new_page()
    login(npage, "neighbour", PASSWORD)
    npage.goto(consultation.get_public_url())
    npage.get_by_test_id("public-calls").get_by_role("link", name="老旧小区改造，您最关心什么？").click()
    row = npage.get_by_test_id(f"entry-{entry.pk}")
    row.get_by_role("button", name=t("支持")).click()
    expect(npage.get_by_test_id(f"entry-{entry.pk}").get_by_test_id("supported")).to_be_visible()
    expect(npage.get_by_test_id(f"entry-{entry.pk}").get_by_test_id("support-count")).to_contain_text("1")
    expect(npage.get_by_test_id(f"entry-{entry.pk}").get_by_role("button", name=t("支持"))).to_have_count(0)
    assert EntrySupport.objects.filter(entry=entry).count() == 1
    assert npage.evaluate("document.documentElement.scrollWidth") <= 390
    neighbour_context.close()

    # An anonymous visitor reads it on the public page.
    anonymous = browser.new_context(base_url=live_server.url, locale="zh-CN")
    apage = anonymous.new_page()
    apage.goto(call.get_absolute_url())
    expect(apage.get_by_test_id("public-entries")).to_contain_text("希望先解决停车难的问题")
    expect(apage.get_by_test_id("login-to-answer")).to_be_visible()
    assert axe(apage) == []
    apage.goto("/consultations/portal/calls/")
    expect(apage.get_by_test_id("open-calls")).to_contain_text("老旧小区改造，您最关心什么？")
    assert axe(apage) == []
    anonymous.close()
    page.goto("/moderation/")
    assert axe(page) == []

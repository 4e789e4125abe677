"""A resident votes on three statements on a phone (htmx, one statement at a time); staff then see the map with its
groups, computed by the task the votes scheduled (tasks run immediately in tests). A resident's own statements are
listed for him with their review, and the reason when staff removed one, in Chinese and in English."""

import re

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.deliberation.factories import ConversationFactory, planted
from tests.e2e.conftest import login
from tests.e2e.test_activities import LANGUAGES, staff_login, tr
from tests.factories import PASSWORD, make_user
from xieshang.accounts.models import Role
from xieshang.deliberation.models import OpinionMap, Statement, Vote


@pytest.fixture
def conversation(organization):
    conversation = ConversationFactory(organization=organization, title="老旧小区加装电梯")
    planted(conversation, n_participants=40, n_statements=10)
    return conversation


def _staff_login(page, organization):
    staff = make_user(Role.COMMITTEE_STAFF, organization, username="committee")
    device = TOTPDevice.objects.create(user=staff, name="test", confirmed=True)
    login(page, "committee", PASSWORD)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    page.get_by_label("动态验证码").fill(f"{totp.token():0{device.digits}d}")
    page.get_by_role("button", name="验证").click()
    return staff


def test_resident_votes_on_a_phone_and_staff_see_the_map(phone_page, page, organization, conversation, axe):
    resident = make_user(Role.CITIZEN, organization, username="resident")
    login(phone_page, "resident", PASSWORD)
    phone_page.goto(f"/deliberation/{conversation.pk}/")
    card = phone_page.get_by_test_id("vote-card")
    expect(card).to_contain_text("已表态 0 / 10")
    assert axe(phone_page) == []
    seen = []
    for button in ("赞同", "反对", "跳过 / 不确定"):
        statement = phone_page.get_by_test_id("statement")
        seen.append(statement.inner_text())
        url = phone_page.url
        statement_number = statement.get_attribute("data-number")
        phone_page.get_by_role("button", name=button).click()
        expect(phone_page.get_by_test_id("statement")).not_to_have_attribute("data-number", statement_number)
        assert phone_page.url == url, "htmx swaps the card; no full page load"
    expect(card).to_contain_text("已表态 3 / 10")
    assert len(set(seen)) == 3
    assert sorted(Vote.objects.filter(participant__user=resident).values_list("value", flat=True)) == [-1, 0, 1]
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390

    opinion_map = OpinionMap.objects.get(conversation=conversation)
    assert opinion_map.computed_at is not None and opinion_map.result["k"] >= 2

    _staff_login(page, organization)
    page.goto(f"/deliberation/{conversation.pk}/map/")
    expect(page.get_by_test_id("consensus")).to_be_visible()
    expect(page.get_by_test_id("groups")).to_contain_text("A 组")
    expect(page.get_by_test_id("groups")).to_contain_text("B 组")
    expect(page.get_by_test_id("map-status")).to_contain_text("计算于")
    expect(page.locator("#opinion-chart[data-rendered]")).to_be_attached()
    opinion_map.refresh_from_db()
    rendered = int(page.locator("#opinion-chart").get_attribute("data-rendered"))
    assert rendered == opinion_map.result["n_in_map"] >= 30
    assert axe(page) == []


def test_voting_works_without_javascript(browser, live_server, organization, conversation):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", java_script_enabled=False)
    page = context.new_page()
    make_user(Role.MEMBER, organization, username="member2")
    login(page, "member2", PASSWORD)
    page.goto(f"/deliberation/{conversation.pk}/")
    page.get_by_role("button", name="赞同").click()
    expect(page.get_by_test_id("vote-card")).to_contain_text("已表态 1 / 10")
    context.close()


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_author_reads_whether_his_statement_waits_and_why_it_was_removed(
    page, browser, live_server, organization, language
):
    """A resident writes a statement to a pre-moderated opinion map: the page lists it as his, waiting; staff remove
    it from the one moderation queue with a reason and words of their own; the resident reads both on the page."""

    def t(text, **values):
        return tr(language, text, **values)

    staff = make_user(Role.COMMITTEE_STAFF, organization, username="committee", language=language)
    make_user(Role.CITIZEN, organization, username="resident", language=language)
    conversation = ConversationFactory(organization=organization, title="小区停车意见", moderation="pre")

    rctx = browser.new_context(base_url=live_server.url, locale="zh-CN")
    rpage = rctx.new_page()
    login(rpage, "resident", PASSWORD)
    rpage.goto(f"/deliberation/{conversation.pk}/")
    rpage.get_by_role("textbox", name=t("我的观点")).fill("那边的车位应该先给老人")
    rpage.get_by_role("button", name=t("发表"), exact=True).click()
    mine = rpage.get_by_test_id("my-statements")
    expect(mine).to_contain_text("那边的车位应该先给老人")
    expect(mine.get_by_test_id("my-statement-status")).to_have_text(t("待审核"))
    statement = Statement.objects.get(conversation=conversation, text="那边的车位应该先给老人")
    # The same words again: refused beside the field, the text still there to change.
    rpage.get_by_role("textbox", name=t("我的观点")).fill("那边的车位应该先给老人")
    rpage.get_by_role("button", name=t("发表"), exact=True).click()
    expect(rpage.get_by_text(t("已经有人提出了同样的观点，请直接对它表态。"))).to_be_visible()
    expect(rpage.get_by_role("textbox", name=t("我的观点"))).to_have_value("那边的车位应该先给老人")
    assert Statement.objects.filter(conversation=conversation).count() == 1

    staff_login(page, staff, language)
    page.goto("/workbench/")
    page.get_by_role("navigation").get_by_role("link", name=t("内容审核"), exact=True).click()
    form = page.get_by_test_id(f"decide-deliberation.statement:{statement.pk}")
    form.get_by_label(t("不予通过")).check()
    reason = "Not about the question or topic" if language == "en" else "与征集或议题无关"
    form.locator("select").select_option(label=reason)
    form.get_by_label(re.compile("^" + re.escape(t("补充说明（作者可见）")))).fill("请写明是哪个小区")
    form.get_by_role("button", name=t("确定")).click()
    expect(page.get_by_test_id("queue")).to_contain_text(t("没有待审核的内容。"))
    statement.refresh_from_db()
    assert statement.status == Statement.Status.REJECTED

    rpage.reload()
    expect(mine.get_by_test_id("my-statement-status")).to_have_text(t("已移除"))
    expect(mine.get_by_test_id("my-statement-reason")).to_have_text(f"{reason}：请写明是哪个小区")
    rctx.close()

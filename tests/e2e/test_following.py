"""Browser test of following and digests (#16), in Chinese and in English: a resident follows a consultation and a
public proposal from their public pages (the button swaps in place), makes the consultation weekly on 我的关注 (an
e-mail channel without an e-mail address refused first, his choice kept); staff move the consultation on from its
page; the digest command runs (twice: one digest) and the resident reads the weekly digest in his inbox; switched to
e-mail, the next move reaches the outbox, and the signed link in that e-mail ends the follow without signing in."""

import datetime
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from tests.consultations.conftest import advance
from tests.e2e.conftest import login
from tests.e2e.test_activities import LANGUAGES, staff_login, tr
from tests.e2e.test_consultation_calls import _menu
from tests.factories import PASSWORD, make_user
from xieshang.accounts.models import Role
from xieshang.consultations import services
from xieshang.notifications.models import Digest, Follow, Notification
from xieshang.proposals import services as proposals
from xieshang.proposals.models import Proposal


@pytest.fixture(autouse=True)
def _defaults(db):
    """live_server tests flush the database between tests, data migrations included: install our defaults again."""
    from xieshang.consultations.workflows import WORKFLOWS
    from xieshang.workflow.definitions import install_workflow

    for definition in WORKFLOWS:
        install_workflow(definition, overwrite=False)


def _monday_after(day: datetime.date, weeks: int = 1) -> datetime.date:
    return day + datetime.timedelta(days=7 * weeks - day.weekday())


@pytest.mark.parametrize("language", LANGUAGES)
def test_resident_follows_changes_frequency_reads_digest_and_unsubscribes(
    page, browser, live_server, organization, language
):
    def t(text, **values):
        return tr(language, text, **values)

    staff = make_user(Role.COMMITTEE_STAFF, organization, username="committee", name="赵工作", language=language)
    resident = make_user(Role.CITIZEN, organization, username="resident", name="钱居民", language=language, email="")
    member = make_user(Role.MEMBER, organization, username="member", name="孙委员")
    consultation = services.consultation_create(
        actor=staff,
        organization=organization,
        kind="bimonthly",
        title="加快老旧小区改造",
        planned_date=timezone.localdate() + datetime.timedelta(days=40),
        venue="市政协",
    )
    proposal = proposals.proposal_create(
        actor=member,
        organization=organization,
        title="关于增设社区养老服务站的建议",
        body="建议在老旧小区增设养老服务站。" * 5,
        cosigners=(),
    )
    # Its handling is another test's walk: here the office has published its reply, which makes it public.
    Proposal.objects.filter(pk=proposal.pk).update(published_reply_at=timezone.now())

    # The resident follows the consultation and the proposal from their public pages; the button swaps in place.
    login(page, "resident", PASSWORD)
    page.goto(f"/consultations/portal/c/{consultation.pk}/")
    page.get_by_test_id("follow").first.click()
    expect(page.get_by_test_id("follow-status")).to_contain_text(
        t("已关注。动态将按日汇总发到您的站内消息，可在“我的关注”中修改。")
    )
    expect(page.get_by_test_id("unfollow").first).to_be_visible()
    page.goto(f"/proposals/public/{organization.code}/{proposal.pk}/")
    page.get_by_test_id("follow").click()
    expect(page.get_by_test_id("unfollow")).to_be_visible()
    assert Follow.objects.filter(user=resident).count() == 2

    # 我的关注 from the menu: e-mail without an address is refused beside the row, his weekly choice kept; then saved.
    _menu(page, language, t("我的关注"))
    rows = page.get_by_test_id("follow-row")
    expect(rows).to_have_count(2)
    row = rows.filter(has_text="加快老旧小区改造")
    row.get_by_label(t("频率")).select_option("weekly")
    row.get_by_label(t("方式")).select_option("email")
    row.get_by_role("button", name=t("保存")).click()
    row = page.get_by_test_id("follow-row").filter(has_text="加快老旧小区改造")
    expect(row.locator(".field-error")).to_contain_text(
        t("您的账号没有邮箱地址，请先在个人资料中填写，或选择站内消息。")
    )
    expect(row.get_by_label(t("频率"))).to_have_value("weekly")
    assert (
        Follow.objects.get(user=resident, object_id=consultation.pk, content_type__model="consultation").frequency
        == "daily"
    )
    row.get_by_label(t("方式")).select_option("inapp")
    row.get_by_role("button", name=t("保存")).click()
    expect(page.locator("ul.messages")).to_contain_text(t("关注设置已保存。"))
    followed = Follow.objects.get(user=resident, content_type__model="consultation")
    assert (followed.frequency, followed.channel) == ("weekly", "inapp")

    # Staff move the consultation on from its page (the chairs' meeting that proposed it).
    staff_context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    staff_page = staff_context.new_page()
    staff_login(staff_page, staff, language)
    staff_page.goto(consultation.get_absolute_url())
    action = staff_page.locator("form.wf-action", has=staff_page.locator('[name="payload_meeting"]'))
    action.locator('[name="payload_meeting"]').fill("十五届市政协第12次主席会议")
    action.get_by_role("button").click()
    expect(staff_page.get_by_test_id("state")).not_to_have_text(t("计划中"))
    staff_context.close()

    # The weekly digest goes out once, on the Monday after, however often the command runs; he reads it in his inbox.
    monday = _monday_after(timezone.localdate())
    call_command("send_digests", "--today", monday.isoformat())
    call_command("send_digests", "--today", monday.isoformat())
    assert Digest.objects.filter(user=resident).count() == 1
    assert Notification.objects.filter(recipient=resident, kind="notifications.digest").count() == 1
    page.goto("/notifications/")
    digest_item = page.locator(
        "li", has_text=t("关注周报 %(when)s：%(n)d 条新动态", when=Digest.objects.get().period.split(":")[1], n=1)
    )
    expect(digest_item).to_be_visible()
    expect(digest_item).to_contain_text("加快老旧小区改造")

    # By e-mail now (he added an address): the next move reaches the outbox with a signed unsubscribe link.
    resident.email = "resident@example.org"
    resident.save(update_fields=["email"])
    page.goto("/notifications/follows/")
    row = page.get_by_test_id("follow-row").filter(has_text="加快老旧小区改造")
    row.get_by_label(t("方式")).select_option("email")
    row.get_by_role("button", name=t("保存")).click()
    expect(page.locator("ul.messages")).to_contain_text(t("关注设置已保存。"))
    advance({"approve": staff}, consultation, "approve")
    call_command("send_digests", "--today", _monday_after(timezone.localdate(), 2).isoformat())
    call_command("send_digests", "--today", _monday_after(timezone.localdate(), 2).isoformat())
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["resident@example.org"]
    assert "加快老旧小区改造" in message.body
    assert message.alternatives and "加快老旧小区改造" in message.alternatives[0][0]
    links = re.findall(r"/notifications/unsubscribe/[^/\s]+/", message.body)
    assert len(links) == 2  # this follow, and all of them

    # The link works without signing in: a page that says what it ends, one button, done.
    anonymous = browser.new_context(base_url=live_server.url, locale="zh-CN")
    stranger = anonymous.new_page()
    stranger.goto(links[0])
    stranger.get_by_test_id("confirm-unsubscribe").click()
    expect(stranger.get_by_test_id("unsubscribed")).to_have_text(t("已取消这项关注，您不会再收到它的摘要。"))
    anonymous.close()
    assert not Follow.objects.filter(user=resident, content_type__model="consultation").exists()
    assert Follow.objects.filter(user=resident, content_type__model="proposal").exists()
    page.goto("/notifications/follows/")
    expect(page.get_by_test_id("follow-row")).to_have_count(1)
    expect(page.get_by_test_id("follow-row")).to_contain_text("关于增设社区养老服务站的建议")

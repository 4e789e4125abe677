"""Browser tests of the one moderation queue (#16, decision 0040), in Chinese and in English.

A resident answers a post-moderated call with a word of the office's blocklist: the entry is held; staff reach the
queue from the workbench (its section counts what waits), see the word marked, reject it with a reason from the list
and words of their own — the resident reads why — and approve another entry, which appears on the public page. Staff
attach an opinion map to the call: its groups and consensus show on the call and go into the summary added to the
consultation's materials. A flood from one client address and an entry after the deadline get a clear answer in the
user's language, the text kept, nothing written twice. A resident supports a room's new topic by replying to its SMS
(the test gateway records both directions)."""

import datetime
import io
import json
import re

import pytest
from django.test import override_settings
from django.utils import timezone
from playwright.sync_api import expect

from tests.consultations.conftest import advance
from tests.e2e.conftest import login
from tests.e2e.test_activities import LANGUAGES, staff_login, tr
from tests.factories import PASSWORD, CommunityFactory, make_user
from xieshang.accounts.models import Role
from xieshang.consultations import services
from xieshang.consultations.models import Call, Entry, Material, Support, Topic
from xieshang.moderation.models import Reason
from xieshang.notifications.models import SmsMessage, SmsPrompt


@pytest.fixture(autouse=True)
def _defaults(db):
    """live_server tests flush the database between tests, data migrations included: install our defaults again."""
    from xieshang.consultations.workflows import WORKFLOWS
    from xieshang.workflow.definitions import install_workflow

    for definition in WORKFLOWS:
        install_workflow(definition, overwrite=False)
    Reason.objects.get_or_create(
        organization=None, text="与征集或议题无关", defaults={"text_en": "Not about the question or topic"}
    )


def _call(staff, organization, moderation="post"):
    consultation = services.consultation_create(
        actor=staff,
        organization=organization,
        kind="bimonthly",
        title="加快老旧小区改造",
        planned_date=timezone.localdate() + datetime.timedelta(days=40),
        venue="市政协",
    )
    advance({"propose": staff}, consultation, "propose")
    return services.call_open(
        actor=staff,
        consultation=consultation,
        question="老旧小区改造，您最关心什么？",
        kind="opinions",
        opens_at=timezone.now() - datetime.timedelta(hours=1),
        closes_at=timezone.now() + datetime.timedelta(days=7),
        moderation=moderation,
    )


def _answer(rpage, t, text):
    form = rpage.get_by_test_id("entry-form")
    form.get_by_label(re.compile("^" + re.escape(t("我的留言")))).fill(text)
    form.get_by_role("button", name=t("提交留言")).click()


@pytest.mark.parametrize("language", LANGUAGES)
@override_settings(XIESHANG_ABUSE_LIMITS={"resident_post": {"account": [(20, 3600)], "address": [(4, 3600)]}})
def test_held_entry_moderated_from_the_workbench_with_a_reason_and_the_map_in_the_summary(
    page, browser, live_server, organization, language, axe
):
    from tests.deliberation.factories import ConversationFactory, planted
    from xieshang.deliberation import services as deliberation

    def t(text, **values):
        return tr(language, text, **values)

    staff = make_user(Role.COMMITTEE_STAFF, organization, username="committee", name="赵工作", language=language)
    make_user(Role.CITIZEN, organization, username="resident", name="钱居民", language=language)
    make_user(Role.CITIZEN, organization, username="neighbour", name="孙居民", language=language)
    call = _call(staff, organization)
    conversation = ConversationFactory(organization=organization, title="改造顺序意见地图")
    planted(conversation)
    deliberation.map_compute(conversation.pk)

    # Staff: the queue from the menu; the office's blocklist saved there.
    staff_login(page, staff, language)
    page.goto("/workbench/")
    page.get_by_role("navigation").get_by_role("link", name=t("内容审核"), exact=True).click()
    blocklist = page.get_by_test_id("blocklist-form")
    blocklist.get_by_label(re.compile("^" + re.escape(t("敏感词（每行一个）")))).fill("赌博\n代开发票")
    blocklist.get_by_role("button", name=t("保存敏感词")).click()
    expect(page.locator(".messages, [role=status], .message").first).to_contain_text(
        t("敏感词已保存，共 %(n)d 个。", n=2)
    )

    # A resident answers twice: one entry holds a blocklist word (held, under post-moderation), one is clean.
    rctx = browser.new_context(base_url=live_server.url, locale="zh-CN")
    rpage = rctx.new_page()
    login(rpage, "resident", PASSWORD)
    rpage.goto(call.get_absolute_url())
    _answer(rpage, t, "小区里晚上有人聚众赌博，影响休息。")
    expect(rpage.get_by_test_id("my-entries")).to_contain_text(t("待审核"))
    expect(rpage.get_by_test_id("public-entries")).not_to_contain_text("聚众赌博")
    held = Entry.objects.get(text__contains="赌博")
    assert held.status == Entry.Status.PENDING and held.flagged == "赌博"

    nctx = browser.new_context(base_url=live_server.url, locale="zh-CN")
    npage = nctx.new_page()
    login(npage, "neighbour", PASSWORD)
    npage.goto(call.get_absolute_url())
    _answer(npage, t, "希望楼道加装扶手，方便老人上下楼。")
    expect(npage.get_by_test_id("public-entries")).to_contain_text("楼道加装扶手")

    # Staff: the workbench's section counts what waits; its link opens the queue with the word marked.
    page.goto("/workbench/")
    section = page.locator('[data-section="moderation"]')
    expect(section.locator(".count")).to_have_text("1")
    section.get_by_role("link", name=t("查看全部")).click()
    key = f"consultations.entry:{held.pk}"
    expect(page.get_by_test_id(f"queue-{key}").locator("mark")).to_have_text("赌博")
    form = page.get_by_test_id(f"decide-{key}")
    form.get_by_label(t("不予通过")).check()
    form.get_by_role("button", name=t("确定")).click()
    # No reason: refused beside the item, nothing changed.
    expect(page.locator(".form-errors, .field-error").first).to_contain_text(
        t("不予通过时须选择或填写理由，作者会看到这一理由。")
    )
    assert Entry.objects.get(pk=held.pk).status == Entry.Status.PENDING
    form = page.get_by_test_id(f"decide-{key}")
    form.get_by_label(t("不予通过")).check()
    reason_label = "Not about the question or topic" if language == "en" else "与征集或议题无关"
    form.locator("select").select_option(label=reason_label)  # the reasons the office keeps
    form.get_by_label(re.compile("^" + re.escape(t("补充说明（作者可见）")))).fill("请向派出所反映")
    form.get_by_role("button", name=t("确定")).click()
    expect(page.get_by_test_id("queue")).to_contain_text(t("没有待审核的内容。"))
    held.refresh_from_db()
    assert held.status == Entry.Status.REJECTED and held.reason == f"{reason_label}：请向派出所反映"
    assert axe(page) == []

    # The resident reads why.
    rpage.reload()
    expect(rpage.get_by_test_id("my-entry-reason")).to_have_text(f"{reason_label}：请向派出所反映")

    # Staff attach the opinion map on the call's page: its groups and consensus show, and go into the summary.
    page.goto(call.get_absolute_url())
    map_form = page.get_by_test_id("map-form")
    map_form.get_by_label(re.compile("^" + re.escape(t("意见征集（意见地图）")))).select_option(
        label="改造顺序意见地图"
    )
    map_form.get_by_role("button", name=t("关联意见地图")).click()
    expect(page.get_by_test_id("map-group")).to_have_count(2)
    expect(page.get_by_test_id("call-map")).to_contain_text("观点 0")  # the statement every group agrees with
    page.get_by_test_id("attach-summary").click()
    material = Material.objects.get(consultation=call.consultation)
    from docx import Document

    text = "\n".join(p.text for p in Document(io.BytesIO(material.file.read())).paragraphs)
    assert t("意见地图：%(t)s", t="改造顺序意见地图") in text
    assert t("群组 %(g)s（%(n)d 人）：", g="B", n=20) in text

    # Bad input — a flood from one client address (every browser here is 127.0.0.1; 4 writes an hour allowed):
    # the third and fourth pass, the fifth gets a clear answer, the text kept, nothing written.
    _answer(npage, t, "建议增加小区里的垃圾分类点。")
    _answer(npage, t, "建议给单元门换上新的门禁。")
    _answer(npage, t, "建议路面重新铺设沥青。")
    expect(npage.locator(".field-error")).to_contain_text(re.compile(t("分钟") + "|" + t("小时") + "|minute|hour"))
    expect(npage.get_by_test_id("entry-form").get_by_label(re.compile("^" + re.escape(t("我的留言"))))).to_have_value(
        "建议路面重新铺设沥青。"
    )
    assert Entry.objects.filter(call=call).count() == 4
    assert not Entry.objects.filter(text="建议路面重新铺设沥青。").exists()

    # Bad input — after the deadline: the date given, the text kept, nothing written.
    Call.objects.filter(pk=call.pk).update(closes_at=timezone.now() - datetime.timedelta(minutes=1))
    with override_settings(XIESHANG_ABUSE_LIMITS={}):
        rpage.goto(call.get_absolute_url())
        if rpage.get_by_test_id("entry-form").count():
            _answer(rpage, t, "截止以后才写的意见内容。")
            expect(rpage.locator(".field-error")).to_contain_text(re.compile("截止|closed"))
            expect(
                rpage.get_by_test_id("entry-form").get_by_label(re.compile("^" + re.escape(t("我的留言"))))
            ).to_have_value("截止以后才写的意见内容。")
        else:
            expect(rpage.get_by_test_id("call-closed")).to_be_visible()
    assert not Entry.objects.filter(text="截止以后才写的意见内容。").exists()
    rctx.close()
    nctx.close()


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_resident_supports_a_rooms_new_topic_by_replying_to_its_sms(
    page, browser, live_server, organization, language
):
    def t(text, **values):
        return tr(language, text, **values)

    staff = make_user(Role.COMMITTEE_STAFF, organization, username="committee", name="赵工作", language=language)
    convener = make_user(Role.CITIZEN, organization, username="convener", name="王召集", language=language)
    make_user(Role.CITIZEN, organization, username="resident", name="钱居民", language=language)
    follower = make_user(
        Role.CITIZEN, organization, username="follower", name="孙居民", phone="13900000031", language=language
    )
    community = CommunityFactory(organization=organization, name="黄河路社区")
    room = services.room_create(actor=staff, community=community, convener=convener)
    services.room_follow(actor=follower, room=room, follow=True)

    # A resident raises a topic on the room's page.
    login(page, "resident", PASSWORD)
    page.goto(room.get_absolute_url())
    form = page.get_by_test_id("raise-form")
    form.get_by_label(re.compile("^" + re.escape(t("议题标题")))).fill("小区加装充电桩")
    form.get_by_role("button", name=t("提出议题")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("小区加装充电桩")
    topic = Topic.objects.get()
    assert topic.status == Topic.Moderation.PUBLISHED

    # The follower's SMS carries the reply code, in his language.
    prompt = SmsPrompt.objects.get(user=follower, action="consultations.topic")
    sms = SmsMessage.objects.get(pk=prompt.message_id)
    assert f"{prompt.code}1" in sms.text and t("支持") in sms.text

    def provider_posts(provider_id, text):
        response = page.request.post(
            f"{live_server.url}/notifications/sms/inbound/",
            data=json.dumps({"id": provider_id, "phone": "13900000031", "text": text}),
            headers={"Authorization": "Bearer test-inbound-token", "Content-Type": "application/json"},
        )
        assert response.ok, response.text()
        return response.json()["received"][0]["result"]

    assert provider_posts(f"{language}-1", f"{prompt.code}1") == "done"
    assert provider_posts(f"{language}-1", f"{prompt.code}1") == "done"  # the provider repeats the delivery: once
    assert provider_posts(f"{language}-2", f"{prompt.code}1") != "done"  # a second reply: answered, not counted
    assert Support.objects.filter(topic=topic, user=follower).count() == 1
    answers = SmsMessage.objects.filter(phone__endswith="0031", key__startswith="sms-answer:")
    assert any("小区加装充电桩" in m.text for m in answers)

    # The follower signs in and finds his support on the topic's page.
    fctx = browser.new_context(base_url=live_server.url, locale="zh-CN")
    fpage = fctx.new_page()
    login(fpage, "follower", PASSWORD)
    fpage.goto(topic.get_absolute_url())
    expect(fpage.get_by_test_id("supported")).to_have_text(t("您已支持这个议题。"))
    expect(fpage.get_by_test_id("support-count")).to_contain_text("1")
    fctx.close()

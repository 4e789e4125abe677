"""Browser test of the public live consultation (#16), in Chinese and in English: committee staff open a consultation
to the public with a video address of the conference's own streaming service (another site's address refused beside
its field) and start it; a resident watches on the portal, asks a question (one over the limit refused, what was typed
kept); staff approve it from the host's page, which shows it without a reload; the resident sees it join the queue and
then being answered, without a reload; the host opens a quick vote, the resident votes, and a neighbour's vote in
another browser changes the count on the resident's page without a reload; an invited member asks for the floor and
the host gives it (the countdown runs on the viewers' page); after the meeting is closed, a question is refused with
its text kept, and the replay page shows the video link, the minutes, the recommendations, the answered question and
the vote's result. Live updates come from the Server-Sent Events stream (no polling)."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.consultations.conftest import advance
from tests.e2e.conftest import login
from tests.e2e.test_activities import LANGUAGES, staff_login, tr
from tests.factories import PASSWORD, HandlingUnitFactory, make_user
from xieshang.accounts.models import Role
from xieshang.consultations import services
from xieshang.consultations.models import Invitation, LiveQuestion, LiveStage, QuickBallot

VIDEO = "https://live.example.gov.cn/room/2026-12"


@pytest.fixture(autouse=True)
def _defaults(db):
    from xieshang.consultations.workflows import WORKFLOWS
    from xieshang.workflow.definitions import install_workflow

    for definition in WORKFLOWS:
        install_workflow(definition, overwrite=False)


def _label(form, text):
    return form.get_by_label(re.compile(rf"^{re.escape(text)}"))


def _viewer(browser, live_server, username, language):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    context.set_default_timeout(15000)
    page = context.new_page()
    login(page, username, PASSWORD)
    return context, page


@pytest.mark.parametrize("language", LANGUAGES)
def test_public_live_consultation(page, browser, live_server, organization, language, axe):
    def t(text, **values):
        return tr(language, text, **values)

    staff = make_user(Role.COMMITTEE_STAFF, organization, username="committee", name="赵工作", language=language)
    make_user(Role.CITIZEN, organization, username="resident", name="钱居民", language=language)
    make_user(Role.CITIZEN, organization, username="neighbour", name="孙居民", language=language)
    member = make_user(Role.MEMBER, organization, username="member", name="李委员", language=language)
    consultation = services.consultation_create(
        actor=staff,
        organization=organization,
        kind="bimonthly",
        title="加快老旧小区改造",
        planned_date=timezone.localdate() + datetime.timedelta(days=1),
        venue="市政协",
    )
    Invitation.objects.create(consultation=consultation, organization=organization, user=member)

    # Staff: the consultation → the host's page; another site's video refused beside its field; then ours; start.
    staff_login(page, staff, language)
    page.goto(consultation.get_absolute_url())
    page.get_by_test_id("live-host").click()
    form = page.get_by_test_id("stage-form")
    _label(form, t("向公众直播")).check()
    _label(form, t("直播地址")).fill("https://video.example.com/embed.js")
    _label(form, t("播放方式")).select_option("video")
    form.get_by_role("button", name=t("保存设置")).click()
    expect(page.locator(".field-error")).to_contain_text(
        t("只能使用本会直播服务的地址（%(o)s）。", o="https://live.example.gov.cn")
    )
    expect(_label(page.get_by_test_id("stage-form"), t("播放方式"))).to_have_value("video")
    assert not LiveStage.objects.filter(is_public=True).exists()
    _label(page.get_by_test_id("stage-form"), t("直播地址")).fill(VIDEO)
    page.get_by_test_id("stage-form").get_by_role("button", name=t("保存设置")).click()
    page.get_by_test_id("live-start").click()
    expect(page.get_by_test_id("live-state")).to_have_text(t("直播中"))

    # A resident: the portal's consultation page → the live page; the video is ours, the stream connected.
    rctx, rpage = _viewer(browser, live_server, "resident", language)
    rpage.goto(consultation.get_public_url())
    rpage.get_by_test_id("public-live").get_by_role("link").click()
    expect(rpage.get_by_test_id("live-video")).to_have_attribute("src", VIDEO)
    expect(rpage.locator("#live[data-connected='1']")).to_have_count(1)
    ask = rpage.get_by_test_id("question-form")
    _label(ask, t("我的提问")).fill("长" * 301)
    ask.get_by_role("button", name=t("提交提问")).click()
    expect(rpage.locator(".field-error")).to_contain_text(
        t("%(label)s不能超过 %(limit)d 字（现为 %(n)d 字）。", label=t("问题"), limit=300, n=301)
    )
    assert not LiveQuestion.objects.exists()
    _label(rpage.get_by_test_id("question-form"), t("我的提问")).fill("加装电梯的费用怎么分摊？")
    rpage.get_by_test_id("question-form").get_by_role("button", name=t("提交提问")).click()
    expect(rpage.get_by_test_id("my-question-status")).to_have_text(t("待审核"))
    question = LiveQuestion.objects.get()
    rpage.evaluate("window.__notReloaded = true")

    # Staff: the pending question appears on the host's page by itself; approve it.
    expect(page.get_by_test_id(f"pending-{question.pk}")).to_contain_text("加装电梯的费用怎么分摊？")
    page.get_by_test_id(f"pending-{question.pk}").get_by_role("button", name=t("通过"), exact=True).click()
    expect(rpage.get_by_test_id("question-queue")).to_contain_text("加装电梯的费用怎么分摊？")

    # The host takes it from the queue: the viewers see it being answered.
    page.get_by_test_id(f"queued-{question.pk}").get_by_role("button", name=t("选读")).click()
    expect(rpage.get_by_test_id("answering")).to_contain_text("加装电梯的费用怎么分摊？")
    assert rpage.evaluate("window.__notReloaded === true")

    # A quick vote: it appears on the resident's page without a reload; the resident votes.
    vote_form = page.get_by_test_id("vote-open-form")
    _label(vote_form, t("表决事项")).fill("是否赞成先解决停车难？")
    _label(vote_form, t("选项（每行一个）")).fill("赞成\n反对")
    vote_form.get_by_role("button", name=t("发起表决")).click()
    votes = rpage.get_by_test_id("votes")
    expect(votes).to_contain_text("是否赞成先解决停车难？")
    assert rpage.evaluate("window.__notReloaded === true")
    votes.get_by_role("button", name="赞成").click()
    expect(rpage.get_by_test_id("voted")).to_be_visible()
    yes, no = QuickBallot.objects.get().vote.options.all()
    expect(rpage.get_by_test_id(f"count-{yes.pk}")).to_have_text("1")
    rpage.evaluate("window.__notReloaded = true")

    # A neighbour votes in another browser: the resident's count changes without a reload.
    nctx, npage = _viewer(browser, live_server, "neighbour", language)
    npage.goto(f"/consultations/portal/c/{consultation.pk}/live/")
    npage.get_by_test_id("votes").get_by_role("button", name="反对").click()
    expect(rpage.get_by_test_id(f"count-{no.pk}")).to_have_text("1")
    expect(rpage.get_by_test_id(f"count-{yes.pk}")).to_have_text("1")
    assert rpage.evaluate("window.__notReloaded === true")
    assert QuickBallot.objects.count() == 2
    nctx.close()

    # An invited member asks for the floor; the host gives it; the viewers see the speaker and the countdown.
    mctx, mpage = _viewer(browser, live_server, "member", language)
    mpage.goto(f"/consultations/portal/c/{consultation.pk}/live/")
    mpage.get_by_test_id("request-floor").click()
    expect(mpage.get_by_test_id("my-speak-status")).to_have_text(t("等候发言"))
    expect(rpage.get_by_test_id("speaker-queue")).to_contain_text("李委员")
    speak = member.pk
    row = page.get_by_test_id("host-speakers").locator("li", has_text="李委员")
    row.get_by_role("button", name=t("请其发言")).click()
    expect(rpage.get_by_test_id("speaking")).to_contain_text("李委员")
    expect(rpage.get_by_test_id("countdown")).to_have_text(re.compile(r"^[23]:\d\d$"))
    assert rpage.evaluate("window.__notReloaded === true")
    assert speak
    mctx.close()
    assert axe(rpage) == []

    # The host closes the meeting: a question now is refused, what was typed kept.
    page.get_by_test_id("live-close").click()
    expect(rpage.get_by_test_id("replay-link")).to_be_visible()
    _label(rpage.get_by_test_id("question-form"), t("我的提问")).fill("会后补充一个问题")
    rpage.get_by_test_id("question-form").get_by_role("button", name=t("提交提问")).click()
    expect(rpage.locator(".field-error")).to_contain_text(
        t("本次直播已结束，不再接收提问。您填写的内容没有提交，仍保留在下方。")
    )
    expect(_label(rpage.get_by_test_id("question-form"), t("我的提问"))).to_have_value("会后补充一个问题")
    assert LiveQuestion.objects.count() == 1

    # Staff add the replay link; the minutes are written and reported (their own pages, tested elsewhere).
    _label(page.get_by_test_id("stage-form"), t("回放地址")).fill(VIDEO + "/replay")
    page.get_by_test_id("stage-form").get_by_role("button", name=t("保存设置")).click()
    consultation = advance(
        {"propose": staff, "approve": staff, "hold": staff}, consultation, "propose", "approve", "hold"
    )
    services.minutes_save(actor=staff, consultation=consultation, minutes="会议认为应先解决停车难。")
    unit = HandlingUnitFactory(organization=organization, name="市住房局")
    recommendation = services.recommendation_add(
        actor=staff, consultation=consultation, title="关于老旧小区停车的建议", owner_unit=unit
    )
    advance({"send": staff}, recommendation, "send")  # a draft recommendation is not public; a sent one is
    advance({"report_minutes": staff}, consultation, "report_minutes")

    # The replay page, reached from the live page's link.
    rpage.goto(f"/consultations/portal/c/{consultation.pk}/live/")
    rpage.get_by_test_id("replay-link").click()
    expect(rpage.get_by_test_id("video-link")).to_have_attribute("href", VIDEO + "/replay")
    expect(rpage.get_by_test_id("replay-minutes")).to_contain_text("会议认为应先解决停车难。")
    expect(rpage.get_by_test_id("replay-questions")).to_contain_text("加装电梯的费用怎么分摊？")
    expect(rpage.get_by_test_id("replay-votes")).to_contain_text("是否赞成先解决停车难？")
    expect(rpage.get_by_test_id("replay-outcomes")).to_contain_text("关于老旧小区停车的建议")
    expect(rpage.get_by_test_id("replay-outcomes")).to_contain_text("市住房局")
    expect(rpage.get_by_test_id(f"count-{no.pk}")).to_have_text("1")
    assert axe(rpage) == []
    rctx.close()

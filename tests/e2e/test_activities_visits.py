"""Browser tests of supervision visits and members' studios (#13), in Chinese and in English.

Staff form a supervision group and record a visit through the real forms (a refusal first, keeping what was typed);
the visit's recommendation appears as a tracked outcome, which staff send to the responsible bureau and see as sent
on the visit's page. A resident books a slot of a studio's reception day on his phone (confirmed by SMS); the
member on duty records the issue he raised and turns it into a proposal draft, which the issue links to."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.conftest import login
from tests.e2e.test_activities import LANGUAGES, _defaults, staff_login, tr  # noqa: F401 - _defaults is autouse
from tests.factories import PASSWORD, HandlingUnitFactory, make_user
from xieshang.accounts.models import Role
from xieshang.activities import services
from xieshang.activities.models import Activity, ActivityKind, Booking, ReceptionIssue
from xieshang.consultations.models import Outcome
from xieshang.notifications.models import SmsMessage
from xieshang.proposals.models import Proposal


@pytest.mark.parametrize("language", LANGUAGES)
def test_staff_record_a_supervision_visit_and_track_its_recommendation(page, organization, language, axe):
    def t(text, **values):
        return tr(language, text, **values)

    staff = make_user(Role.COMMITTEE_STAFF, organization, username="committee", name="赵工作", language=language)
    make_user(Role.MEMBER, organization, username="leader", name="孙委员")
    make_user(Role.MEMBER, organization, username="memberx", name="李委员")
    HandlingUnitFactory(organization=organization, name="市水利局")
    starts = timezone.now() + datetime.timedelta(hours=1)
    services.activity_create(
        actor=staff,
        organization=organization,
        kind=ActivityKind.objects.get(organization=None, key="supervision"),
        title="防汛工作专项督导",
        organizer_kind=Activity.Organizer.COMMITTEE,
        organizer_name="城建环保委员会",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(days=5),
    )

    staff_login(page, staff, language)
    page.goto("/workbench/")
    page.get_by_role("navigation").get_by_role("link", name=t("履职活动"), exact=True).click()
    page.get_by_role("link", name="防汛工作专项督导").click()
    page.get_by_test_id("group-new").click()
    form = page.get_by_test_id("group-form")
    form.get_by_label(t("组名")).fill("第一督导组")
    form.get_by_label(t("组长")).select_option(label="孙委员")
    form.get_by_label("李委员").check()
    form.get_by_role("button", name=t("保存")).click()
    expect(page.get_by_test_id("groups")).to_contain_text("第一督导组")

    page.get_by_test_id("visit-new").click()
    form = page.get_by_test_id("visit-form")
    visited = timezone.localtime() - datetime.timedelta(hours=3)
    form.get_by_label(t("工作组")).select_option(label="第一督导组")
    form.get_by_label(t("走访地点")).fill("贾鲁河综合治理工程")
    form.get_by_label(t("走访时间")).fill(visited.strftime("%Y-%m-%dT%H:%M"))
    form.get_by_label(t("带队")).select_option(label="孙委员")
    form.get_by_label(re.compile(rf"^{t('意见建议')}[:：]?$")).fill("汛前完成剩余河段清淤")
    form.get_by_label(t("责任单位")).select_option(label="市水利局")
    form.get_by_role("button", name=t("保存")).click()
    expect(page.locator(".field-error")).to_contain_text(t("请填写%(label)s。", label=t("发现的问题")))
    expect(page.get_by_label(t("走访地点"))).to_have_value("贾鲁河综合治理工程")
    assert not Outcome.objects.exists()
    page.get_by_label(t("发现的问题")).fill("部分河段清淤未完成，应急物资储备点台账与实物不符。")
    page.get_by_test_id("visit-form").get_by_role("button", name=t("保存")).click()

    expect(page.get_by_test_id("findings")).to_contain_text("应急物资储备点台账与实物不符")
    recommendations = page.get_by_test_id("recommendations")
    expect(recommendations).to_contain_text("市水利局")
    expect(recommendations).to_contain_text(t("待报送"))
    assert axe(page) == []
    recommendations.get_by_role("link", name="汛前完成剩余河段清淤").click()
    page.get_by_role("button", name=t("报送责任方")).click()
    expect(page.get_by_test_id("state")).to_have_text(t("已报送"))
    page.get_by_test_id("outcome-origin").click()
    expect(page.get_by_test_id("recommendations")).to_contain_text(t("已报送"))
    outcome = Outcome.objects.get()
    assert outcome.origin.place == "贾鲁河综合治理工程" and outcome.owner_unit.name == "市水利局"


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_resident_books_and_the_member_on_duty_turns_his_issue_into_a_proposal(
    page, phone_page, organization, language
):
    def t(text, **values):
        return tr(language, text, **values)

    staff = make_user(Role.COMMITTEE_STAFF, organization, username="committee", name="赵工作", language=language)
    member = make_user(Role.MEMBER, organization, username="onduty", name="孙委员", language=language)
    make_user(Role.CITIZEN, organization, username="resident", name="周居民", phone="18600000009", language=language)
    studio = services.studio_create(
        actor=staff,
        organization=organization,
        name="文化路委员工作室",
        place="文化路街道党群服务中心",
        members=[member],
    )
    starts = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0) + datetime.timedelta(days=1)
    reception = services.reception_schedule(
        actor=staff, studio=studio, starts_at=starts, ends_at=starts + datetime.timedelta(hours=2), on_duty=[member]
    )

    # The resident, on his phone: the studios → the studio → its reception day → a slot.
    login(phone_page, "resident", PASSWORD)
    phone_page.goto("/workbench/")
    phone_page.goto("/activities/studios/")
    phone_page.get_by_role("link", name="文化路委员工作室").click()
    phone_page.get_by_test_id("receptions").get_by_role("link").first.click()
    booking = phone_page.get_by_test_id("booking-form")
    booking.get_by_label(t("时段")).select_option(label="09:30")
    booking.get_by_role("button", name=t("预约")).click()
    expect(phone_page.locator(".field-error")).to_contain_text(t("请填写%(label)s。", label=t("反映事项")))
    phone_page.get_by_label(t("反映事项")).fill("文化路一号院加装电梯")
    phone_page.get_by_test_id("booking-form").get_by_role("button", name=t("预约")).click()
    expect(phone_page.get_by_test_id("my-booking")).to_contain_text("09:30")
    assert SmsMessage.objects.filter(phone="18600000009").exists()
    assert Booking.objects.get().subject == "文化路一号院加装电梯"

    # The member on duty: his workbench → the reception day → the issue → a proposal draft.
    login(page, "onduty", PASSWORD)
    page.goto("/workbench/")
    page.locator('[data-section="activities_member"]').get_by_role("link", name=reception.activity.title).click()
    page.get_by_test_id("reception-link").click()
    expect(page.get_by_test_id("bookings")).to_contain_text("文化路一号院加装电梯")
    page.get_by_text(t("记录问题"), exact=True).click()
    issue = page.get_by_test_id("issue-form")
    issue.get_by_label(re.compile(rf"^{t('问题')}[:：]?$")).fill("老旧小区加装电梯资金分摊难")
    issue.get_by_label(t("具体情况")).fill(
        "文化路一号院建于上世纪九十年代，六层无电梯，老年住户占一半以上，希望统一协调加装电梯的资金分摊和审批手续。"
    )
    issue.get_by_label(t("预约")).select_option(index=1)
    issue.get_by_role("button", name=t("保存")).click()
    saved = ReceptionIssue.objects.get()
    turn = page.get_by_test_id(f"turn-{saved.pk}")
    turn.get_by_label(t("转为"), exact=True).select_option("proposal")
    turn.get_by_role("button", name=t("转办")).click()
    page.get_by_test_id("issue-link").click()
    proposal = Proposal.objects.get()
    assert proposal.submitter == member and proposal.title == "老旧小区加装电梯资金分摊难"
    expect(page.locator("h1")).to_contain_text("老旧小区加装电梯资金分摊难")

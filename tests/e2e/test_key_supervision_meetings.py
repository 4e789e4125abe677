"""Key proposals' supervision in the browser (#15, decision 0031), in Chinese and in English: the lead unit puts its
proposal forward as a key-proposal candidate from the proposal page; the proposals office sees who proposed it,
records the chairpersons' meeting choosing it and publishes the list, appoints the leader and creates a supervision
meeting (a 提案办理协商 consultation) from the supervision page; the leader finds the meeting on his workbench and
checks in through the code staff show; staff hold it, write the minutes and a recommendation on the consultation's
own page; the leader reads them on the supervision page and records his assessment (a missing grade is refused with
the text kept); staff open the year's summary and download its Word file, which python-docx reads back. axe finds no
serious or critical violation on the supervision page and the summary page."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.test_activities import LANGUAGES, tr
from tests.e2e.test_key_proposals import _label, _world, add_supervisor, decide_and_publish, open_as
from tests.proposals.test_views_support import make_proposal
from xieshang.consultations.models import Consultation, Invitation
from xieshang.proposals.models import KeyAssessment, KeyCandidate


@pytest.mark.parametrize("language", LANGUAGES)
def test_unit_candidate_meeting_checkin_minutes_assessment_and_summary(
    browser, live_server, organization, language, axe
):
    def t(text, **values):
        return tr(language, text, **values)

    w = _world(organization, language)
    p = make_proposal(w, title="关于加快老旧小区加装电梯的建议", to="handling")
    contexts = []

    def session(user):
        return open_as(browser, live_server, contexts, user, language)

    try:
        # The lead unit puts the proposal forward from its page, reached from the workbench.
        unit = session(w.officers[0])
        unit.goto("/workbench/")
        unit.locator('[data-section="proposals_unit"]').get_by_role("link", name=re.compile(re.escape(p.title))).click()
        form = unit.locator("#act-key-candidate")
        form.get_by_label(_label(t, "推荐理由")).fill("涉及多个部门，需领导协调推进")
        form.get_by_role("button", name=t("列入候选名单")).click()
        expect(unit.get_by_test_id("key-candidacy")).to_be_visible()
        assert KeyCandidate.objects.get().proposer_unit == w.units[0]

        # The office sees who proposed it, records the chairpersons' meeting and publishes the list.
        office = session(w.staff)
        office.goto("/workbench/")
        office.get_by_role("navigation").get_by_role("link", name=t("提案"), exact=True).click()
        office.get_by_role("link", name=t("重点提案遴选")).first.click()
        expect(office.get_by_test_id("candidate-proposer")).to_contain_text("市住房局（市住房局经办人）")
        decide_and_publish(office, t, p)

        # From the supervision page: the leader, then the supervision meeting (a consultation about the proposal).
        add_supervisor(office, t)
        create = office.locator("#act-consultation")
        expect(create.get_by_label(_label(t, "会议名称"))).to_have_value(t("《%(title)s》督办协商会", title=p.title))
        create.get_by_label(_label(t, "会议名称")).fill("加装电梯督办协商会")
        create.get_by_label(_label(t, "地点")).fill("市政协三楼会议室")
        create.get_by_role("button", name=t("创建督办协商会")).click()
        expect(office.get_by_role("heading", level=1)).to_have_text("加装电梯督办协商会")
        expect(office.get_by_test_id("consultation-origin")).to_contain_text(p.title)
        c = Consultation.objects.get()
        assert c.kind == "handling" and c.origin == p
        assert set(Invitation.objects.values_list("user__username", flat=True)) >= {"officer0", "lead", "leader"}
        office.get_by_role("link", name=t("签到二维码")).click()
        checkin_url = office.get_by_test_id("checkin-url").inner_text()

        # The leader finds the meeting on his workbench, opens it and checks in with the code shown at the venue.
        leader = session(w.leader)
        leader.goto("/workbench/")
        leader.locator('[data-section="consultations_member"]').get_by_role("link", name="加装电梯督办协商会").click()
        expect(leader.get_by_test_id("consultation-origin")).to_contain_text(p.title)
        leader.goto(checkin_url)
        leader.get_by_role("button", name=t("确认签到")).click()
        expect(leader.get_by_test_id("checked-in")).to_be_visible()
        assert Invitation.objects.get(user=w.leader).checked_in_at is not None

        # Staff hold the meeting, write the minutes and a recommendation on the consultation's page.
        office.goto(c.get_absolute_url())
        office.get_by_role("button", name=t("已召开")).click()
        expect(office.get_by_test_id("state")).to_have_text(t("已召开，待报纪要"))
        office.get_by_role("textbox", name=_label(t, "协商纪要")).fill("会议商定：年底前完成 12 个小区加装电梯。")
        office.get_by_role("button", name=t("保存纪要")).click()
        expect(office.get_by_test_id("minutes")).to_contain_text("年底前完成 12 个小区加装电梯")
        office.get_by_text(t("形成建议案")).click()
        office.get_by_label(_label(t, "事项")).fill("建立加装电梯联合审批机制")
        office.get_by_label(_label(t, "责任单位")).select_option(label="市住房局")
        office.locator("form[action$='/recommendations/']").get_by_role("button", name=t("保存")).click()
        expect(office.get_by_test_id("outcomes")).to_contain_text("建立加装电梯联合审批机制")

        # The leader reads them on the supervision page and assesses the handling; a missing grade keeps the text.
        leader.goto("/workbench/")
        leader.locator('[data-section="proposals_leader"]').get_by_role(
            "link", name=re.compile(re.escape(p.title))
        ).click()
        meetings = leader.get_by_test_id("key-consultation")
        expect(meetings).to_contain_text("加装电梯督办协商会")
        expect(meetings.get_by_test_id("consultation-minutes")).to_contain_text("年底前完成 12 个小区加装电梯")
        expect(meetings.get_by_test_id("consultation-recommendations")).to_contain_text("建立加装电梯联合审批机制")
        assess = leader.locator("#act-assessment")
        assess.get_by_label(_label(t, "评价意见")).fill("承办单位积极主动，进度符合计划。")
        assess.get_by_role("button", name=t("保存评价")).click()
        expect(leader.locator(".field-error")).to_contain_text(t("请选择评价等次。"))
        assess = leader.locator("#act-assessment")
        expect(assess.get_by_label(_label(t, "评价意见"))).to_have_value("承办单位积极主动，进度符合计划。")
        assess.get_by_label(t("满意"), exact=True).check()
        assess.get_by_role("button", name=t("保存评价")).click()
        expect(leader.get_by_test_id("assessments")).to_contain_text("承办单位积极主动")
        expect(leader.get_by_test_id("assessments")).to_contain_text(t("满意"))
        assert KeyAssessment.objects.get().leader == w.leader
        assert axe(leader) == []

        # The office opens the year's summary and downloads its Word file.
        office.goto("/workbench/")
        office.get_by_role("navigation").get_by_role("link", name=t("提案"), exact=True).click()
        office.get_by_role("link", name=t("重点提案遴选")).first.click()
        office.get_by_role("link", name=t("重点提案办理总结")).click()
        row = office.get_by_test_id("summary-row")
        expect(row).to_contain_text(p.title)
        expect(row).to_contain_text("加装电梯督办协商会")
        expect(row).to_contain_text("承办单位积极主动")
        assert axe(office) == []
        with office.expect_download() as download:
            office.get_by_test_id("summary-docx").click()
        from docx import Document

        document = Document(str(download.value.path()))
        text = "\n".join(
            [para.text for para in document.paragraphs]
            + [cell.text for table in document.tables for r in table.rows for cell in r.cells]
        )
        assert p.title in text and "承办单位积极主动" in text and "加装电梯督办协商会" in text
        assert t("%(conference)s%(year)s年度重点提案办理情况总结", conference="", year=p.year).strip() in text
    finally:
        for context in contexts:
            context.close()

"""The whole key-proposal journey in the browser, each role in its own session, reached from the workbench through the
real forms (#15; decisions 0025, 0028, 0031, 0034): the proposals office puts a proposal in handling forward as a
candidate, records the chairpersons' meeting choosing it and publishes the list, appoints the supervising leader and
plans a milestone; the leader writes an instruction (批示, the one instruction model shared with opinion reports); the
lead unit records its contact with the lead member, the member confirms it; the unit reports progress on the
milestone and replies with grade B and a promise, the co-handler countersigns and the supervisor approves; the
member finds the promise tracked and rates the handling; the unit carries the promise out and the member rates the
delivery; the office holds the supervision meeting (a 提案办理协商 consultation) with minutes; the leader reads them and
assesses; the office downloads the year's summary in Word, which names the instruction, the meeting, the assessment
and the promise. In Chinese and in English."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.test_activities import LANGUAGES, tr
from tests.e2e.test_key_proposals import _label, _world, add_supervisor, decide_and_publish, open_as
from tests.proposals.test_views_support import make_proposal
from xieshang.consultations.models import Consultation, Outcome, Rating
from xieshang.instructions.models import Instruction
from xieshang.proposals.models import KeyAssessment, KeyProgress

INSTRUCTION = "请市住房局抓紧推进，年底前见成效。"
PROMISE = "年内完成三个小区加装电梯试点。"


@pytest.mark.parametrize("language", LANGUAGES)
def test_key_proposal_from_candidate_to_the_years_summary(browser, live_server, organization, language):
    def t(text, **values):
        return tr(language, text, **values)

    w = _world(organization, language)
    w.supervisor.language = language
    w.supervisor.save(update_fields=["language"])
    p = make_proposal(w, title="关于加快老旧小区加装电梯的建议", to="handling")
    contexts: list = []

    def session(user, *, staff=True):
        return open_as(browser, live_server, contexts, user, language, staff=staff)

    def proposal_from_workbench(page, section):
        page.goto("/workbench/")
        page.locator(f'[data-section="{section}"]').get_by_role(
            "link", name=re.compile(re.escape(p.title))
        ).first.click()

    try:
        # The office: candidate from the proposal page, the chairpersons' meeting, publication.
        office = session(w.staff)
        office.goto("/workbench/")
        office.get_by_role("navigation").get_by_role("link", name=t("提案"), exact=True).click()
        office.get_by_role("link", name=t("重点提案遴选")).first.click()
        office.goto(p.get_absolute_url())
        form = office.locator("#act-key-candidate")
        form.get_by_label(_label(t, "推荐理由")).fill("群众关注度高，涉及面广")
        form.get_by_role("button", name=t("列入候选名单")).click()
        office.get_by_test_id("key-candidacy").get_by_role("link").click()
        decide_and_publish(office, t, p)

        # The supervising leader and the plan's milestone, on the supervision page.
        add_supervisor(office, t)
        step = office.locator("#act-milestone")
        step.get_by_label(_label(t, "节点任务")).fill("完成加装电梯选址和居民意见征询")
        step.get_by_label(_label(t, "完成时限")).fill((timezone.localdate() + timedelta(days=30)).isoformat())
        step.get_by_role("button", name=t("添加节点")).click()
        expect(office.get_by_test_id("milestone")).to_contain_text("完成加装电梯选址和居民意见征询")
        supervision_url = office.url

        # The leader, from his workbench, writes an instruction.
        leader = session(w.leader)
        proposal_from_workbench(leader, "proposals_leader")
        instruct = leader.locator("#act-instruction")
        instruct.get_by_label(_label(t, "批示内容")).fill(INSTRUCTION)
        instruct.get_by_role("button", name=t("提交批示")).click()
        expect(leader.get_by_test_id("instructions")).to_contain_text(INSTRUCTION)
        expect(leader.get_by_test_id("instructions")).to_contain_text("副主席")
        given = Instruction.objects.get()
        assert (given.subject, given.leader, given.leader_title) == (p, w.leader, "副主席")

        # The lead unit records its contact with the lead member; the member confirms it from his workbench.
        unit = session(w.officers[0])
        proposal_from_workbench(unit, "proposals_unit")
        contact = unit.locator("#act-contact")
        contact.get_by_label(t("电话沟通")).check()
        contact.get_by_label(_label(t, "沟通日期")).fill(timezone.localdate().isoformat())
        contact.get_by_label(_label(t, "沟通对象")).fill("领衔委员本人")
        contact.get_by_label(_label(t, "沟通情况及商定事项")).fill("电话沟通办理思路，商定先行试点。")
        contact.get_by_role("button", name=t("记录沟通情况")).click()
        expect(unit.get_by_test_id("contacts")).to_contain_text("商定先行试点")
        member = session(w.lead, staff=False)
        proposal_from_workbench(member, "proposals_member")
        member.locator("#act-contact-response").get_by_label(t("属实，确认")).check()
        member.locator("#act-contact-response").get_by_role("button", name=t("提交"), exact=True).click()
        expect(member.get_by_test_id("contact-response")).to_have_text(t("委员已确认"))

        # The unit reports progress on the milestone (from the proposal page to its supervision page) ...
        unit.get_by_test_id("supervision-link").click()
        progress = unit.locator("#act-progress")
        progress.get_by_label(_label(t, "督办计划节点")).select_option(index=1)
        progress.get_by_label(_label(t, "进展情况")).fill("已完成 12 个小区的选址，居民同意率 90%。")
        progress.get_by_label(_label(t, "本节点已完成")).check()
        progress.get_by_role("button", name=t("报告进展")).click()
        expect(unit.get_by_test_id("progress")).to_contain_text("已完成 12 个小区的选址")
        assert KeyProgress.objects.get().unit == w.units[0]

        # ... and replies with grade B and a promise; the co-handler countersigns, the supervisor approves.
        unit.goto(p.get_absolute_url())
        reply = unit.locator("#act-reply")
        reply.get_by_label(_label(t, "答复文号")).fill("郑房函〔2026〕12号")
        reply.get_by_label(_label(t, "联系人")).fill("王科长")
        reply.get_by_label(_label(t, "联系电话")).fill("0371-67180000")
        reply.get_by_label(_label(t, "答复正文")).fill("已将老旧小区加装电梯列入年度计划。")
        reply.get_by_label(_label(t, "答复类别")).select_option("B")
        reply.get_by_label(_label(t, "承诺事项")).fill(PROMISE)
        reply.get_by_label(_label(t, "承诺完成时限")).fill((timezone.localdate() + timedelta(days=120)).isoformat())
        reply.get_by_role("button", name=t("提交答复")).click()
        expect(unit.get_by_test_id("state")).to_have_text(t("会签中"))
        co_unit = session(w.officers[1])
        proposal_from_workbench(co_unit, "proposals_unit")
        co_unit.locator("#act-countersign").get_by_label(_label(t, "会签意见")).fill("同意")
        co_unit.locator("#act-countersign").get_by_role("button", name=t("会签")).click()
        expect(co_unit.get_by_test_id("state")).to_have_text(t("督办审核"))
        supervisor = session(w.supervisor)
        supervisor.goto("/proposals/supervisor/")
        supervisor.get_by_role("link", name=p.title).click()
        supervisor.locator("#act-supervise").get_by_role("button", name=t("审核通过")).click()
        expect(supervisor.get_by_test_id("state")).to_have_text(t("已答复待评价"))

        # The member finds the promise tracked and rates the handling.
        member.reload()
        expect(member.get_by_test_id("grade")).to_have_text("B")
        expect(member.get_by_test_id("promise")).to_contain_text(PROMISE)
        expect(member.get_by_test_id("promise-outcome")).to_be_visible()
        member.get_by_label(t("满意"), exact=True).check()
        member.get_by_role("button", name=t("提交评价")).click()
        expect(member.get_by_test_id("my-rating")).to_contain_text(t("满意"))
        promise = Outcome.objects.get(title__contains=PROMISE)

        # The promise is followed to its delivery: the unit takes it on, reports it carried out, and the member rates
        # the delivery on the same tracking page.
        unit.goto(p.get_absolute_url())
        unit.get_by_test_id("promise-outcome").click()
        expect(unit.get_by_test_id("promised-on")).to_be_visible()
        unit.get_by_role("button", name=t("采纳"), exact=True).click()
        unit.get_by_role("button", name=t("开始落实"), exact=True).click()
        expect(unit.get_by_test_id("state")).to_have_text(t("落实中"))
        unit.get_by_label(_label(t, "进展情况")).fill("三个试点小区的电梯已投入使用。")
        unit.get_by_label(_label(t, "完成比例（%）")).fill("100")
        unit.get_by_role("button", name=t("记录进展")).click()
        expect(unit.get_by_test_id("progress")).to_contain_text("三个试点小区的电梯已投入使用")
        unit.get_by_role("button", name=t("落实完成"), exact=True).click()
        expect(unit.get_by_test_id("state")).to_have_text(t("已办结"))
        member.goto(p.get_absolute_url())
        member.get_by_test_id("promise-outcome").click()
        delivered = member.get_by_test_id("rating-form")
        delivered.get_by_label(t("满意"), exact=True).check()
        delivered.get_by_role("button", name=t("提交评价")).click()
        expect(member.get_by_test_id("my-rating")).to_contain_text(t("满意"))
        assert Rating.objects.get(outcome=promise, user=w.lead).score == 3

        # The office holds the supervision meeting from the supervision page, with minutes.
        office.goto(supervision_url)
        create = office.locator("#act-consultation")
        create.get_by_label(_label(t, "会议名称")).fill("加装电梯督办协商会")
        create.get_by_label(_label(t, "地点")).fill("市政协三楼会议室")
        create.get_by_role("button", name=t("创建督办协商会")).click()
        expect(office.get_by_test_id("consultation-origin")).to_contain_text(p.title)
        assert Consultation.objects.get().kind == "handling"
        office.get_by_role("button", name=t("已召开")).click()
        expect(office.get_by_test_id("state")).to_have_text(t("已召开，待报纪要"))
        office.get_by_role("textbox", name=_label(t, "协商纪要")).fill("会议商定：年底前完成 12 个小区加装电梯。")
        office.get_by_role("button", name=t("保存纪要")).click()
        expect(office.get_by_test_id("minutes")).to_contain_text("年底前完成 12 个小区加装电梯")

        # The leader reads the meeting on the supervision page and assesses the handling.
        proposal_from_workbench(leader, "proposals_leader")
        expect(leader.get_by_test_id("key-consultation")).to_contain_text("加装电梯督办协商会")
        expect(leader.get_by_test_id("instructions")).to_contain_text(INSTRUCTION)
        assess = leader.locator("#act-assessment")
        assess.get_by_label(_label(t, "评价意见")).fill("承办单位积极主动，进度符合计划。")
        assess.get_by_label(t("满意"), exact=True).check()
        assess.get_by_role("button", name=t("保存评价")).click()
        expect(leader.get_by_test_id("assessments")).to_contain_text("承办单位积极主动")
        assert KeyAssessment.objects.get().leader == w.leader

        # The office downloads the year's summary from its workbench; the Word file tells the whole story.
        office.goto("/workbench/")
        office.get_by_role("navigation").get_by_role("link", name=t("提案"), exact=True).click()
        office.get_by_role("link", name=t("重点提案遴选")).first.click()
        office.get_by_role("link", name=t("重点提案办理总结")).click()
        row = office.get_by_test_id("summary-row")
        expect(row).to_contain_text(INSTRUCTION)
        expect(row).to_contain_text("加装电梯督办协商会")
        with office.expect_download() as download:
            office.get_by_test_id("summary-docx").click()
        from docx import Document

        document = Document(str(download.value.path()))
        text = "\n".join(
            [para.text for para in document.paragraphs]
            + [cell.text for table in document.tables for r in table.rows for cell in r.cells]
        )
        for expected in (p.title, INSTRUCTION, "加装电梯督办协商会", "承办单位积极主动", PROMISE):
            assert expected in text, expected
    finally:
        for context in contexts:
            context.close()

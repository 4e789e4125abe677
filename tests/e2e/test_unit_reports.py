"""Units' annual handling reports and the evaluation of units in the browser (#15, decision 0030), in Chinese and in
English: the unit's officer opens the draft from his workbench (its figures counted from the unit's records), a
submission without a title is refused with the text kept, he edits and submits; the proposals office sends it back
with a reason; the officer corrects and resubmits; the office accepts and publishes it; the officer downloads it as
Word and the document carries the figure; the office sets the evaluation's weights (a negative weight refused, what
was typed kept) and opens the ranking, whose score is the one computed from the records; the public page lists the
published report. axe finds no serious or critical violation on the report and the ranking."""

import re

import pytest
from django.utils import timezone
from docx import Document
from playwright.sync_api import expect

from tests.e2e.test_activities import LANGUAGES, staff_login, tr
from tests.e2e.test_key_proposals import _label, _world
from tests.proposals.test_views_support import make_proposal
from xieshang.proposals import selectors, unit_records
from xieshang.proposals.models import Reply, UnitEvaluationWeights, UnitReport

YEAR = timezone.localdate().year


@pytest.mark.parametrize("language", LANGUAGES)
def test_unit_report_drafted_returned_published_downloaded_and_units_ranked(
    browser, live_server, organization, language, axe, tmp_path, monkeypatch
):
    # The workbench offers the report of the year being reported on (this year from November): this year here.
    monkeypatch.setattr(selectors, "report_year", lambda: YEAR)

    def t(text, **values):
        return tr(language, text, **values)

    w = _world(organization, language)
    # The unit's year: one proposal led, replied B (late), rated satisfied and basically satisfied.
    proposal = make_proposal(w, title="关于加快老旧小区加装电梯的建议", to="rated")
    Reply.objects.filter(proposal=proposal).update(on_time=False)
    contexts = []

    def open_as(user):
        context = browser.new_context(
            base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 900}, accept_downloads=True
        )
        context.set_default_timeout(15000)
        contexts.append(context)
        page = context.new_page()
        staff_login(page, user, language)
        return page

    try:
        # The officer opens the draft from his workbench; its figures are the unit's records.
        unit = open_as(w.officers[0])
        unit.goto("/workbench/")
        section = unit.locator('[data-section="proposals_unit_reports"]')
        section.get_by_role("link", name=t("起草%(year)s年度提案办理工作总结", year=YEAR)).click()
        unit.get_by_role("button", name=t("根据办理记录起草")).click()
        figures = unit.get_by_test_id("figures")
        expect(figures.locator('[data-figure="lead"]')).to_have_text("1")
        expect(figures.locator('[data-figure="late"]')).to_have_text("1")
        expect(figures.locator('[data-figure="satisfied"]')).to_have_text("1")
        form = unit.locator("#act-report")
        text = form.get_by_label(_label(t, "正文"))
        timeliness = t(
            "一、办理时效。全年首轮答复%(replied)s件，其中按期答复%(on_time)s件、逾期答复%(late)s件，按期答复率%(rate)s。",
            replied=1,
            on_time=0,
            late=1,
            rate="0%",
        )
        expect(text).to_have_value(re.compile(re.escape(timeliness)))
        # A submission without a title is refused beside the field; what was typed stays.
        form.get_by_label(_label(t, "标题")).fill("")
        text.fill("我局高度重视提案办理工作。全年首轮答复1件。")
        form.get_by_role("button", name=t("保存并提交审核")).click()
        expect(unit.locator(".field-error")).to_contain_text(t("请填写%(label)s。", label=t("标题")))
        expect(unit.locator("#act-report").get_by_label(_label(t, "正文"))).to_have_value(
            "我局高度重视提案办理工作。全年首轮答复1件。"
        )
        report = UnitReport.objects.get()
        assert report.status == "draft"
        form = unit.locator("#act-report")
        form.get_by_label(_label(t, "标题")).fill("市住房局年度政协提案办理工作总结")
        form.get_by_role("button", name=t("保存并提交审核")).click()
        expect(unit.get_by_test_id("report-status")).to_contain_text(t("已提交，待审核"))
        assert axe(unit) == []

        # The office finds it from its workbench and sends it back with a reason.
        office = open_as(w.staff)
        office.goto("/workbench/")
        office.locator('[data-section="proposals_unit_evaluation"]').get_by_role(
            "link", name=t("承办单位年度办理工作总结")
        ).click()
        office.locator('tr[data-unit="市住房局"]').get_by_role("link", name=t("打开")).click()
        back = office.locator("#act-return")
        back.get_by_label(_label(t, "退回理由")).fill("请补充承诺事项的落实计划。")
        back.get_by_role("button", name=t("退回修改")).click()
        expect(office.get_by_test_id("report-status")).to_contain_text(t("已退回修改"))

        # The officer reads the reason, corrects and resubmits.
        unit.reload()
        expect(unit.get_by_test_id("return-reason")).to_contain_text("请补充承诺事项的落实计划。")
        form = unit.locator("#act-report")
        form.get_by_label(_label(t, "正文")).fill("我局高度重视提案办理工作。\n\n承诺事项将于年内落实。")
        form.get_by_role("button", name=t("保存并提交审核")).click()
        expect(unit.get_by_test_id("report-status")).to_contain_text(t("已提交，待审核"))

        # The office accepts and publishes.
        office.reload()
        office.get_by_role("button", name=t("审核通过")).click()
        expect(office.get_by_test_id("report-status")).to_contain_text(t("审核通过，待公布"))
        office.get_by_role("button", name=t("公布"), exact=True).click()
        expect(office.get_by_test_id("report-status")).to_contain_text(t("已公布"))
        report.refresh_from_db()
        assert report.status == "published" and report.figures["late"] == 1

        # The officer downloads it as Word: the document carries the text and the figure.
        unit.reload()
        with unit.expect_download() as download:
            unit.get_by_test_id("docx").click()
        path = tmp_path / "report.docx"
        download.value.save_as(path)
        document = Document(str(path))
        assert "承诺事项将于年内落实。" in [p.text for p in document.paragraphs]
        cells = [c.text for table in document.tables for row in table.rows for c in row.cells]
        assert cells[cells.index(t("逾期答复")) + 1] == "1"

        # The published report is on the public page of proposal handling.
        office.goto(f"/proposals/public/{organization.code}/unit-reports/")
        expect(office.get_by_test_id("public-unit-reports")).to_contain_text("市住房局年度政协提案办理工作总结")

        # The office sets the weights (a negative one refused, what was typed kept) and opens the ranking.
        office.goto("/workbench/")
        office.locator('[data-section="proposals_unit_evaluation"]').get_by_role(
            "link", name=t("承办单位办理工作评价")
        ).click()
        office.get_by_role("link", name=t("设置评价权重")).click()
        weights = office.locator("#act-weights")
        for label, value in (
            ("按期答复率权重（%）", "-10"),
            ("满意率权重（%）", "60"),
            ("承诺按期兑现率权重（%）", "40"),
            ("解决落实率权重（%）", "10"),
        ):
            weights.get_by_label(_label(t, label)).fill(value)
        weights.get_by_role("button", name=t("保存权重")).click()
        expect(office.locator(".field-error")).to_contain_text(t("权重不能为负数。"))
        expect(office.locator("#act-weights").get_by_label(_label(t, "满意率权重（%）"))).to_have_value("60")
        assert not UnitEvaluationWeights.objects.exists()
        office.locator("#act-weights").get_by_label(_label(t, "按期答复率权重（%）")).fill("50")
        office.locator("#act-weights").get_by_label(_label(t, "满意率权重（%）")).fill("30")
        office.locator("#act-weights").get_by_label(_label(t, "承诺按期兑现率权重（%）")).fill("10")
        office.locator("#act-weights").get_by_role("button", name=t("保存权重")).click()
        ranking = office.get_by_test_id("ranking")
        row = ranking.locator('tr[data-unit="市住房局"]')
        # on time 0 % × 50, satisfaction 100 % × 30, grades (B) 100 % × 10, no promise settled: (0 + 3000 + 1000) / 90
        expected = unit_records.evaluation(organization.pk, YEAR)[0]
        assert expected.unit == "市住房局" and expected.score == 44.4
        expect(row.locator("[data-score]")).to_have_text("44.4")
        expect(row.locator("td").first).to_have_text("1")
        assert axe(office) == []
    finally:
        for context in contexts:
            context.close()

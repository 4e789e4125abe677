"""The accepted annual duty report in its official form (常委年度述职报告): Word (python-docx) and PDF (WeasyPrint),
the CJK serif font named in the CSS and in Word's w:eastAsia slot, as proposals print their reply letters."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from xieshang.core.documents import SANS, SERIF, run
from xieshang.core.http import safe_filename

from .models import DutyReport
from .selectors.report import figures_for, render

CSS_PATH = Path(__file__).resolve().parent / "static" / "duties" / "print.css"


def report_figures(report: DutyReport) -> dict[str, str]:
    """The figures kept at submission; live ones while the report is a draft (or returned)."""
    if report.figures and report.state in (DutyReport.State.SUBMITTED, DutyReport.State.ACCEPTED):
        return dict(report.figures)
    return figures_for(report.member_id, report.organization_id, report.year)


def report_context(report: DutyReport, *, for_pdf: bool = False, profile: Any = None) -> dict:
    day = timezone.localtime(report.reviewed_at or report.submitted_at or timezone.now())
    member = report.member
    byline = member.display_name
    if profile is not None and profile.sector_id:
        byline = f"{byline}（{profile.sector.name}）"
    return {
        "report": report,
        "conference": report.organization.name,
        "byline": byline,
        "paragraphs": render(report.body, report_figures(report)),
        "date": f"{day:%Y年%m月%d日}",
        "for_pdf": for_pdf,
    }


def report_pdf(report: DutyReport, profile: Any = None) -> bytes:
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    html = render_to_string("duties/print_report.html", report_context(report, for_pdf=True, profile=profile))
    fonts = FontConfiguration()
    return HTML(string=html).write_pdf(stylesheets=[CSS(filename=str(CSS_PATH), font_config=fonts)], font_config=fonts)


def report_docx(report: DutyReport, profile: Any = None) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    context = report_context(report, profile=profile)
    doc = Document()
    for text, size, font in ((context["conference"], 16, SERIF), (report.title, 22, SANS)):
        head = doc.add_paragraph()
        head.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run(head, text, size, bold=True, font=font)
    byline = doc.add_paragraph()
    byline.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run(byline, context["byline"], 16)
    for pieces in context["paragraphs"]:
        para = doc.add_paragraph()
        para.paragraph_format.first_line_indent = Pt(32)
        para.paragraph_format.line_spacing = Pt(28)
        for piece in pieces:
            run(para, piece.text, 16)
    for text in (context["byline"], context["date"]):
        para = doc.add_paragraph()
        para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        run(para, text, 16)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def filename(report: DutyReport) -> str:
    """e.g. "2026年度履职情况述职报告-张委员" (without extension)."""
    return safe_filename(f"{report.title}-{report.member.display_name}", max_length=110)

"""A unit's annual handling report as Word (python-docx) and PDF (WeasyPrint, the CJK serif font of print.css), in
the official style of documents.py: the unit's name as a red header, the title, the text, and the table of the
figures the text was written from (decision 0030)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from xieshang.core.documents import SANS, docx_bytes, run

from . import unit_records
from .documents import LETTERHEAD_SIZES, _header, _paragraphs, render_pdf
from .models import UnitReport


def report_figures(report: UnitReport) -> dict[str, Any]:
    """The figures as submitted (what the office reviewed and published), or counted now for a draft."""
    if report.figures:
        return report.figures
    return unit_records.unit_figures(report.organization_id, report.unit_id, report.year)


def figure_rows(figures: dict[str, Any]) -> list[tuple[str, list[tuple[str, str, Any]]]]:
    """[(group label, [(key, label, value)])], then the rates."""
    groups = [
        (str(label), [(key, str(unit_records.BY_KEY[key].label), figures.get(key, 0)) for key in keys])
        for label, keys in unit_records.GROUPS
    ]
    rates = [
        (key, str(label), "-" if figures.get(key) is None else f"{figures[key]:g}%")
        for key, label in unit_records.RATES
    ]
    groups.append((_("比率"), rates))
    return groups


def context(report: UnitReport, *, for_pdf: bool = False) -> dict[str, Any]:
    day = timezone.localtime(report.published_at or report.submitted_at or report.updated_at)
    return {
        "report": report,
        "header": _header([report.unit.name], LETTERHEAD_SIZES, 0.1),
        "paragraphs": [p.strip() for p in report.text.splitlines() if p.strip()],
        "groups": figure_rows(report_figures(report)),
        "date": f"{day:%Y年%m月%d日}",
        "for_pdf": for_pdf,
    }


def report_pdf(report: UnitReport) -> bytes:
    out: bytes = render_pdf("proposals/unit_report_print.html", context(report, for_pdf=True)).write_pdf()
    return out


def report_docx(report: UnitReport) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    ctx = context(report)
    doc = Document()
    head = doc.add_paragraph()
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run(head, report.unit.name, 26, bold=True, color=(0xC0, 0x00, 0x00))
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run(title, report.title, 20, bold=True, font=SANS)
    _paragraphs(doc, report.text)
    for text in (report.unit.name, ctx["date"]):
        para = doc.add_paragraph()
        para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        run(para, text, 16)
    heading = doc.add_paragraph()
    run(heading, _("附表：%(year)s年度提案办理主要数据") % {"year": report.year}, 16, bold=True, font=SANS)
    table = doc.add_table(rows=0, cols=3)
    table.style = "Table Grid"
    for group, rows in ctx["groups"]:
        for i, (_key, label, value) in enumerate(rows):
            cells = table.add_row().cells
            run(cells[0].paragraphs[0], group if i == 0 else "", 12, bold=True)
            run(cells[1].paragraphs[0], label, 12)
            run(cells[2].paragraphs[0], str(value), 12)
    return docx_bytes(doc)


def filename(report: UnitReport) -> str:
    from xieshang.core.http import safe_filename

    return safe_filename(f"{report.year}-{report.unit.name}-提案办理工作总结", max_length=110)

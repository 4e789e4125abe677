"""The report's downloads: "生成工作报告统计稿" (a Word draft of the statistics paragraphs, sentences built from the
figures, which staff then edit) and the figures as an Excel workbook."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _

from xieshang.core.documents import SANS, SERIF, docx_bytes, paragraph, run
from xieshang.core.exports import safe_cell
from xieshang.core.figures import PERIODS as PERIOD_LABELS

from .selectors import Period, Row


def _period_label(period: Period) -> str:
    if period.is_year:
        return _("%(year)s年") % {"year": period.start.year}
    return _("%(start)s至%(end)s") % {"start": period.start.isoformat(), "end": period.end.isoformat()}


def section_paragraph(title: object, rows: list[Row]) -> str:
    """One paragraph per chapter: its figures' sentences joined the way the report writes them."""
    sentences = [row.sentence for row in rows if row.sentence]
    if not sentences:
        return ""
    return _("%(section)s：") % {"section": title} + _("，").join(sentences) + _("。")


def report_docx(organization: object, period: Period, sections: list) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    doc = Document()
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run(title, _("%(org)s%(period)s工作报告统计稿") % {"org": organization, "period": _period_label(period)}, 22)
    note = doc.add_paragraph()
    note.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run(note, _("（由平台根据记录生成，供起草工作报告时编辑使用）"), 14, font=SERIF)
    for _key, section_title, rows in sections:
        text = section_paragraph(section_title, rows)
        if not text:
            continue
        heading = doc.add_paragraph()
        run(heading, str(section_title), 16, font=SANS)
        paragraph(doc, text)
    heading = doc.add_paragraph()
    run(heading, _("附：数据表"), 16, font=SANS)
    table = doc.add_table(rows=1, cols=4)
    for cell, label in zip(table.rows[0].cells, (_("指标"), _("本期"), _("上年同期"), _("增减")), strict=True):
        cell.text = label
    for _key, _title, rows in sections:
        for row in rows:
            cells = table.add_row().cells
            cells[0].text = f"{row.figure.label}（{row.figure.unit}）"
            cells[1].text, cells[2].text, cells[3].text = str(row.value), str(row.previous), f"{row.change:+,}"
    return docx_bytes(doc)


def report_xlsx(organization: object, period: Period, sections: list) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = _("工作报告数据")[:31]
    sheet.append([safe_cell(str(organization)), safe_cell(_period_label(period))])
    header = [
        _("篇章"),
        _("指标标识"),
        _("指标"),
        _("单位"),
        _("本期"),
        _("上年同期"),
        _("增减"),
        _("计入口径"),
        _("问题"),
    ]
    sheet.append([str(h) for h in header])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for _key, section_title, rows in sections:
        for row in rows:
            f = row.figure
            sheet.append(
                [
                    safe_cell(str(section_title)),
                    f.key,
                    safe_cell(str(f.label)),
                    safe_cell(str(f.unit)),
                    row.value,
                    row.previous,
                    row.change,
                    safe_cell(str(PERIOD_LABELS[f.period])),
                    safe_cell(str(f.question)),
                ]
            )
    for column, width in zip("ABCDEFGHI", (14, 34, 30, 6, 10, 10, 10, 16, 50), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()

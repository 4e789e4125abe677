"""The bulletin issue in its printable forms: an HTML page for the browser, Word (python-docx) and PDF (WeasyPrint,
with the CJK font embedded so the file prints the same on a machine without it)."""

from __future__ import annotations

import io
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import timezone

from .models import BulletinIssue
from .selectors import settings_for

CSS_PATH = Path(__file__).resolve().parent / "static" / "opinions" / "bulletin.css"
SERIF = "Noto Serif CJK SC"
SANS = "Noto Sans CJK SC"


def masthead(issue: BulletinIssue) -> str:
    limits = settings_for(issue.organization_id)
    return limits.special_title if issue.kind == BulletinIssue.Kind.SPECIAL else limits.bulletin_title


def filename(issue: BulletinIssue) -> str:
    return f"{masthead(issue)}-{issue.year}-{issue.number or 'draft'}"


def issue_context(issue: BulletinIssue, reports, *, for_pdf: bool = False) -> dict:
    published = timezone.localtime(issue.published_at) if issue.published_at else None
    return {
        "issue": issue,
        "reports": reports,
        "masthead": masthead(issue),
        "published": published,
        "for_pdf": for_pdf,
    }


def issue_pdf(issue: BulletinIssue, reports) -> bytes:
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    html = render_to_string("opinions/issue_print.html", issue_context(issue, reports, for_pdf=True))
    fonts = FontConfiguration()
    return HTML(string=html).write_pdf(stylesheets=[CSS(filename=str(CSS_PATH), font_config=fonts)], font_config=fonts)


def _set_font(run, name: str, size_pt: float | None = None, bold: bool = False) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.name = name
    # Word picks East Asian text's font from w:eastAsia, which python-docx's font.name does not set.
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)
    if size_pt:
        run.font.size = Pt(size_pt)
    run.bold = bold


def issue_docx(issue: BulletinIssue, reports) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt, RGBColor

    doc = Document()
    head = doc.add_paragraph()
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = head.add_run(masthead(issue))
    _set_font(run, SERIF, 36, bold=True)
    run.font.color.rgb = RGBColor(0xC0, 0x00, 0x00)
    number = doc.add_paragraph()
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _set_font(number.add_run(f"{issue.year}年第{issue.number}期"), SERIF, 16)
    meta = doc.add_paragraph()
    published = timezone.localtime(issue.published_at) if issue.published_at else None
    _set_font(
        meta.add_run(f"{issue.organization.name}办公室编" + (f"　　{published:%Y年%m月%d日}" if published else "")),
        SERIF,
        12,
    )
    if issue.editor_note:
        note = doc.add_paragraph()
        _set_font(note.add_run(f"编者按：{issue.editor_note}"), SERIF, 12)
    for report in reports:
        title = doc.add_paragraph()
        title.alignment = WD_ALIGN_PARAGRAPH.CENTER
        title.paragraph_format.space_before = Pt(18)
        _set_font(title.add_run(report.title), SANS, 18, bold=True)
        for line in [p.strip() for p in report.body.splitlines() if p.strip()]:
            para = doc.add_paragraph()
            para.paragraph_format.first_line_indent = Pt(32)
            _set_font(para.add_run(line), SERIF, 16)
        byline = doc.add_paragraph()
        byline.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _set_font(byline.add_run(f"（{author_line(report)}）"), SERIF, 14)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def author_line(report) -> str:
    """The byline printed under a report: the submitting unit, or the authors' names."""
    if report.author_org_name:
        return report.author_org_name
    names = [link.user.display_name for link in report.author_links.all()]
    return "、".join(names) or report.submitter.display_name

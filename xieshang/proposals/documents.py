"""The proposal in its printable official form (提案) and a unit's reply letter (答复函), each as an HTML print page,
Word (python-docx) and PDF (WeasyPrint). The CJK serif font is named in the CSS and in Word's w:eastAsia slot, so the
PDF embeds it and Word shows Chinese text in it rather than a fallback."""

from __future__ import annotations

from pathlib import Path

from django.template.loader import render_to_string
from django.utils import timezone

from xieshang.core.documents import SANS, docx_bytes, run

from .models import Assignment, CoSignature, Proposal, Reply

CSS_PATH = Path(__file__).resolve().parent / "static" / "proposals" / "print.css"


def _cosigners(proposal: Proposal) -> list[str]:
    rows = proposal.cosignatures.filter(status=CoSignature.Status.SIGNED).select_related("user").order_by("id")
    return [c.user.display_name for c in rows]


def _units(proposal: Proposal) -> str:
    rows = (
        proposal.assignments.exclude(status__in=[Assignment.Status.RETURNED, Assignment.Status.REPLACED])
        .select_related("unit")
        .lead_first()
    )
    return "；".join(f"{a.get_role_display()}：{a.unit.name}" for a in rows)


# The red headers (the proposal's heading, the reply letter's letterhead) must not break inside a name ("…管理 / 局"):
# each name is one unbreakable part (white-space: nowrap), set in the largest size (a class of print.css) at which
# the whole header, or else its longest part, fits the A4 text width. CJK glyphs are 1 em wide, plus the letter
# spacing print.css gives the header.
TEXT_WIDTH_PT = 440  # A4 less the page margins (2 × 2.2 cm) and the page's padding
HEADING_SIZES = (26, 22, 20, 18, 16)
LETTERHEAD_SIZES = (30, 26, 22, 18, 16)


def header_size(parts: list[str], sizes: tuple[int, ...], spacing: float) -> int:
    """The largest size at which the parts fit on one line, else at which the longest part fits on its own line."""
    for needed in (sum(len(p) for p in parts), max(len(p) for p in parts)):
        for size in sizes:
            if needed * size * (1 + spacing) <= TEXT_WIDTH_PT:
                return size
    return sizes[-1]


def _header(parts: list[str], sizes: tuple[int, ...], spacing: float) -> dict:
    parts = [p for p in parts if p]
    return {"parts": parts, "size": header_size(parts, sizes, spacing)}


def proposal_context(proposal: Proposal, *, for_pdf: bool = False) -> dict:
    submitted = timezone.localtime(proposal.submitted_at) if proposal.submitted_at else None
    rows = [
        ("案号", proposal.number or "（未编号）"),
        ("案由", proposal.title),
        ("提案人", proposal.submitter_display),
        ("联名人", "、".join(_cosigners(proposal)) or "无"),
        ("界别", proposal.sector.name if proposal.sector_id else ""),
        ("类别", proposal.category.name if proposal.category_id else ""),
        ("提交时间", f"{submitted:%Y年%m月%d日}" if submitted else ""),
        ("办理单位", _units(proposal)),
    ]
    if proposal.is_key:
        rows.append(("重点提案", f"领衔督办：{proposal.key_leader.display_name if proposal.key_leader_id else ''}"))
    kind = "微提案" if proposal.is_micro else "提案"
    heading = f"{proposal.organization.name}{kind}"
    header = _header([proposal.organization.name, kind], HEADING_SIZES, 0.15)
    return {"proposal": proposal, "heading": heading, "header": header, "rows": rows, "for_pdf": for_pdf}


CPPCC_FULL = "中国人民政治协商会议"


def conference_name(organization) -> str:
    """The conference as a letter names it: "中国人民政治协商会议郑州市委员会" → "政协郑州市委员会"."""
    name = organization.name or organization.short_name or ""
    if name.startswith(CPPCC_FULL):
        return "政协" + name[len(CPPCC_FULL) :]
    return name


def number_phrase(proposal: Proposal) -> str:
    """The proposal's number as it stands before "提案": "〔2026〕第0055号" as is; "微〔2026〕0055" → "〔2026〕0055号"
    (the kind is said once, after the number)."""
    number = proposal.number.strip()
    if proposal.is_micro and number.startswith("微"):
        number = number[1:]
    return number if number.endswith("号") else f"{number}号"


def letter_subject(proposal: Proposal) -> str:
    """The reply letter's title in the official form: 关于政协郑州市委员会〔2026〕第0055号提案的答复 (an unnumbered
    proposal: 关于《title》的答复)."""
    if not proposal.number:
        return f"关于《{proposal.title}》的答复"
    kind = "微提案" if proposal.is_micro else "提案"
    return f"关于{conference_name(proposal.organization)}{number_phrase(proposal)}{kind}的答复"


def reply_context(reply: Reply, *, for_pdf: bool = False) -> dict:
    proposal = reply.proposal
    unit = reply.assignment.unit
    sent = timezone.localtime(reply.sent_at or reply.submitted_at)
    addressee = proposal.submitter_display
    countersigned = [c.assignment.unit.name for c in reply.countersigns.select_related("assignment__unit")]
    return {
        "reply": reply,
        "proposal": proposal,
        "unit": unit,
        "letterhead": f"{unit.name}",
        "header": _header([unit.name], LETTERHEAD_SIZES, 0.1),
        "subject": letter_subject(proposal),
        "addressee": addressee,
        "grade_label": f"{reply.grade}类",
        "date": f"{sent:%Y年%m月%d日}",
        "countersigned": countersigned,
        "for_pdf": for_pdf,
    }


def render_pdf(template: str, context: dict):
    """The laid-out WeasyPrint document (its pages' boxes hold the lines as set)."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    html = render_to_string(template, context)
    fonts = FontConfiguration()
    return HTML(string=html).render(stylesheets=[CSS(filename=str(CSS_PATH), font_config=fonts)], font_config=fonts)


def _pdf(template: str, context: dict) -> bytes:
    return render_pdf(template, context).write_pdf()


def proposal_pdf(proposal: Proposal) -> bytes:
    return _pdf("proposals/print_proposal.html", proposal_context(proposal, for_pdf=True))


def reply_pdf(reply: Reply) -> bytes:
    return _pdf("proposals/print_reply.html", reply_context(reply, for_pdf=True))


def _paragraphs(doc, text: str, size: float = 16):
    from docx.shared import Pt

    for line in [p.strip() for p in (text or "").splitlines() if p.strip()]:
        para = doc.add_paragraph()
        para.paragraph_format.first_line_indent = Pt(size * 2)
        run(para, line, size)


def proposal_docx(proposal: Proposal) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    context = proposal_context(proposal)
    doc = Document()
    head = doc.add_paragraph()
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run(head, context["heading"], 26, bold=True, font=SANS, color=(0xC0, 0x00, 0x00))
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in context["rows"]:
        cells = table.add_row().cells
        run(cells[0].paragraphs[0], label, 14, bold=True)
        run(cells[1].paragraphs[0], value, 14)
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run(title, proposal.title, 18, bold=True, font=SANS)
    _paragraphs(doc, proposal.body)
    return docx_bytes(doc)


def reply_docx(reply: Reply) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    context = reply_context(reply)
    doc = Document()
    head = doc.add_paragraph()
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run(head, context["letterhead"], 30, bold=True, color=(0xC0, 0x00, 0x00))
    ref = doc.add_paragraph()
    ref.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run(ref, reply.reference_number, 14)
    grade = doc.add_paragraph()
    run(grade, context["grade_label"], 14, bold=True)
    subject = doc.add_paragraph()
    subject.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run(subject, context["subject"], 20, bold=True, font=SANS)
    run(doc.add_paragraph(), f"{context['addressee']}：", 16)
    _paragraphs(doc, reply.text)
    if context["countersigned"]:
        run(doc.add_paragraph(), "会签单位：" + "、".join(context["countersigned"]), 14)
    run(doc.add_paragraph(), f"联系人：{reply.contact_person}　　联系电话：{reply.contact_phone}", 14)
    for text in (context["letterhead"], context["date"]):
        para = doc.add_paragraph()
        para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        run(para, text, 16)
    return docx_bytes(doc)


def filename(proposal: Proposal, suffix: str = "") -> str:
    """A download's name without extension: the number and the title, then `suffix` ("-答复函-单位"), e.g.
    "〔2026〕第0055号-关于加快老旧小区改造的提案-答复函-市住房保障局"; the title is cut so the name stays short."""
    from xieshang.core.http import safe_filename

    title = proposal.title.strip()
    if len(title) > 40:
        title = title[:39] + "…"
    base = f"{proposal.number}-{title}" if proposal.number else f"{proposal.pk}-{title}"
    return safe_filename(f"{base}{suffix}", max_length=110)

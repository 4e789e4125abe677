"""The Word summary of a public call (征集情况汇总): what was received, by status, and the most supported entries,
without the names of the people who wrote them (a published document: the minimum of personal data)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from xieshang.core.documents import SANS, docx_bytes, paragraph, run

from ..models import Call


def summary_docx(call: Call, summary: dict[str, Any]) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    doc = Document()
    heading = doc.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run(heading, _("公开征集情况汇总"), 22, bold=True, font=SANS)
    paragraph(doc, _("协商活动：%(t)s") % {"t": call.consultation.title})
    paragraph(doc, _("征集问题：%(q)s（%(k)s）") % {"q": call.question, "k": call.get_kind_display()})
    paragraph(
        doc,
        _("征集时间：%(a)s 至 %(b)s；审核方式：%(m)s。")
        % {
            "a": timezone.localtime(call.opens_at).strftime("%Y-%m-%d %H:%M"),
            "b": timezone.localtime(call.closes_at).strftime("%Y-%m-%d %H:%M"),
            "m": call.get_moderation_display(),
        },
    )
    counts = "；".join(_("%(label)s %(n)d 条") % {"label": label, "n": n} for label, n in summary["by_status"])
    paragraph(
        doc,
        _("共收到留言 %(n)d 条，参与 %(p)d 人，支持 %(s)d 次。其中：%(c)s。")
        % {"n": summary["total"], "p": summary["people"], "s": summary["supports"], "c": counts},
    )
    paragraph(doc, _("支持最多的留言："), indent=False, font=SANS)
    for number, entry in enumerate(summary["top"], start=1):
        paragraph(doc, _("%(i)d. %(t)s（%(n)d 人支持）") % {"i": number, "t": entry.text, "n": entry.support_count})
    if not summary["top"]:
        paragraph(doc, _("暂无公开的留言。"))
    if summary.get("map"):
        _opinion_map(doc, summary["map"])
    paragraph(doc, _("汇总生成时间：%(t)s") % {"t": timezone.localtime().strftime("%Y-%m-%d %H:%M")}, indent=False)
    return docx_bytes(doc)


def _opinion_map(doc: Any, digest: dict[str, Any]) -> None:
    """The opinion map attached to the call: its groups (size, the statements that set each apart) and the
    statements of consensus across groups."""
    paragraph(doc, _("意见地图：%(t)s") % {"t": digest["title"]}, indent=False, font=SANS)
    paragraph(
        doc,
        _("参与 %(p)d 人，表态 %(v)d 次，形成 %(g)d 个观点群组。")
        % {"p": digest["participants"], "v": digest["votes"], "g": len(digest["groups"])},
    )
    for group in digest["groups"]:
        paragraph(doc, _("群组 %(g)s（%(n)d 人）：") % {"g": group["label"], "n": group["size"]})
        for item in group["statements"]:
            agree = item["agree"] if item["agree"] is not None else 0
            paragraph(doc, _("· %(t)s（组内 %(a)d%% 赞同）") % {"t": item["text"], "a": agree})
    paragraph(doc, _("各群组的共识："), indent=False, font=SANS)
    for item in digest["agree"]:
        paragraph(doc, _("· 普遍赞同：%(t)s（%(s)d%%）") % {"t": item["text"], "s": item["share"] or 0})
    for item in digest["disagree"]:
        paragraph(doc, _("· 普遍反对：%(t)s（%(s)d%%）") % {"t": item["text"], "s": item["share"] or 0})
    if not digest["agree"] and not digest["disagree"]:
        paragraph(doc, _("暂未形成跨群组的共识。"))

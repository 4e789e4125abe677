"""The proposals' open data: the proposals whose replies were published and those replies, as the public pages show
them (contact data masked)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xieshang.core import opendata
from xieshang.core.opendata import Dataset
from xieshang.core.privacy import mask_name, mask_personal_data, mask_phone

from . import page_queries
from .models import Reply


def _day(value: Any) -> str:
    return timezone.localdate(value).isoformat() if value else ""


def proposal_rows(organization_id: int, year: int) -> Iterator[dict[str, Any]]:
    for p in page_queries.public_proposals(organization_id, year=year).iterator(chunk_size=2000):
        yield {
            "number": p.number,
            "year": p.year,
            "kind": p.kind,
            "title": p.title,
            "category": p.category.name if p.category else "",
            "submitter": p.submitter_display,
            "sector": p.sector.name if p.sector else "",
            "submitted_on": _day(p.submitted_at),
            "filed_on": _day(p.filed_at),
            "is_key": p.is_key,
            "body": mask_personal_data(p.body),
        }


def reply_rows(organization_id: int, year: int) -> Iterator[dict[str, Any]]:
    replies = (
        Reply.objects.filter(proposal__organization_id=organization_id, proposal__year=year, is_published=True)
        .select_related("proposal", "assignment__unit")
        .order_by("proposal__seq", "round", "id")
    )
    for r in replies.iterator(chunk_size=2000):
        yield {
            "proposal_number": r.proposal.number,
            "unit": r.assignment.unit.name,
            "role": r.assignment.role,
            "round": r.round,
            "reference_number": r.reference_number,
            "grade": r.grade,
            "sent_on": _day(r.sent_at),
            "published_on": _day(r.published_at),
            "contact_person": mask_name(r.contact_person),
            "contact_phone": mask_phone(r.contact_phone),
            "text": mask_personal_data(r.text),
        }


DATASETS = (
    Dataset(
        key="proposals",
        title=_("公开的提案"),
        description=_("当年提案中办理答复已公开的提案（与公开页面一致；正文中的联系方式已遮蔽）。"),
        fields=(
            ("number", _("提案编号")),
            ("year", _("年度")),
            ("kind", _("类型：proposal 提案，micro 微提案")),
            ("title", _("案由")),
            ("category", _("类别")),
            ("submitter", _("提案者（委员、党派团体或专委会）")),
            ("sector", _("界别")),
            ("submitted_on", _("提交日期")),
            ("filed_on", _("立案日期")),
            ("is_key", _("是否重点提案")),
            ("body", _("正文（联系方式已遮蔽）")),
        ),
        rows=proposal_rows,
        order=10,
    ),
    Dataset(
        key="replies",
        title=_("公开的提案答复"),
        description=_("已公开的答复，每个承办单位每轮一行；联系人和电话已遮蔽。"),
        fields=(
            ("proposal_number", _("提案编号")),
            ("unit", _("承办单位")),
            ("role", _("承办方式：lead 主办，co 协办，split 分办")),
            ("round", _("答复轮次")),
            ("reference_number", _("答复文号")),
            ("grade", _("答复类别：A 已解决或采纳，B 列入计划逐步解决，C 因条件限制留作参考")),
            ("sent_on", _("送达提案者日期")),
            ("published_on", _("公开日期")),
            ("contact_person", _("联系人（已遮蔽）")),
            ("contact_phone", _("联系电话（已遮蔽）")),
            ("text", _("答复正文（联系方式已遮蔽）")),
        ),
        rows=reply_rows,
        order=20,
    ),
)


def register() -> None:
    opendata.register(*DATASETS)

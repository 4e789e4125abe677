"""The consultations' open data: public consultations of the year's plan, the outcomes published for follow-up, and
the topics residents raised in the public community rooms (no resident's name; contact data masked)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xieshang.core import opendata
from xieshang.core.opendata import Dataset
from xieshang.core.privacy import mask_personal_data
from xieshang.workflow.selectors import state_ids_tagged

from . import selectors
from .models import Topic
from .workflows import DECLINED


def _day(value: Any) -> str:
    if isinstance(value, datetime):
        return timezone.localdate(value).isoformat()
    return value.isoformat() if value else ""


def consultation_rows(organization_id: int, year: int) -> Iterator[dict[str, Any]]:
    found = selectors.public_consultations().filter(organization_id=organization_id, plan_year=year)
    for c in found.iterator(chunk_size=2000):
        yield {
            "id": c.pk,
            "title": c.title,
            "kind": c.kind,
            "planned_on": _day(c.planned_date),
            "held_at": _day(c.starts_at),
            "stage": c.state.name if c.state else "",
            "minutes": mask_personal_data(c.minutes) if c.minutes_sent_at else "",
        }


def outcome_rows(organization_id: int, year: int) -> Iterator[dict[str, Any]]:
    found = (
        selectors.public_outcomes(organization_id=organization_id, created_at__year=year)
        .select_related("owner_unit")
        .order_by("created_at", "id")
    )
    for o in found.iterator(chunk_size=2000):
        yield {
            "id": o.pk,
            "source": o.source,
            "consultation_id": o.consultation_id or "",
            "topic_id": o.topic_id or "",
            "title": o.title,
            "owner_unit": o.owner_unit.name if o.owner_unit else "",
            "stage": o.state.name if o.state else "",
            "done_on": _day(o.done_at),
            "ratings": o.n_ratings,
            "satisfied": o.n_satisfied,
        }


def topic_rows(organization_id: int, year: int) -> Iterator[dict[str, Any]]:
    found = (
        Topic.objects.filter(room__organization_id=organization_id, room__is_public=True, raised_at__year=year)
        .exclude(state_id__in=state_ids_tagged(DECLINED))
        .select_related("room", "room__community", "state")
        .order_by("raised_at", "id")
    )
    for t in found.iterator(chunk_size=2000):
        yield {
            "id": t.pk,
            "room": t.room.name,
            "district": t.room.community.district,
            "title": t.title,
            "body": mask_personal_data(t.body),
            "raised_on": _day(t.raised_at),
            "stage": t.state.name if t.state else "",
            "supports": t.support_count,
            "done_on": _day(t.done_at),
        }


DATASETS = (
    Dataset(
        key="consultations",
        title=_("协商活动"),
        description=_("年度协商计划中公开的协商（已取消的除外），纪要报送后附纪要。"),
        fields=(
            ("id", _("编号")),
            ("title", _("协商议题")),
            ("kind", _("协商形式")),
            ("planned_on", _("计划日期")),
            ("held_at", _("举行日期")),
            ("stage", _("当前阶段")),
            ("minutes", _("协商纪要（报送后公开）")),
        ),
        rows=consultation_rows,
        order=30,
    ),
    Dataset(
        key="outcomes",
        title=_("协商成果"),
        description=_("公开跟踪的协商成果和议事成果，附居民评价人数。"),
        fields=(
            ("id", _("编号")),
            ("source", _("来源：recommendation 建议案，room 议事成果")),
            ("consultation_id", _("所属协商编号")),
            ("topic_id", _("所属议题编号")),
            ("title", _("事项")),
            ("owner_unit", _("责任单位")),
            ("stage", _("当前阶段")),
            ("done_on", _("办结日期")),
            ("ratings", _("评价人数")),
            ("satisfied", _("满意人数")),
        ),
        rows=outcome_rows,
        order=40,
    ),
    Dataset(
        key="room_topics",
        title=_("议事室议题"),
        description=_("居民在公开的“有事好商量”议事室提出的议题（不含提出人；联系方式已遮蔽）。"),
        fields=(
            ("id", _("编号")),
            ("room", _("议事室")),
            ("district", _("所在区县")),
            ("title", _("议题")),
            ("body", _("具体情况（联系方式已遮蔽）")),
            ("raised_on", _("提出日期")),
            ("stage", _("当前阶段")),
            ("supports", _("支持人数")),
            ("done_on", _("办结日期")),
        ),
        rows=topic_rows,
        order=50,
    ),
)


def register() -> None:
    opendata.register(*DATASETS)

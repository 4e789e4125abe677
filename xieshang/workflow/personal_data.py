"""What the workflow engine stores about a person, for the PIPL download and erasure (core.personal_data): the
events of the transitions he took (a resident's topic starts with his "创建").

The events are the record of who moved what, kept as text so that a timeline stays readable, and append-only:
erasure keeps each event and passes it to the organization's "已注销用户" placeholder, its actor name replaced by the
neutral label and his name and phone replaced inside the reason, and changes nothing else."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy

from xieshang.core.personal_data import Erased, Row, Source, register

from .models import WorkflowEvent


def _events(user: Any) -> list[Row]:
    return [
        {
            "at": e.at,
            "object": f"{e.content_type.app_label}.{e.content_type.model}#{e.object_id}",
            "action": e.transition_name or e.get_kind_display(),
            "from_state": e.from_state_name,
            "to_state": e.to_state_name,
            "reason": e.reason,
        }
        for e in WorkflowEvent.objects.filter(actor_id=user.pk).select_related("content_type").order_by("at", "pk")
    ]


def _erase_events(user: Any, erased: Erased) -> int:
    """The one write that events allow after they are made (decision 0032): the erasure of a person's identity. It
    goes around EventQuerySet.update on purpose and touches only who took the step, never what was done or when."""
    rows: models.QuerySet[WorkflowEvent] = models.QuerySet(model=WorkflowEvent)
    changed = 0
    for pk, organization_id, reason in WorkflowEvent.objects.filter(actor_id=user.pk).values_list(
        "pk", "organization_id", "reason"
    ):
        changed += rows.filter(pk=pk).update(
            actor=erased.placeholder(organization_id), actor_name=erased.label, reason=erased.scrub(reason)
        )
    return changed


def register_sources() -> None:
    register(
        Source(
            key="workflow_events",
            title=gettext_lazy("我的办理记录"),
            description=gettext_lazy(
                "您在各项事务流程中的操作（如提出议题）。删除后：记录保留，操作人显示为“已注销用户”。"
            ),
            fields={
                "at": gettext_lazy("时间"),
                "object": gettext_lazy("对象"),
                "action": gettext_lazy("操作"),
                "from_state": gettext_lazy("原状态"),
                "to_state": gettext_lazy("新状态"),
                "reason": gettext_lazy("理由"),
            },
            export=_events,
            anonymize=_erase_events,
            order=50,
        )
    )

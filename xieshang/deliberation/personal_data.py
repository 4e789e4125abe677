"""What the opinion maps store about a person, for the PIPL download and erasure (core.personal_data).

A signed-in person takes part through a Participant row linked to his account. Erasure unlinks it (the column is
nullable): the participant keeps its number, his statements their text and his votes their values, so the map and
its counts stay as they were, but nothing leads back to him any more. His name and phone are replaced inside the
texts of his statements."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy

from xieshang.core.personal_data import Erased, Row, Source, register

from .models import Participant, Statement, Vote


def _statements(user: Any) -> list[Row]:
    return [
        {
            "conversation": s.conversation.title,
            "number": s.number,
            "text": s.text,
            "status": s.get_status_display(),
            "created_at": s.created_at,
        }
        for s in Statement.objects.filter(author__user=user).select_related("conversation").order_by("pk")
    ]


def _votes(user: Any) -> list[Row]:
    return [
        {
            "conversation": v.conversation.title,
            "statement": v.statement.number,
            "value": v.get_value_display(),
            "created_at": v.created_at,
        }
        for v in Vote.objects.filter(participant__user=user).select_related("conversation", "statement").order_by("pk")
    ]


def _unlink(user: Any, erased: Erased) -> int:
    changed = 0
    for statement in Statement.objects.filter(author__user=user):
        scrubbed = erased.scrub(statement.text)
        if scrubbed != statement.text:
            statement.text = scrubbed
            statement.save(update_fields=["text"])
            changed += 1
    return changed + Participant.objects.filter(user=user).update(user=None)


def register_sources() -> None:
    register(
        Source(
            key="opinion_map_statements",
            title=gettext_lazy("我在意见征集中发表的观点"),
            description=gettext_lazy("删除后：观点内容保留，不再与您关联。"),
            fields={
                "conversation": gettext_lazy("主题"),
                "number": gettext_lazy("编号"),
                "text": gettext_lazy("观点"),
                "status": gettext_lazy("审核状态"),
                "created_at": gettext_lazy("时间"),
            },
            export=_statements,
            anonymize=_unlink,
            order=30,
        )
    )
    register(
        Source(
            key="opinion_map_votes",
            title=gettext_lazy("我在意见征集中的表态"),
            description=gettext_lazy("删除后：表态仍计入统计，不再与您关联。"),
            fields={
                "conversation": gettext_lazy("主题"),
                "statement": gettext_lazy("观点编号"),
                "value": gettext_lazy("表态"),
                "created_at": gettext_lazy("时间"),
            },
            export=_votes,
            anonymize=lambda user, erased: 0,  # unlinked with the statements' participant, above
            order=31,
        )
    )

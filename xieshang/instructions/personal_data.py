"""What the instructions table stores about a person, for the PIPL download and erasure (core.personal_data): the
instructions he gave as a leader of the platform.

An instruction is an official record of the subject it was written on (an opinion report, a key proposal) and stays;
erasure unlinks the account, puts the neutral label in place of the leader's name and takes his name and phone
number out of the text."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy

from xieshang.core.personal_data import Erased, Row, Source, register

from .models import Instruction


def _given(user: Any) -> list[Row]:
    return [
        {
            "subject": str(i.content_type.name),
            "subject_id": i.object_id,
            "leader_name": i.leader_name,
            "leader_title": i.leader_title,
            "level": i.level,
            "text": i.text,
            "instructed_on": i.instructed_on,
        }
        for i in Instruction.objects.filter(leader=user).select_related("content_type").order_by("instructed_on", "pk")
    ]


def _erase_given(user: Any, erased: Erased) -> int:
    changed = 0
    for instruction in Instruction.objects.filter(leader=user):
        instruction.leader = None
        instruction.leader_name = erased.label[:60]
        instruction.text = erased.scrub(instruction.text)
        instruction.save(update_fields=["leader", "leader_name", "text"])
        changed += 1
    return changed


def register_sources() -> None:
    register(
        Source(
            key="instructions",
            title=gettext_lazy("我作出的批示"),
            description=gettext_lazy(
                "您以领导身份对社情民意信息、重点提案作出的批示。删除后：批示作为记录保留，与您的账号解除关联，"
                "姓名以“已注销用户”代替。"
            ),
            fields={
                "subject": gettext_lazy("批示对象"),
                "subject_id": gettext_lazy("对象编号"),
                "leader_name": gettext_lazy("批示领导"),
                "leader_title": gettext_lazy("职务"),
                "level": gettext_lazy("领导层级"),
                "text": gettext_lazy("批示内容"),
                "instructed_on": gettext_lazy("批示日期"),
            },
            export=_given,
            anonymize=_erase_given,
            order=60,
        )
    )

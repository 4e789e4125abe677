"""What the proposals domain holds about a member, for the PIPL download (core.personal_data, decision 0036): the
proposals he leads or co-signed. Export only: a proposal belongs to the conference's files (it is numbered, answered
by a unit, counted in his duty record), and members do not ask for erasure on the platform (decision 0032), so
erasure leaves these rows as they are."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xieshang.core.personal_data import Erased, Row, Source, register

from .models import CoSignature, Proposal


def _proposals(user: Any) -> list[Row]:
    led = Proposal.objects.filter(submitter=user)
    cosigned = Proposal.objects.filter(cosignatures__user=user, cosignatures__status=CoSignature.Status.SIGNED).exclude(
        submitter=user
    )
    rows = []
    for part, queryset in ((_("领衔"), led), (_("联名"), cosigned)):
        for p in queryset.select_related("state").order_by("created_at", "pk"):
            rows.append(
                {
                    "number": p.number,
                    "kind": p.get_kind_display(),
                    "year": p.year,
                    "title": p.title,
                    "body": p.body,
                    "part": part,
                    "state": str(p.state or ""),
                    "submitted_at": p.submitted_at,
                }
            )
    return rows


def _keep(user: Any, erased: Erased) -> int:
    return 0


def register_sources() -> None:
    register(
        Source(
            key="proposals",
            title=gettext_lazy("我的提案"),
            description=gettext_lazy("您领衔或联名的提案。提案属于政协的工作档案，依规保存。"),
            fields={
                "number": gettext_lazy("编号"),
                "kind": gettext_lazy("类型"),
                "year": gettext_lazy("年度"),
                "title": gettext_lazy("案由"),
                "body": gettext_lazy("正文"),
                "part": gettext_lazy("身份"),
                "state": gettext_lazy("状态"),
                "submitted_at": gettext_lazy("提交时间"),
            },
            export=_proposals,
            anonymize=_keep,
            order=40,
        )
    )

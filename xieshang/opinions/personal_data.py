"""What the 社情民意 domain holds about a person, for the PIPL download (core.personal_data, decision 0036): the
reports he submitted or is named an author of. Export only: reports belong to the conference's files, and members and
informants do not ask for erasure on the platform (decision 0032), so erasure leaves these rows as they are."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xieshang.core.personal_data import Erased, Row, Source, register

from .models import Report


def _reports(user: Any) -> list[Row]:
    reports = (
        Report.objects.filter(Q(submitter=user) | Q(author_links__user=user))
        .distinct()
        .select_related("state")
        .order_by("submitted_at", "pk")
    )
    return [
        {
            "serial": r.serial,
            "title": r.title,
            "body": r.body,
            "part": _("报送人") if r.submitter_id == user.pk else _("作者"),
            "state": str(r.state or ""),
            "submitted_at": r.submitted_at,
            "issued_at": r.issued_at,
        }
        for r in reports
    ]


def _keep(user: Any, erased: Erased) -> int:
    return 0


def register_sources() -> None:
    register(
        Source(
            key="opinion_reports",
            title=gettext_lazy("我的社情民意信息"),
            description=gettext_lazy("您报送或署名的社情民意信息。属于政协的工作档案，依规保存。"),
            fields={
                "serial": gettext_lazy("收稿序号"),
                "title": gettext_lazy("标题"),
                "body": gettext_lazy("正文"),
                "part": gettext_lazy("身份"),
                "state": gettext_lazy("状态"),
                "submitted_at": gettext_lazy("收稿时间"),
                "issued_at": gettext_lazy("刊发时间"),
            },
            export=_reports,
            anonymize=_keep,
            order=41,
        )
    )

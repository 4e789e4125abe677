"""Adoption and credit: 采用 at a level the report was sent to, and the duty points every author earns for an
instruction or an adoption (duties.services.duty_credit, in the same transaction)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xieshang.core.names import named
from xieshang.duties.services import duty_credit
from xieshang.workflow import services as workflow
from xieshang.workflow.selectors import state_has

from ..models import Adoption, Level, Report
from ._base import author_users, lock, refresh, require

if TYPE_CHECKING:
    from xieshang.accounts.models import User


def credit_authors(*, actor: User, report: Report, rule_key: str, source: Any, occurred_on: date, note: str) -> None:
    for author in author_users(report):
        duty_credit(
            member=author,
            organization=report.organization_id,
            rule_key=rule_key,
            source=source,
            note=note,
            occurred_on=occurred_on,
            source_label=report.title,
            source_url=report.get_absolute_url(),
            actor=actor,
        )


# Instructions and adoptions arrive once the report is out: sent up and/or forwarded to bureaus, also after the
# bureaus replied (states tagged "sent"; domain.md: sent up / forwarded → replies → instructions → adoption →
# statistics, archive). Before that nobody could have read it; once finished ("done": archived, closed) it is over.
RECORDABLE_TAG = "sent"


def check_recordable(locked: Report, field: str, *, instruction: bool) -> None:
    if state_has(locked, RECORDABLE_TAG):
        return
    state = named(locked.state.name) if locked.state is not None else ""
    if state_has(locked, "done"):
        message = (
            _("信息已结束流程（%(state)s），不能再记录批示。")
            if instruction
            else _("信息已结束流程（%(state)s），不能再记录采用。")
        ) % {"state": state}
    else:
        message = (
            _("信息报送或转办后才能记录批示（当前状态：%(state)s）。")
            if instruction
            else _("信息报送或转办后才能记录采用（当前状态：%(state)s）。")
        ) % {"state": state}
    raise ValidationError({field: message})


def adoption_record(
    *, actor: User, report: Report, level: str, adopted_on: date | None = None, note: str = ""
) -> Adoption:
    """采用 at a level the report was sent to; credits every author by the level's rule."""
    require("opinions.manage_report", actor, report)
    if level not in Level.values:
        raise ValidationError({"level": _("请选择采用层级。")})
    adopted_on = adopted_on or timezone.localdate()
    if adopted_on > timezone.localdate():
        raise ValidationError({"adopted_on": _("采用日期不能晚于今天。")})
    with transaction.atomic():
        locked = lock(report)
        check_recordable(locked, "level", instruction=False)
        dispatch = locked.dispatches.filter(level=level).order_by("sent_at").first()
        if dispatch is None:
            raise ValidationError(
                {"level": _("本信息未曾报送“%(level)s”，不能记录该层级的采用。") % {"level": Level(level).label}}
            )
        if locked.adoptions.filter(level=level).exists():
            raise ValidationError({"level": _("已记录过“%(level)s”的采用。") % {"level": Level(level).label}})
        adoption = Adoption.objects.create(
            report=locked,
            level=level,
            dispatch=dispatch,
            adopted_on=adopted_on,
            note=(note or "").strip()[:200],
            recorded_by=actor,
        )
        workflow.transition(actor=actor, obj=locked, transition_key="adopt", payload={"level": str(Level(level).label)})
        credit_authors(
            actor=actor,
            report=locked,
            rule_key=f"opinion_adopted_{level}",
            source=adoption,
            occurred_on=adopted_on,
            note=_("被%(level)s采用") % {"level": Level(level).label},
        )
    refresh(report, locked)
    return adoption

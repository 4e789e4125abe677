"""Planning: a consultation enters the annual plan (lead host and co-hosts), moves through its workflow, and the
party committee's approval of the year's plan is recorded in one go."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xieshang.audit.services import audit_record
from xieshang.core.services import require
from xieshang.workflow import services as workflow
from xieshang.workflow.exceptions import TransitionError
from xieshang.workflow.models import WorkflowEvent
from xieshang.workflow.selectors import state_ids_tagged

from .. import search_wiring
from ..models import Consultation, Kind
from ..workflows import AWAITING_APPROVAL, CONSULTATION_WORKFLOW, HANDLING_WORKFLOW
from ._base import NOT_PERMITTED

if TYPE_CHECKING:
    from xieshang.accounts.models import Organization, User


def _check_consultation(
    kind: str, title: str, venue: str, video_link: str, hosts: Any, organization: Organization
) -> None:
    errors = {}
    if not (title or "").strip():
        errors["title"] = _("请填写协商议题。")
    if kind not in Kind.values:
        errors["kind"] = _("请选择协商形式。")
    if kind == Kind.ONLINE:
        if venue:
            errors["venue"] = _("网络议政不设会场，请清空地点。")
        if not video_link:
            errors["video_link"] = _("网络议政须填写视频会议链接。")
    if kind == Kind.CROSS_REGION and len({h.pk for h in hosts} | {organization.pk}) < 2:
        errors["hosts"] = _("跨区域协商须至少有一个合作方共同主办。")
    if errors:
        raise ValidationError(errors)


def consultation_create(
    *,
    actor: User,
    organization: Organization,
    kind: str,
    title: str,
    planned_date: date,
    hosts: Any = (),
    description: str = "",
    venue: str = "",
    video_link: str = "",
    committee: Any = None,
    participants_note: str = "",
    starts_at: datetime | None = None,
    is_public: bool = True,
    origin: Any = None,
) -> Consultation:
    """A consultation of the plan; or, with `origin` (the record it is held about), a 提案办理协商 that starts
    scheduled in its own workflow (decision 0031). The caller checks who may hold one about its record."""
    handling = kind == Kind.HANDLING
    if handling != (origin is not None):
        raise ValidationError({"kind": _("提案办理协商须从重点提案的督办页面发起。")})
    if not handling:
        require(actor, "consultations.add_consultation", organization, NOT_PERMITTED)
    hosts = list(hosts)
    _check_consultation(kind, title, venue, video_link, hosts, organization)
    if starts_at is not None and timezone.localdate(starts_at) != planned_date:
        raise ValidationError({"starts_at": _("开始时间须在计划日期当天。")})
    consultation = Consultation(
        organization=organization,
        kind=kind,
        title=title.strip(),
        description=description,
        plan_year=planned_date.year,
        planned_date=planned_date,
        starts_at=starts_at,
        venue=venue,
        video_link=video_link,
        committee=committee,
        participants_note=participants_note,
        is_public=is_public,
        origin=origin,
        created_by=actor,
    )
    key = HANDLING_WORKFLOW["key"] if handling else CONSULTATION_WORKFLOW["key"]
    with transaction.atomic():
        workflow.start(actor=actor, obj=consultation, workflow_key=key)
        consultation.hosts.set({organization, *hosts})
        search_wiring.index_consultation(consultation.pk)
        audit_record(actor=actor, action="consultations.create", obj=consultation, detail={"kind": kind})
    return consultation


def consultation_transition(
    *, actor: User, consultation: Consultation, key: str, reason: str = "", payload: Any = None
) -> WorkflowEvent:
    return workflow.transition(actor=actor, obj=consultation, transition_key=key, reason=reason, payload=payload)


def plan_record_approval(
    *, actor: User, organization: Organization, year: int, body: str, document: str, approved_on: date | str
) -> list[Consultation]:
    """One party-committee document usually approves the whole annual plan: record it on every consultation of
    the year that the lead organization has proposed, in one transaction (all or none)."""
    require(actor, "consultations.record_approval", organization, NOT_PERMITTED)
    errors = {}
    if not (body or "").strip():
        errors["body"] = _("请填写批准机关。")
    if not (document or "").strip():
        errors["document"] = _("请填写批准文件文号。")
    if not approved_on:
        errors["approved_on"] = _("请填写批准日期。")
    elif isinstance(approved_on, date) and approved_on > timezone.localdate():
        errors["approved_on"] = _("批准日期不能晚于今天：请在党委批准后登记。")
    if errors:
        raise ValidationError(errors)
    pending = list(
        Consultation.objects.filter(
            organization=organization, plan_year=year, state_id__in=state_ids_tagged(AWAITING_APPROVAL)
        ).order_by("planned_date", "id")
    )
    if not pending:
        raise ValidationError({"document": _("%(year)s 年度没有待批准的协商议题。") % {"year": year}})
    payload = {"body": body.strip(), "document": document.strip(), "approved_on": str(approved_on)}
    try:
        with transaction.atomic():
            for consultation in pending:
                workflow.transition(actor=actor, obj=consultation, transition_key="approve", payload=payload)
            audit_record(
                actor=actor,
                action="consultations.plan_approval",
                obj=organization,
                organization=organization,
                detail={"year": year, "document": payload["document"], "count": len(pending)},
            )
    except TransitionError as exc:
        raise ValidationError({"approved_on": str(exc)}) from None
    return pending

"""Groups inside an activity — supervision groups (督导组), survey groups (调研组), a task force's research groups
(专班研究组) — and the organization's expert pool (专家库) they draw on."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from xieshang.audit.services import audit_record

from ..models import Activity, ActivityGroup, Expert
from ._base import member_ids, require, text_error
from .planning import activity_invite


def expert_add(*, actor: Any, organization: Any, name: str, field: str, title: str = "", unit: str = "") -> Expert:
    require(actor, "activities.manage_experts", organization)
    errors: dict[str, str] = {}
    if message := text_error(name, 40, _("姓名")):
        errors["name"] = message
    if message := text_error(field, 80, _("专业领域")):
        errors["field"] = message
    if len(title or "") > 80:
        errors["title"] = _("职称职务最多 80 字。")
    if len(unit or "") > 120:
        errors["unit"] = _("工作单位最多 120 字。")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        expert = Expert.objects.create(
            organization=organization,
            name=name.strip(),
            field=field.strip(),
            title=(title or "").strip(),
            unit=(unit or "").strip(),
        )
        audit_record(actor=actor, action="activities.expert_add", obj=expert, organization=organization)
    return expert


def _group_errors(
    activity: Activity, name: str, leader: Any, members: list[Any], experts: list[Expert], plan: str
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if message := text_error(name, 80, _("组名")):
        errors["name"] = message
    elif activity.groups.filter(name=name.strip()).exists():
        errors["name"] = _("本活动已有名为“%(name)s”的组。") % {"name": name.strip()}
    people = [leader, *members] if leader is not None else members
    allowed = member_ids(activity.organization_id, people)
    if leader is None:
        errors["leader"] = _("请选择组长。")
    elif leader.pk not in allowed:
        errors["leader"] = _("组长须为本组织的委员。")
    outsiders = [m for m in members if m.pk not in allowed]
    if outsiders:
        errors["members"] = _("只能选择本组织的委员：%(names)s 不是。") % {
            "names": "、".join(str(m) for m in outsiders)
        }
    if any(e.organization_id != activity.organization_id or not e.is_active for e in experts):
        errors["experts"] = _("只能选择本组织专家库中的专家。")
    if len(plan or "") > 5000:
        errors["plan"] = _("工作计划最多 5000 字。")
    return errors


def group_create(
    *,
    actor: Any,
    activity: Activity,
    name: str,
    leader: Any,
    members: Iterable[Any] = (),
    experts: Iterable[Expert] = (),
    plan: str = "",
) -> ActivityGroup:
    """A group of the activity with its leader, members, experts and plan. The leader and members are invited to
    the activity (the leader as its leader), so they are notified, check in and are credited as for any activity."""
    require(actor, "activities.manage_groups", activity)
    if activity.state not in (Activity.State.PLANNED, Activity.State.OPEN):
        raise ValidationError(_("活动已%(state)s，不能再分组。") % {"state": activity.get_state_display()})
    members = [m for m in members if leader is None or m.pk != leader.pk]
    experts = list(experts)
    if errors := _group_errors(activity, name, leader, members, experts, plan):
        raise ValidationError(errors)
    with transaction.atomic():
        group = ActivityGroup.objects.create(activity=activity, name=name.strip(), leader=leader, plan=plan.strip())
        group.members.set(members)
        group.experts.set(experts)
        activity_invite(actor=actor, activity=activity, members=[leader], part="leader")
        if members:
            activity_invite(actor=actor, activity=activity, members=members)
        audit_record(
            actor=actor,
            action="activities.group_create",
            obj=activity,
            detail={"group": group.name, "members": len(members), "experts": len(experts)},
        )
    return group

"""What the consultations domain plugs into the base: workflow roles, conditions, hooks and notifiers; workbench
sections, menu entries and the demo builder. Called from ConsultationsConfig.ready()."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xieshang.workflow import registry

from .workflows import CONSULTATION_WORKFLOW, OUTCOME_WORKFLOW, TOPIC_WORKFLOW

C_WF, O_WF, T_WF = CONSULTATION_WORKFLOW["key"], OUTCOME_WORKFLOW["key"], TOPIC_WORKFLOW["key"]
# Events written while the demo loads history; their notifications (sent after commit) are dropped.
_quiet_events: set[int] = set()


def _host_staff_check(user, consultation) -> bool:
    from .rules import is_host_staff

    return is_host_staff(user, consultation)


def _host_staff_members(consultation):
    from xieshang.accounts.models import Role, User

    from .rules import host_ids

    return User.objects.filter(
        is_active=True, role_grants__role=Role.COMMITTEE_STAFF, role_grants__organization_id__in=host_ids(consultation)
    ).distinct()


def _owner_check(user, outcome) -> bool:
    from .rules import is_outcome_owner

    return is_outcome_owner(user, outcome)


def _owner_members(outcome):
    from xieshang.accounts.models import Role, User

    people = []
    if outcome.owner_unit_id:
        people += list(
            User.objects.filter(
                is_active=True, role_grants__role=Role.UNIT_OFFICER, role_grants__handling_unit_id=outcome.owner_unit_id
            ).distinct()
        )
    if outcome.owner_leader_id:
        people.append(outcome.owner_leader)
    return people


def _room_of(obj):
    if obj._meta.model_name == "topic":
        return obj.room
    return obj.topic.room if obj.topic_id else None


def _convener_check(user, obj) -> bool:
    room = _room_of(obj)
    return room is not None and room.convener_id == user.pk


def _convener_members(obj):
    room = _room_of(obj)
    return [room.convener] if room else []


def _followers(obj):
    room = _room_of(obj)
    return [f.user for f in room.follows.select_related("user")] if room else []


def _condition_minutes(consultation, actor, payload):
    return None if consultation.minutes.strip() else _("请先填写并保存协商纪要。")


def _condition_approval_recorded(consultation, actor, payload):
    """The approval date must be a real date, not in the future (a record of a decision already taken). Its absence
    is left to the payload's required fields, so the button stays enabled until the form is submitted."""
    from datetime import date

    from django.utils import timezone

    raw = str(payload.get("approved_on") or "").strip()
    if not raw:
        return None
    try:
        when = date.fromisoformat(raw)
    except ValueError:
        return _("批准日期格式应为 年-月-日，如 2026-03-05。")
    if when > timezone.localdate():
        return _("批准日期不能晚于今天：请在党委批准后登记。")
    return None


def _condition_has_owner(outcome, actor, payload):
    return None if (outcome.owner_unit_id or outcome.owner_leader_id) else _("请先指定责任单位或责任领导。")


def _condition_has_progress(outcome, actor, payload):
    return None if outcome.progress.exists() else _("请先填写至少一条落实进展。")


def _condition_topic_prepared(topic, actor, payload):
    if not topic.form or not topic.participants.exists():
        return _("请先确定参加人员和协商方式。")
    return None


def _condition_has_outcomes(topic, actor, payload):
    return None if topic.outcomes.exists() else _("请先列出至少一项协商成果。")


def _condition_outcomes_settled(topic, actor, payload):
    open_items = topic.outcomes.exclude(state__key__in=["done", "not_adopted"]).count()
    if open_items:
        return _("还有 %(n)d 项成果未落实完成。") % {"n": open_items}
    return None


def _mark_quiet(obj, event, payload):
    from .services import is_quiet

    if is_quiet():
        _quiet_events.add(event.pk)


def _notifier(obj, event):
    from xieshang.workflow.services import users_for_roles

    if event.pk in _quiet_events:
        _quiet_events.discard(event.pk)
        return []
    if event.transition_id is None:
        return []
    people = users_for_roles(obj, event.transition.notify or [])
    if not people:
        return []
    title = _("%(obj)s：%(action)s") % {"obj": str(obj)[:40], "action": event.transition_name}
    body = _("当前状态：%(state)s。") % {"state": event.to_state_name}
    if event.reason:
        body += _("理由：%(reason)s") % {"reason": event.reason}
    return [(people, title, body, obj.get_absolute_url())]


def _home_rooms(request) -> dict:
    from .selectors import public_rooms

    return {"rooms": public_rooms()[:12]}


def register() -> None:
    from xieshang.core.views import register_home_context

    register_home_context(_home_rooms)
    from xieshang.core import navigation, workbench

    from . import services
    from . import workbench as providers

    registry.register_relational_role(
        "consultations.Consultation",
        "host_staff",
        _host_staff_check,
        label=gettext_lazy("主办方专委会工作人员"),
        members=_host_staff_members,
    )
    registry.register_relational_role(
        "consultations.Outcome", "owner", _owner_check, label=gettext_lazy("责任单位/责任领导"), members=_owner_members
    )
    for model in ("consultations.Outcome", "consultations.Topic"):
        registry.register_relational_role(
            model, "convener", _convener_check, label=gettext_lazy("召集人"), members=_convener_members
        )
        registry.register_relational_role(
            model, "followers", lambda u, o: False, label=gettext_lazy("关注的居民"), members=_followers
        )
    registry.register_relational_role(
        "consultations.Topic",
        "raiser",
        lambda u, t: t.raised_by_id == u.pk,
        label=gettext_lazy("提出人"),
        members=lambda t: [t.raised_by],
    )
    registry.register_relational_role(
        "consultations.Topic",
        "participants",
        lambda u, t: t.participants.filter(pk=u.pk).exists(),
        label=gettext_lazy("参加人员"),
        members=lambda t: list(t.participants.all()),
    )
    registry.register_condition("consultations.minutes_written", _condition_minutes, label=gettext_lazy("纪要已填写"))
    registry.register_condition(
        "consultations.approval_recorded", _condition_approval_recorded, label=gettext_lazy("批准日期有效")
    )
    registry.register_condition("consultations.has_owner", _condition_has_owner, label=gettext_lazy("已指定责任方"))
    registry.register_condition(
        "consultations.has_progress", _condition_has_progress, label=gettext_lazy("已填写落实进展")
    )
    registry.register_condition(
        "consultations.topic_prepared", _condition_topic_prepared, label=gettext_lazy("已确定参加人员和方式")
    )
    registry.register_condition(
        "consultations.has_outcomes", _condition_has_outcomes, label=gettext_lazy("已列出协商成果")
    )
    registry.register_condition(
        "consultations.outcomes_settled", _condition_outcomes_settled, label=gettext_lazy("成果均已落实")
    )
    registry.register_hook(C_WF, "propose", services._record_chairs_meeting)
    registry.register_hook(C_WF, "approve", services._record_approval)
    registry.register_hook(C_WF, "approve", services._schedule_dispatches)
    registry.register_hook(C_WF, "hold", services._credit_speakers)
    registry.register_hook(C_WF, "report_minutes", services._record_minutes_sent)
    registry.register_hook(O_WF, "instruct", services._on_instruct)
    registry.register_hook(O_WF, "reject", services._on_reject)
    registry.register_hook(O_WF, "complete", services._on_complete)
    registry.register_hook(T_WF, "hold", services._credit_room_members)
    registry.register_hook(T_WF, "finish", services._on_topic_done)
    for key in (C_WF, O_WF, T_WF):
        registry.register_hook(key, registry.ANY, _mark_quiet)
        registry.register_notifier(key, _notifier)

    workbench.register(providers.member_section, order=400)
    workbench.register(providers.staff_section, order=410)
    workbench.register(providers.owner_section, order=420)
    workbench.register(providers.convener_section, order=430)
    workbench.register(providers.resident_section, order=440)

    import rules

    def nav(key, label, url_name, test, order):
        navigation.register(navigation.NavEntry(key, label, url_name, test, order))

    nav(
        "consultations",
        gettext_lazy("协商活动"),
        "consultations:list",
        lambda u, o: o is not None and rules.has_perm("consultations.view_room", u, o),
        400,
    )
    nav(
        "consultations_plan",
        gettext_lazy("年度协商计划"),
        "consultations:plan",
        lambda u, o: o is not None and rules.has_perm("consultations.view_plan", u, o),
        405,
    )
    nav(
        "rooms",
        gettext_lazy("协商议事室"),
        "consultations:rooms",
        lambda u, o: o is not None and rules.has_perm("consultations.view_room", u, o),
        410,
    )
    nav(
        "outcomes",
        gettext_lazy("协商成果"),
        "consultations:outcomes",
        lambda u, o: o is not None and rules.has_perm("consultations.view_room", u, o),
        415,
    )
    nav("portal", gettext_lazy("郑在协商"), "consultations:portal", lambda u, o: True, 420)

"""What proposals plug into the workflow engine: relational roles, conditions, hooks, due-date policies and the
notifier. Registered from ProposalsConfig.ready().

Hooks apply the transition's payload to the domain rows inside the engine's transaction, and conditions refuse a
transition whose data a service has not prepared yet; together they keep the generic transition endpoint (and the
API) from moving a proposal past missing data."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xieshang.accounts.models import Role, User
from xieshang.accounts.selectors import has_role, users_with_role
from xieshang.workflow import registry
from xieshang.workflow.calendar import add_working_days, compute_due
from xieshang.workflow.services import object_url, users_for_roles

from .models import Assignment, Category, CoSignature, NotFiledGround, NumberCounter, Proposal, Rating, Reply

MODEL = "proposals.Proposal"
WORKFLOW_KEYS = ("proposal", "micro_proposal")
ACTIVE = (Assignment.Status.PENDING, Assignment.Status.RECEIVED)
_UNITS_ATTR = "_proposal_officer_units"


def officer_unit_ids(user, organization_id) -> set[int]:
    """The handling units of the organization the user answers for, cached on the user object for the request."""
    if user is None or not getattr(user, "is_authenticated", False):
        return set()
    if not has_role(user, Role.UNIT_OFFICER, organization_id):
        # Units are held through unit-officer grants, which the request's role cache already lists: no query for
        # the many users (staff, members) who hold none.
        return set()
    cache = getattr(user, _UNITS_ATTR, None)
    if cache is None:
        cache = {}
        setattr(user, _UNITS_ATTR, cache)
    if organization_id not in cache:
        from xieshang.accounts.models import RoleGrant

        # Only units of this organization: a grant naming another organization's unit gives no right here (and the
        # unit inbox relies on it to filter without joining the proposals).
        cache[organization_id] = set(
            RoleGrant.objects.filter(
                user=user,
                organization_id=organization_id,
                role=Role.UNIT_OFFICER,
                handling_unit__organization_id=organization_id,
            ).values_list("handling_unit_id", flat=True)
        )
    return cache[organization_id]


def _assignments(obj, roles=None, statuses=ACTIVE):
    found = [a for a in _all_assignments(obj) if a.status in statuses]
    return [a for a in found if roles is None or a.role in roles]


def _all_assignments(obj):
    # Prefetched by the selectors; otherwise read once per instance (the engine hands conditions, hooks and the
    # notifier a freshly locked instance per transition; hooks that change assignments call forget_assignments).
    cache = getattr(obj, "_prefetched_objects_cache", {})
    if "assignments" in cache:
        return list(cache["assignments"])
    found = obj.__dict__.get("_assignments_cache")
    if found is None:
        found = list(Assignment.objects.filter(proposal_id=obj.pk))
        obj.__dict__["_assignments_cache"] = found
    return found


def forget_assignments(obj) -> None:
    obj.__dict__.pop("_assignments_cache", None)
    getattr(obj, "_prefetched_objects_cache", {}).pop("assignments", None)


def _officers(unit_ids, organization_id):
    if not unit_ids:
        return []
    return list(
        User.objects.filter(
            is_active=True,
            role_grants__organization_id=organization_id,
            role_grants__role=Role.UNIT_OFFICER,
            role_grants__handling_unit_id__in=list(unit_ids),
        ).distinct()
    )


def _unit_role(roles, statuses=ACTIVE):
    statuses = tuple(statuses)

    def check(user, obj):
        mine = officer_unit_ids(user, obj.organization_id)
        return bool(mine) and any(a.unit_id in mine for a in _assignments(obj, roles, statuses))

    def members(obj):
        return _officers({a.unit_id for a in _assignments(obj, roles, statuses)}, obj.organization_id)

    return check, members


def is_signer(user, obj) -> bool:
    """The lead and every co-signer whose signature counts (given before the deadline)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if obj.submitter_id == user.pk:
        return True
    return CoSignature.objects.filter(
        proposal_id=obj.pk, user_id=user.pk, status=CoSignature.Status.SIGNED, counts=True
    ).exists()


def signers(obj) -> list:
    people = [obj.submitter]
    people += [
        c.user
        for c in CoSignature.objects.filter(proposal_id=obj.pk, status=CoSignature.Status.SIGNED, counts=True)
        .select_related("user")
        .order_by("id")
    ]
    return people


def register_roles() -> None:
    registry.register_relational_role(
        MODEL,
        "submitter",
        lambda user, obj: obj.submitter_id == user.pk,
        label=gettext_lazy("领衔提案人"),
        members=lambda obj: [obj.submitter],
    )
    registry.register_relational_role(
        MODEL,
        "entering_staff",
        lambda user, obj: obj.entered_by_id == user.pk and has_role(user, Role.PROPOSALS_STAFF, obj.organization_id),
        label=gettext_lazy("代录入的工作人员"),
        members=lambda obj: [obj.entered_by] if obj.entered_by_id else [],
    )
    registry.register_relational_role(
        MODEL,
        "cosigner",
        lambda user, obj: CoSignature.objects.filter(
            proposal_id=obj.pk, user_id=user.pk, status=CoSignature.Status.INVITED
        ).exists(),
        label=gettext_lazy("受邀联名委员"),
        members=lambda obj: [
            c.user for c in obj.cosignatures.filter(status=CoSignature.Status.INVITED).select_related("user")
        ],
    )
    registry.register_relational_role(MODEL, "signer", is_signer, label=gettext_lazy("提案人"), members=signers)
    # A unit that just returned the assignment still holds the role for the "unit_return" edge itself.
    check, members = _unit_role(None, (*ACTIVE, Assignment.Status.RETURNED))
    registry.register_relational_role(MODEL, "assigned_unit", check, label=gettext_lazy("承办单位"), members=members)
    check, members = _unit_role((Assignment.Role.LEAD, Assignment.Role.SPLIT))
    registry.register_relational_role(MODEL, "lead_unit", check, label=gettext_lazy("主办单位"), members=members)
    check, members = _unit_role((Assignment.Role.CO,))
    registry.register_relational_role(MODEL, "co_handler", check, label=gettext_lazy("协办单位"), members=members)
    registry.register_relational_role(
        MODEL,
        "key_leader",
        lambda user, obj: obj.is_key and obj.key_leader_id == user.pk,
        label=gettext_lazy("领衔督办领导"),
        members=lambda obj: [obj.key_leader] if obj.key_leader_id else [],
    )


# conditions: fn(obj, actor, payload) -> None or the reason shown to the person


def _proposal_complete(obj, actor, payload):
    from .selectors import settings_for

    limits = settings_for(obj.organization_id)
    limit = limits.micro_body_max_chars if obj.is_micro else limits.body_max_chars
    if not obj.title.strip() or not obj.body.strip():
        return _("请填写案由和正文后再提交。")
    if len(obj.body) > limit:
        return _("正文不能超过 %(limit)d 字（现为 %(n)d 字）。") % {"limit": limit, "n": len(obj.body)}
    return None


def _cosigning_closed(obj, actor, payload):
    if obj.cosign_deadline and obj.cosign_deadline >= timezone.localdate():
        pending = CoSignature.objects.filter(proposal_id=obj.pk, status=CoSignature.Status.INVITED).count()
        if pending:
            return _("还有 %(n)d 位受邀委员未答复联名邀请，联名截止日为 %(date)s。") % {
                "n": pending,
                "date": obj.cosign_deadline.isoformat(),
            }
    return None


def _units_planned(obj, actor, payload):
    current = _assignments(obj, None, (Assignment.Status.PLANNED, *ACTIVE))
    leads = [a for a in current if a.role == Assignment.Role.LEAD]
    splits = [a for a in current if a.role == Assignment.Role.SPLIT]
    if obj.is_micro:
        return None if len(leads) == 1 and len(current) == 1 else _("请先指定一个承办单位。")
    if len(leads) == 1 and not splits:
        return None
    if not leads and len(splits) >= 2:
        return None
    return _("请先拟定承办单位：一个主办单位（可加协办单位），或两个以上分办单位。")


def _all_received(obj, actor, payload):
    pending = [a for a in _all_assignments(obj) if a.status == Assignment.Status.PENDING]
    if pending:
        return _("还有 %(n)d 个承办单位未签收。") % {"n": len(pending)}
    if any(a.status == Assignment.Status.RETURNED for a in _all_assignments(obj)):
        return _("有承办单位退回了交办，须先由提案委员会处理。")
    return None


def _has_returned(obj, actor, payload):
    if any(a.status == Assignment.Status.RETURNED for a in _all_assignments(obj)):
        return None
    return _("请通过“退回交办”填写理由并退回。")


def _no_returned(obj, actor, payload):
    if any(a.status == Assignment.Status.RETURNED for a in _all_assignments(obj)):
        return _("请先为退回的交办选择新的承办单位，或不同意退回并说明理由。")
    return None


def _all_replied(obj, actor, payload):
    owing = [a for a in _assignments(obj, (Assignment.Role.LEAD, Assignment.Role.SPLIT)) if a.needs_reply]
    if owing:
        return _("还有 %(n)d 个承办单位未提交答复。") % {"n": len(owing)}
    if not Reply.objects.filter(proposal_id=obj.pk, round=obj.reply_round, status=Reply.Status.COUNTERSIGNING).exists():
        return _("请先填写答复（文号、联系人、电话、正文和答复类别）。")
    return None


def _all_countersigned(obj, actor, payload):
    co = _assignments(obj, (Assignment.Role.CO,))
    if not co:
        return None
    reply = Reply.objects.filter(
        proposal_id=obj.pk, round=obj.reply_round, status=Reply.Status.COUNTERSIGNING, assignment__role="lead"
    ).first()
    signed = set(reply.countersigns.values_list("assignment_id", flat=True)) if reply else set()
    missing = [a for a in co if a.pk not in signed]
    if missing:
        return _("还有 %(n)d 个协办单位未会签，全部会签后才能报送审核。") % {"n": len(missing)}
    return None


def _current_replies(obj):
    return list(Reply.objects.filter(proposal_id=obj.pk, round=obj.reply_round, status=Reply.Status.SENT))


def _rating_settled(obj, actor, payload):
    replies = _current_replies(obj)
    ratings = list(Rating.objects.filter(reply__in=replies).values_list("reply_id", "rater_id", "satisfaction"))
    if any(s == Rating.Satisfaction.DISSATISFIED for _r, _u, s in ratings):
        return _("有提案人对答复不满意，应转入重办。")
    expected = {(r.pk, u.pk) for r in replies for u in signers(obj)}
    if expected - {(r, u) for r, u, _s in ratings} and not (obj.due_on and obj.due_on < timezone.localdate()):
        return _("还有提案人未评价；评价期限 %(date)s 届满后可由工作人员结束评价。") % {
            "date": obj.due_on.isoformat() if obj.due_on else "-"
        }
    return None


def _has_dissatisfied(obj, actor, payload):
    replies = _current_replies(obj)
    if Rating.objects.filter(reply__in=replies, satisfaction=Rating.Satisfaction.DISSATISFIED).exists():
        return None
    return _("没有“不满意”的评价，无需重办。")


CONDITIONS = {
    "proposals.proposal_complete": (_proposal_complete, gettext_lazy("案由、正文完整且不超过字数上限")),
    "proposals.cosigning_closed": (_cosigning_closed, gettext_lazy("联名已截止或邀请均已答复")),
    "proposals.units_planned": (_units_planned, gettext_lazy("已拟定承办单位")),
    "proposals.all_received": (_all_received, gettext_lazy("承办单位全部签收")),
    "proposals.has_returned_assignment": (_has_returned, gettext_lazy("承办单位已退回并说明理由")),
    "proposals.no_returned_assignment": (_no_returned, gettext_lazy("退回的交办已处理")),
    "proposals.all_replied": (_all_replied, gettext_lazy("承办单位均已答复")),
    "proposals.all_countersigned": (_all_countersigned, gettext_lazy("协办单位全部会签")),
    "proposals.rating_settled": (_rating_settled, gettext_lazy("提案人均已评价且无不满意")),
    "proposals.has_dissatisfied": (_has_dissatisfied, gettext_lazy("有不满意评价")),
}


# hooks: fn(obj, event, payload), inside the transition's transaction, obj locked and fresh


def _on_submit(obj, event, payload):
    from .selectors import workflow_setting

    obj.submitted_at = event.at
    fields = ["submitted_at"]
    if obj.cosign_deadline is None and not obj.is_micro:
        obj.cosign_deadline = add_working_days(timezone.localdate(event.at), workflow_setting(obj, "cosign_days", 5))
        fields.append("cosign_deadline")
    obj.save(update_fields=fields)


def _on_file(obj, event, payload):
    obj.outcome = Proposal.Outcome.FILED
    obj.filed_at = event.at
    obj.outcome_reason = event.reason
    obj.save(update_fields=["outcome", "filed_at", "outcome_reason"])


def _on_merge(obj, event, payload):
    try:
        target = Proposal.objects.get(pk=int(payload.get("merge_into")), organization_id=obj.organization_id)
    except (TypeError, ValueError, Proposal.DoesNotExist):
        raise ValidationError({"merge_into": _("请选择本组织的另一件提案作为并入对象。")}) from None
    if target.pk == obj.pk or target.merged_into_id == obj.pk:
        raise ValidationError({"merge_into": _("不能并入自身或已并入本提案的提案。")})
    obj.outcome = Proposal.Outcome.MERGED
    obj.merged_into = target
    obj.outcome_reason = event.reason
    obj.save(update_fields=["outcome", "merged_into", "outcome_reason"])


def _on_convert(obj, event, payload):
    """转为意见建议: the proposal is handed to the opinions pipeline as a report (with its signers as authors and a
    link back to the proposal and its history), in the transition's transaction: if the hand-over fails, the
    proposal stays where it was."""
    from xieshang.opinions import services as opinions

    obj.outcome = Proposal.Outcome.CONVERTED
    obj.outcome_reason = event.reason
    obj.save(update_fields=["outcome", "outcome_reason"])
    opinions.report_from_proposal(actor=event.actor, proposal=obj, authors=signers(obj), note=event.reason)


def _on_not_file(obj, event, payload):
    from .selectors import grounds_for

    try:
        ground = grounds_for(obj.organization_id).get(pk=int(payload.get("ground")))
    except (TypeError, ValueError, NotFiledGround.DoesNotExist):
        raise ValidationError({"ground": _("请从列表中选择不予立案的理由类别。")}) from None
    obj.outcome = Proposal.Outcome.NOT_FILED
    obj.not_filed_ground = ground
    obj.outcome_reason = event.reason
    obj.save(update_fields=["outcome", "not_filed_ground", "outcome_reason"])


def _on_classify(obj, event, payload):
    from .selectors import categories_for

    try:
        category = categories_for(obj.organization_id).get(pk=int(payload.get("category")))
    except (TypeError, ValueError, Category.DoesNotExist):
        raise ValidationError({"category": _("请从列表中选择提案类别。")}) from None
    obj.category = category
    obj.save(update_fields=["category"])


def assign_number(obj) -> str:
    """Next number of the organization's year, under a row lock on the counter (and the unique constraint as the
    last line: two transactions can never both commit the same sequence number)."""
    from .selectors import settings_for

    kind = obj.kind
    counter = (
        NumberCounter.objects.select_for_update()
        .filter(organization_id=obj.organization_id, kind=kind, year=obj.year)
        .first()
    )
    if counter is None:
        try:
            with transaction.atomic():
                NumberCounter.objects.create(organization_id=obj.organization_id, kind=kind, year=obj.year)
        except IntegrityError:
            pass  # created by a concurrent numbering; lock it below
        counter = NumberCounter.objects.select_for_update().get(
            organization_id=obj.organization_id, kind=kind, year=obj.year
        )
    NumberCounter.objects.filter(pk=counter.pk).update(last=F("last") + 1)
    counter.refresh_from_db(fields=["last"])
    limits = settings_for(obj.organization_id)
    pattern = limits.micro_number_format if obj.is_micro else limits.number_format
    obj.seq = counter.last
    obj.number = pattern.format(year=obj.year, seq=counter.last)
    obj.save(update_fields=["seq", "number"])
    return obj.number


def _on_number(obj, event, payload):
    assign_number(obj)


def _on_assign(obj, event, payload):
    forget_assignments(obj)
    now = event.at
    planned = Assignment.objects.filter(proposal_id=obj.pk, status=Assignment.Status.PLANNED)
    for a in planned:
        a.status = Assignment.Status.PENDING
        a.assigned_at = now
        a.receipt_due_on = obj.due_on
        a.needs_reply = a.role != Assignment.Role.CO
        a.save(update_fields=["status", "assigned_at", "receipt_due_on", "needs_reply"])
    obj.assigned_at = obj.assigned_at or now
    obj.save(update_fields=["assigned_at"])


def _on_micro_accept(obj, event, payload):
    forget_assignments(obj)
    Assignment.objects.filter(proposal_id=obj.pk, status=Assignment.Status.RETURNED).update(
        status=Assignment.Status.REPLACED
    )
    Assignment.objects.filter(proposal_id=obj.pk, status=Assignment.Status.PLANNED).update(
        status=Assignment.Status.RECEIVED, assigned_at=event.at, received_at=event.at, needs_reply=True
    )
    obj.outcome = Proposal.Outcome.FILED
    obj.filed_at = obj.filed_at or event.at
    obj.assigned_at = event.at
    obj.save(update_fields=["outcome", "filed_at", "assigned_at"])
    if not obj.number:
        assign_number(obj)


def _on_submit_for_review(obj, event, payload):
    Reply.objects.filter(proposal_id=obj.pk, round=obj.reply_round, status=Reply.Status.COUNTERSIGNING).update(
        status=Reply.Status.IN_REVIEW
    )


def _on_send_back(obj, event, payload):
    forget_assignments(obj)
    replies = Reply.objects.filter(proposal_id=obj.pk, round=obj.reply_round, status=Reply.Status.IN_REVIEW)
    Assignment.objects.filter(pk__in=replies.values("assignment_id")).update(needs_reply=True)
    replies.update(status=Reply.Status.SENT_BACK)
    obj.reply_round += 1
    obj.save(update_fields=["reply_round"])


def _on_reply_micro(obj, event, payload):
    _send_replies(obj, event, Reply.Status.COUNTERSIGNING)


def _on_approve_reply(obj, event, payload):
    grade = (payload or {}).get("grade") or ""
    _send_replies(obj, event, Reply.Status.IN_REVIEW, grade=grade)


def _send_replies(obj, event, from_status, grade=""):
    from .selectors import workflow_setting

    publish_days = workflow_setting(obj, "publish_within_days", 20)
    today = timezone.localdate(event.at)
    for reply in Reply.objects.filter(proposal_id=obj.pk, round=obj.reply_round, status=from_status):
        fields = ["status", "sent_at", "publish_due_on"]
        if grade and grade != reply.grade:
            reply.unit_grade = reply.unit_grade or reply.grade
            reply.grade = grade
            fields += ["grade", "unit_grade"]
        reply.status = Reply.Status.SENT
        reply.sent_at = event.at
        reply.publish_due_on = add_working_days(today, publish_days)
        reply.save(update_fields=fields)
    if obj.replied_at is None:
        obj.replied_at = event.at
        obj.save(update_fields=["replied_at"])


def _on_rehandle(obj, event, payload):
    forget_assignments(obj)
    replies = _current_replies(obj)
    dissatisfied = set(
        Rating.objects.filter(reply__in=replies, satisfaction=Rating.Satisfaction.DISSATISFIED).values_list(
            "reply__assignment_id", flat=True
        )
    )
    Assignment.objects.filter(pk__in=dissatisfied).update(needs_reply=True, recontacted_at=None, recontact_note="")
    obj.reply_round += 1
    obj.save(update_fields=["reply_round"])


def sync_due(obj, event=None, payload=None):
    """Copy the proposal's state and due date onto its assignments (the unit inbox filters and sorts by them)."""
    Assignment.objects.filter(proposal_id=obj.pk).exclude(
        Q(proposal_due_on=obj.due_on) & Q(proposal_state_id=obj.state_id)
    ).update(proposal_due_on=obj.due_on, proposal_state_id=obj.state_id)


def _on_close(obj, event, payload):
    obj.closed_at = event.at
    obj.save(update_fields=["closed_at"])


def _on_return_to_draft(obj, event, payload):
    # The member revises and submits again; a fresh signing period starts then.
    obj.cosign_deadline = None
    obj.save(update_fields=["cosign_deadline"])


HOOKS = {
    "proposal": {
        "submit": [_on_submit],
        "return_for_revision": [_on_return_to_draft],
        "file": [_on_file],
        "merge": [_on_merge],
        "convert": [_on_convert],
        "not_file": [_on_not_file],
        "classify": [_on_classify],
        "number": [_on_number],
        "assign": [_on_assign],
        "submit_for_review": [_on_submit_for_review],
        "send_back": [_on_send_back],
        "approve_reply": [_on_approve_reply],
        "rehandle": [_on_rehandle],
        "close": [_on_close],
    },
    "micro_proposal": {
        "submit": [_on_submit],
        "accept": [_on_micro_accept],
        "not_file": [_on_not_file],
        "reply": [_on_reply_micro],
        "rehandle": [_on_rehandle],
        "finish_rating": [_on_close],
    },
}


# due dates


def _due_policy(obj, state, entered_on, default):
    from .selectors import workflow_setting

    if state.key == "handling" and obj.assigned_at and not obj.is_micro:
        # domain.md: the reply is due 3 months after assignment, not after the last unit signed for it.
        default = compute_due(timezone.localdate(obj.assigned_at), state.deadline_amount, state.deadline_unit)
    if obj.fast_track:
        fast = (workflow_setting(obj, "fast_track", {}) or {}).get(state.key)
        if fast:
            shorter = compute_due(entered_on, int(fast[0]), fast[1])
            return min(shorter, default) if default else shorter
    return default


# notifications


STALE_AFTER_DAYS = 30


def _notifier(obj, event):
    # Events recorded with a back-dated clock (imports, the demo's year of history) would only be noise today.
    if event.at < timezone.now() - timedelta(days=STALE_AFTER_DAYS):
        return []
    forget_assignments(obj)
    transition = event.transition
    if transition is None:
        state = obj.state
        roles = state.responsible_roles or []
        title = _("《%(title)s》办理期限调整为 %(due)s") % {
            "title": obj.title,
            "due": event.due_on.isoformat() if event.due_on else _("不限"),
        }
        return [(users_for_roles(obj, roles), title, event.reason, object_url(obj))]
    roles = transition.notify or []
    if not roles:
        return []
    name = obj.number or obj.title
    messages = {
        "submit": _("委员提交了新提案《%(title)s》，请审查。"),
        "file": _("您领衔或联名的提案《%(title)s》已立案。"),
        "merge": _("您的提案《%(title)s》已并案办理。"),
        "convert": _("您的提案《%(title)s》已转为意见建议办理。"),
        "not_file": _("您的提案《%(title)s》未予立案。"),
        "return_for_revision": _("您的提案《%(title)s》被退回修改。"),
        "propose_assignment": _("提案《%(title)s》的交办方案待您审批。"),
        "reject_assignment": _("提案《%(title)s》的交办方案被退回。"),
        "assign": _("提案 %(number)s《%(title)s》已交办，请在期限内签收。"),
        "start_handling": _("您的提案《%(title)s》已由承办单位签收办理。"),
        "unit_return": _("承办单位退回了提案《%(title)s》的交办，请处理。"),
        "reassign": _("提案 %(number)s《%(title)s》已重新交办，请签收。"),
        "refuse_return": _("提案 %(number)s《%(title)s》的退回未获同意，请继续办理。"),
        "submit_for_review": _("提案 %(number)s《%(title)s》的答复待督办审核。"),
        "approve_reply": _("您的提案《%(title)s》已收到答复，请查看并评价。"),
        "send_back": _("提案 %(number)s《%(title)s》的答复被退回，请修改后重新答复。"),
        "rehandle": _("提案 %(number)s《%(title)s》的答复未获满意评价，转入重办，请再次联系提案人。"),
        "close": _("您的提案《%(title)s》已办结。"),
        "accept": _("微提案《%(title)s》已受理交办。"),
        "reply": _("您的微提案《%(title)s》已收到答复，请查看并评价。"),
    }
    template = messages.get(transition.key, _("提案《%(title)s》：%(action)s"))
    title = template % {"title": obj.title, "number": obj.number, "action": event.transition_name}
    body = _("当前状态：%(state)s。") % {"state": event.to_state_name}
    if event.reason:
        body += _("理由：%(reason)s") % {"reason": event.reason}
    if obj.due_on:
        body += _("办理期限：%(due)s。") % {"due": obj.due_on.isoformat()}
    del name
    return [(users_for_roles(obj, roles), title, body, object_url(obj))]


def register() -> None:
    register_roles()
    for key, (fn, label) in CONDITIONS.items():
        registry.register_condition(key, fn, label=label)
    for workflow_key, hooks in HOOKS.items():
        for transition_key, fns in hooks.items():
            for fn in fns:
                registry.register_hook(workflow_key, transition_key, fn)
    from .duty import register_hooks as register_duty_hooks

    register_duty_hooks(registry)
    for workflow_key in WORKFLOW_KEYS:
        registry.register_hook(workflow_key, registry.ANY, sync_due)
        registry.register_due_policy(workflow_key, registry.ANY, _due_policy)
        registry.register_notifier(workflow_key, _notifier)


__all__ = ["register", "assign_number", "officer_unit_ids", "signers", "is_signer", "users_with_role"]

"""The relational roles and conditions that the proposal workflows' tables name (a transition's `roles`, a
state's `responsible_roles`, a transition's `conditions`). Roles read the relations through selectors.

Conditions refuse a transition whose data a service has not prepared yet; together with the hooks they keep the
generic transition endpoint (and the API) from moving a proposal past missing data."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xieshang.accounts.models import Role
from xieshang.accounts.relations import Relation
from xieshang.accounts.selectors import has_role
from xieshang.workflow import registry

from .models import Assignment, CoSignature, HandlingContact, Rating, Reply
from .selectors import (
    ACTIVE,
    all_assignments,
    current_assignments,
    current_replies,
    is_signer,
    officer_unit_ids,
    settings_for,
    signers,
    unit_officers,
)

MODEL = "proposals.Proposal"
CONTACT_CONDITION = "proposals.member_contacted"


def contact_missing() -> str:
    return _("答复前须先与提案人沟通（办理协商），并记录沟通方式、日期、对象和商定事项。")


def _proposal(obj):
    """The proposal a permission is asked about: the object itself, or the proposal of a row of it."""
    return getattr(obj, "proposal", obj)


def _unit_relation(name, label, roles, statuses=ACTIVE) -> Relation:
    """Officers of the units holding a current assignment of the roles (any role when None) in the statuses."""
    statuses = tuple(statuses)

    def test(user, obj):
        mine = officer_unit_ids(user, obj.organization_id)
        return bool(mine) and any(a.unit_id in mine for a in current_assignments(obj, roles, statuses))

    def members(obj):
        return unit_officers({a.unit_id for a in current_assignments(obj, roles, statuses)}, obj.organization_id)

    return Relation(name, test=test, members=members, label=label, subject=_proposal)


# The relations the workflow tables name as roles; rules.py takes its predicates from the same objects.
SUBMITTER = Relation(
    "submitter",
    test=lambda user, obj: obj.submitter_id == user.pk,
    members=lambda obj: [obj.submitter],
    label=gettext_lazy("领衔提案人"),
    subject=_proposal,
)
ENTERING_STAFF = Relation(
    "entering_staff",
    test=lambda user, obj: obj.entered_by_id == user.pk and has_role(user, Role.PROPOSALS_STAFF, obj.organization_id),
    members=lambda obj: [obj.entered_by] if obj.entered_by_id else [],
    label=gettext_lazy("代录入的工作人员"),
    subject=_proposal,
)
INVITED_COSIGNER = Relation(
    "cosigner",
    test=lambda user, obj: CoSignature.objects.filter(
        proposal_id=obj.pk, user_id=user.pk, status=CoSignature.Status.INVITED
    ).exists(),
    members=lambda obj: [
        c.user for c in obj.cosignatures.filter(status=CoSignature.Status.INVITED).select_related("user")
    ],
    label=gettext_lazy("受邀联名委员"),
    subject=_proposal,
)
SIGNER = Relation("signer", test=is_signer, members=signers, label=gettext_lazy("提案人"), subject=_proposal)
# A unit that just returned the assignment still holds the role for the "unit_return" edge itself.
ASSIGNED_UNIT = _unit_relation("assigned_unit", gettext_lazy("承办单位"), None, (*ACTIVE, Assignment.Status.RETURNED))
LEAD_UNIT = _unit_relation("lead_unit", gettext_lazy("主办单位"), (Assignment.Role.LEAD, Assignment.Role.SPLIT))
CO_HANDLER = _unit_relation("co_handler", gettext_lazy("协办单位"), (Assignment.Role.CO,))
KEY_LEADER = Relation(
    "key_leader",
    test=lambda user, obj: obj.is_key and obj.key_leader_id == user.pk,
    members=lambda obj: [obj.key_leader] if obj.key_leader_id else [],
    label=gettext_lazy("领衔督办领导"),
    subject=_proposal,
)
RELATIONS = (SUBMITTER, ENTERING_STAFF, INVITED_COSIGNER, SIGNER, ASSIGNED_UNIT, LEAD_UNIT, CO_HANDLER, KEY_LEADER)


# conditions: fn(obj, actor, payload) -> None or the reason shown to the person


def _proposal_complete(obj, actor, payload):
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
    current = current_assignments(obj, None, (Assignment.Status.PLANNED, *ACTIVE))
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
    pending = [a for a in all_assignments(obj) if a.status == Assignment.Status.PENDING]
    if pending:
        return _("还有 %(n)d 个承办单位未签收。") % {"n": len(pending)}
    if any(a.status == Assignment.Status.RETURNED for a in all_assignments(obj)):
        return _("有承办单位退回了交办，须先由提案委员会处理。")
    return None


def _has_returned(obj, actor, payload):
    if any(a.status == Assignment.Status.RETURNED for a in all_assignments(obj)):
        return None
    return _("请通过“退回交办”填写理由并退回。")


def _no_returned(obj, actor, payload):
    if any(a.status == Assignment.Status.RETURNED for a in all_assignments(obj)):
        return _("请先为退回的交办选择新的承办单位，或不同意退回并说明理由。")
    return None


def _all_replied(obj, actor, payload):
    owing = [a for a in current_assignments(obj, (Assignment.Role.LEAD, Assignment.Role.SPLIT)) if a.needs_reply]
    if owing:
        return _("还有 %(n)d 个承办单位未提交答复。") % {"n": len(owing)}
    if not Reply.objects.filter(proposal_id=obj.pk, round=obj.reply_round, status=Reply.Status.COUNTERSIGNING).exists():
        return _("请先填写答复（文号、联系人、电话、正文和答复类别）。")
    return None


def _member_contacted(obj, actor, payload):
    replying = current_assignments(obj, (Assignment.Role.LEAD, Assignment.Role.SPLIT))
    contacted = set(
        HandlingContact.objects.filter(proposal_id=obj.pk, assignment__in=replying).values_list(
            "assignment_id", flat=True
        )
    )
    missing = [a for a in replying if a.pk not in contacted]
    if missing:
        return contact_missing()
    return None


def _all_countersigned(obj, actor, payload):
    co = current_assignments(obj, (Assignment.Role.CO,))
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


def _rating_settled(obj, actor, payload):
    replies = current_replies(obj)
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
    replies = current_replies(obj)
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
    "proposals.member_contacted": (_member_contacted, gettext_lazy("已与提案人沟通并记录（办理协商）")),
    "proposals.all_countersigned": (_all_countersigned, gettext_lazy("协办单位全部会签")),
    "proposals.rating_settled": (_rating_settled, gettext_lazy("提案人均已评价且无不满意")),
    "proposals.has_dissatisfied": (_has_dissatisfied, gettext_lazy("有不满意评价")),
}


def register() -> None:
    registry.register_relations(MODEL, *RELATIONS)
    for key, (fn, label) in CONDITIONS.items():
        registry.register_condition(key, fn, label=label)

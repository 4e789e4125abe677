"""Key proposals (重点提案, decision 0028): the proposals office puts candidates forward with a reason, records the
chairpersons' meeting (主席会议) that chooses among them, and publishes the list; each key proposal then has its
supervising leaders, a plan of milestones, the units' progress reports and the leaders' instructions (批示).

The meeting's decision and the publication are two steps of one short life (recorded, published), kept as a date on
the meeting rather than a workflow: nothing else happens between them and no one else takes part."""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from xieshang.accounts.models import Role
from xieshang.accounts.selectors import has_role, organization_id, users_with_role
from xieshang.core import services as core
from xieshang.core.services import require, text_error
from xieshang.core.uploads import upload_problem
from xieshang.instructions.models import Instruction
from xieshang.notifications.services import notify
from xieshang.workflow.exceptions import InvalidEdge

from .. import search_wiring
from ..models import (
    Assignment,
    KeyCandidate,
    KeyMeeting,
    KeyMilestone,
    KeyProgress,
    KeySupervisor,
    Proposal,
)
from ..selectors import officer_unit_ids, settings_for, staff_committee_ids, unit_officers
from ._base import audit, lock

if TYPE_CHECKING:
    from xieshang.accounts.models import Organization, User

REASON_MAX = 1000
MINUTES_MAX = 5000
TEXT_MAX = 2000
ACTIVE = (Assignment.Status.PENDING, Assignment.Status.RECEIVED)


def supervision_url(proposal: Proposal) -> str:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("proposals:supervision", args=[proposal.pk])
    except NoReverseMatch:
        return proposal.get_absolute_url()


def _unit_ids(proposal: Proposal) -> list[int]:
    return list(Assignment.objects.filter(proposal_id=proposal.pk, status__in=ACTIVE).values_list("unit_id", flat=True))


def _not_future(day: date | None, field: str, label: str) -> None:
    if day is None:
        raise ValidationError({field: _("请填写%(label)s。") % {"label": label}})
    if day > timezone.localdate():
        raise ValidationError({field: _("%(label)s不能晚于今天。") % {"label": label}})


def _must_be_key(proposal: Proposal) -> None:
    if not proposal.is_key:
        raise InvalidEdge(_("本提案不是重点提案。"))


# selection


def _proposer(actor: User, proposal: Proposal) -> dict[str, Any]:
    """In whose name the actor puts the proposal forward: the proposals office (nothing to name), one of his units
    holding an active assignment of it, or the special committee it belongs to whose staff he is (decision 0031)."""
    if has_role(actor, Role.PROPOSALS_STAFF, proposal.organization_id):
        return {}
    mine = officer_unit_ids(actor, proposal.organization_id)
    units = [u for u in _unit_ids(proposal) if u in mine]
    if units:
        return {"proposer_unit_id": sorted(units)[0]}
    if proposal.committee_id and proposal.committee_id in staff_committee_ids(actor, proposal.organization_id):
        return {"proposer_committee_id": proposal.committee_id}
    raise PermissionDenied(PROPOSE_REFUSED)


PROPOSE_REFUSED = _lazy("只有提案委员会、承办本提案的单位或本提案所属专门委员会可以推荐重点提案候选。")


def key_candidate_propose(*, actor: User, proposal: Proposal, reason: str) -> KeyCandidate:
    """Put a filed proposal forward as a key-proposal candidate, with the reason: the proposals office, a unit
    handling it, or the special committee it belongs to."""
    require(actor, "proposals.propose_key", proposal, PROPOSE_REFUSED)
    problem = text_error(reason, REASON_MAX, _("推荐理由"))
    if problem:
        raise ValidationError({"reason": problem})
    proposer = _proposer(actor, proposal)
    with transaction.atomic():
        locked = lock(proposal)
        final = locked.state is None or locked.state.is_final
        if locked.is_micro or locked.outcome != Proposal.Outcome.FILED or final:
            raise InvalidEdge(_("只有已立案、尚未办结的提案可以推荐为重点提案。"))
        if locked.is_key:
            raise InvalidEdge(_("本提案已是重点提案。"))
        if KeyCandidate.objects.filter(proposal=locked, status=KeyCandidate.Status.PROPOSED).exists():
            raise InvalidEdge(_("本提案已在重点提案候选名单中，等待主席会议决定。"))
        candidate = KeyCandidate.objects.create(proposal=locked, reason=reason.strip(), proposed_by=actor, **proposer)
        audit(actor, "key_candidate", locked, candidate=candidate.pk, **proposer)
        if proposer:
            _tell_office_of_candidate(locked, candidate)
    return candidate


def _tell_office_of_candidate(proposal: Proposal, candidate: KeyCandidate) -> None:
    """A unit's or a committee's candidate is news for the proposals office, which prepares the meeting's list."""
    notify(
        recipients=list(users_with_role(proposal.organization_id, Role.PROPOSALS_STAFF)),
        kind="proposal.key_candidate",
        title=lambda: (
            _("%(body)s 推荐《%(title)s》为重点提案候选") % {"body": candidate.proposer_body, "title": proposal.title}
        ),
        body=lambda: candidate.reason[:200],
        url=proposal.get_absolute_url(),
        organization=proposal.organization_id,
    )


def key_meeting_record(
    *,
    actor: User,
    organization: Organization | int,
    name: str,
    held_on: date | None,
    minutes: str,
    chosen: Iterable[KeyCandidate],
) -> KeyMeeting:
    """The chairpersons' meeting's decision on every open candidate: the chosen become key proposals, the others are
    recorded as not chosen. A second post of the same decision finds no open candidate and is refused."""
    org_id = organization_id(organization)
    require(actor, "proposals.decide_key", organization, _("只有提案委员会工作人员可以记录主席会议决定。"))
    errors = {
        field: message
        for field, message in (
            ("name", text_error(name, 80, _("会议名称"))),
            ("minutes", text_error(minutes, MINUTES_MAX, _("会议纪要"))),
        )
        if message
    }
    if errors:
        raise ValidationError(errors)
    _not_future(held_on, "held_on", _("会议日期"))
    assert held_on is not None
    chosen_ids = {c.pk for c in chosen}
    if not chosen_ids:
        raise ValidationError({"chosen": _("请选择主席会议确定的重点提案。")})
    with transaction.atomic():
        open_rows = list(
            KeyCandidate.objects.select_for_update(of=("self",))
            .filter(proposal__organization_id=org_id, status=KeyCandidate.Status.PROPOSED)
            .order_by("id")
        )
        if not chosen_ids <= {c.pk for c in open_rows}:
            raise ValidationError({"chosen": _("所选候选已由主席会议决定过，请刷新页面后再试。")})
        meeting = KeyMeeting.objects.create(
            organization_id=org_id,
            year=held_on.year,
            name=name.strip(),
            held_on=held_on,
            minutes=minutes.strip(),
            recorded_by=actor,
        )
        for row in open_rows:
            row.meeting = meeting
            row.status = KeyCandidate.Status.CHOSEN if row.pk in chosen_ids else KeyCandidate.Status.NOT_CHOSEN
            row.save(update_fields=["meeting", "status"])
        from ..duty import credit_key

        for row in open_rows:
            if row.pk not in chosen_ids:
                continue
            proposal = lock(row.proposal)
            proposal.is_key = True
            proposal.save(update_fields=["is_key"])
            credit_key(proposal, actor)
            search_wiring.index_proposal(proposal, with_replies=False)
        audit(
            actor,
            "key_meeting",
            meeting,
            chosen=sorted(chosen_ids),
            not_chosen=sorted(c.pk for c in open_rows if c.pk not in chosen_ids),
        )
    return meeting


def key_meeting_publish(*, actor: User, meeting: KeyMeeting) -> KeyMeeting:
    """Publish the meeting's list: members and units see the chosen as key proposals; the lead members and the
    handling units are told."""
    require(actor, "proposals.decide_key", meeting, _("只有提案委员会工作人员可以公布重点提案名单。"))
    with transaction.atomic():
        locked = core.lock(meeting)
        if locked.published_at is not None:
            raise InvalidEdge(_("该次主席会议确定的重点提案名单已公布。"))
        now = timezone.now()
        locked.published_at = now
        locked.published_by = actor
        locked.save(update_fields=["published_at", "published_by"])
        chosen = list(
            Proposal.objects.filter(key_candidacies__meeting=locked, key_candidacies__status=KeyCandidate.Status.CHOSEN)
            .select_related("submitter")
            .order_by("id")
        )
        Proposal.objects.filter(pk__in=[p.pk for p in chosen]).update(key_published_at=now)
        audit(actor, "key_publish", locked, proposals=[p.pk for p in chosen])
        for proposal in chosen:
            _tell_published(proposal, locked)
    return core.refresh(meeting, locked)


def _tell_published(proposal: Proposal, meeting: KeyMeeting) -> None:
    """The lead member and the handling units' officers hear that the meeting chose the proposal."""
    notify(
        recipients=[proposal.submitter, *unit_officers(_unit_ids(proposal), proposal.organization_id)],
        kind="proposal.key_published",
        title=lambda: _("《%(title)s》经主席会议确定为重点提案") % {"title": proposal.title},
        body=lambda: (
            _("%(meeting)s（%(day)s）确定，将由领导领衔督办。")
            % {"meeting": meeting.name, "day": meeting.held_on.isoformat()}
        ),
        url=supervision_url(proposal),
        organization=proposal.organization_id,
    )


# supervision


def key_supervisor_add(
    *,
    actor: User,
    proposal: Proposal,
    side: str,
    user: User | None = None,
    name: str = "",
    title: str = "",
) -> KeySupervisor:
    """A supervising leader: a platform user with the leader role, or (government side only) a named leader."""
    require(actor, "proposals.plan_key_supervision", proposal, _("只有提案委员会工作人员可以安排督办领导。"))
    _must_be_key(proposal)
    if side not in KeySupervisor.Side.values:
        raise ValidationError({"side": _("请选择督办方。")})
    if user is not None and not has_role(user, Role.LEADER, proposal.organization_id):
        raise ValidationError({"user": _("请选择一位本组织的领导。")})
    if user is None:
        if side == KeySupervisor.Side.CONFERENCE:
            raise ValidationError({"user": _("政协领导请从平台用户中选择。")})
        problem = text_error(name, 60, _("督办领导姓名"))
        if problem:
            raise ValidationError({"name": problem})
    shown = (name or "").strip() or (user.display_name if user is not None else "")
    with transaction.atomic():
        locked = lock(proposal)
        if user is not None and KeySupervisor.objects.filter(proposal=locked, user=user).exists():
            raise ValidationError({"user": _("%(name)s 已是本提案的督办领导。") % {"name": user.display_name}})
        row = KeySupervisor.objects.create(
            proposal=locked,
            side=side,
            user=user,
            name=shown[:60],
            title=(title or "").strip()[:80],
            added_by=actor,
        )
        if side == KeySupervisor.Side.CONFERENCE and locked.key_leader_id is None:
            # the leading leader the documents and the older key list name
            locked.key_leader = user
            locked.save(update_fields=["key_leader"])
        audit(actor, "key_supervisor", locked, supervisor=row.pk, user=getattr(user, "pk", None))
        if user is not None:
            notify(
                recipients=[user],
                kind="proposal.key",
                title=lambda: _("请您领衔督办重点提案《%(title)s》") % {"title": locked.title},
                url=supervision_url(locked),
                organization=locked.organization_id,
            )
    core.refresh(proposal, locked)
    return row


def key_milestone_add(*, actor: User, proposal: Proposal, what: str, due_on: date | None) -> KeyMilestone:
    """A step of the supervision plan: what, by when (today or later)."""
    require(actor, "proposals.plan_key_supervision", proposal, _("只有提案委员会工作人员可以制定督办计划。"))
    _must_be_key(proposal)
    problem = text_error(what, 200, _("节点任务"))
    if problem:
        raise ValidationError({"what": problem})
    if due_on is None:
        raise ValidationError({"due_on": _("请填写完成时限。")})
    if due_on < timezone.localdate():
        raise ValidationError({"due_on": _("完成时限不能早于今天。")})
    with transaction.atomic():
        locked = lock(proposal)
        milestone = KeyMilestone.objects.create(proposal=locked, what=what.strip(), due_on=due_on, created_by=actor)
        audit(actor, "key_milestone", locked, milestone=milestone.pk, due_on=due_on.isoformat())
        notify(
            recipients=unit_officers(_unit_ids(locked), locked.organization_id),
            kind="proposal.key_milestone",
            title=lambda: (
                _("重点提案《%(title)s》督办计划新增节点：%(what)s") % {"title": locked.title, "what": milestone.what}
            ),
            body=lambda: _("请于 %(day)s 前完成并报告进展。") % {"day": due_on.isoformat()},
            url=supervision_url(locked),
            organization=locked.organization_id,
        )
    return milestone


def key_progress_report(
    *,
    actor: User,
    milestone: KeyMilestone,
    text: str,
    reported_on: date | None = None,
    completes: bool = False,
    file: Any = None,
) -> KeyProgress:
    """A handling unit reports progress on a milestone of its own key proposal (optionally: the milestone is done)."""
    proposal = milestone.proposal
    mine = officer_unit_ids(actor, proposal.organization_id)
    units = [u for u in _unit_ids(proposal) if u in mine]
    if not units:
        raise PermissionDenied(_("只有承办本提案的单位可以报告办理进展。"))
    _must_be_key(proposal)
    problem = text_error(text, TEXT_MAX, _("进展情况"))
    if problem:
        raise ValidationError({"text": problem})
    reported_on = reported_on or timezone.localdate()
    _not_future(reported_on, "reported_on", _("报告日期"))
    name = ""
    if file:
        limits = settings_for(proposal.organization_id)
        bad = upload_problem(file, allowed=sorted(limits.allowed_extensions()), max_mb=limits.attachment_max_mb)
        if bad:
            raise ValidationError({"file": bad})
        name = os.path.basename(getattr(file, "name", "") or "")[:200]
    with transaction.atomic():
        locked = core.lock(milestone)
        row = KeyProgress.objects.create(
            milestone=locked,
            proposal_id=proposal.pk,
            unit_id=units[0],
            text=text.strip(),
            reported_on=reported_on,
            completes=completes,
            file=file or "",
            file_name=name,
            reported_by=actor,
        )
        if completes and locked.done_at is None:
            locked.done_at = timezone.now()
            locked.save(update_fields=["done_at"])
        audit(actor, "key_progress", proposal, milestone=locked.pk, progress=row.pk, completes=completes)
        leaders = [s.user for s in proposal.key_supervisors.select_related("user") if s.user_id]
        notify(
            recipients=leaders,
            kind="proposal.key_progress",
            title=lambda: _("重点提案《%(title)s》报告了办理进展") % {"title": proposal.title},
            body=lambda: _("节点：%(what)s。%(text)s") % {"what": locked.what, "text": row.text[:120]},
            url=supervision_url(proposal),
            organization=proposal.organization_id,
        )
    core.refresh(milestone, locked)
    return row


def key_instruction_record(
    *, actor: User, proposal: Proposal, text: str, instructed_on: date | None = None
) -> Instruction:
    """批示 by a leader on a key proposal; the handling units and the proposals office are told."""
    require(actor, "proposals.instruct_key", proposal, _("只有领导可以对重点提案作出批示。"))
    _must_be_key(proposal)
    problem = text_error(text, TEXT_MAX, _("批示内容"))
    if problem:
        raise ValidationError({"text": problem})
    instructed_on = instructed_on or timezone.localdate()
    _not_future(instructed_on, "instructed_on", _("批示日期"))
    with transaction.atomic():
        locked = lock(proposal)
        mine = KeySupervisor.objects.filter(proposal=locked, user=actor).first()
        instruction = Instruction.objects.create(
            subject=locked,
            leader=actor,
            leader_name=actor.display_name[:60],
            leader_title=mine.title if mine is not None else "",
            text=text.strip(),
            instructed_on=instructed_on,
            recorded_by=actor,
        )
        audit(actor, "key_instruction", locked, instruction=instruction.pk)
        recipients = [
            *unit_officers(_unit_ids(locked), locked.organization_id),
            *users_with_role(locked.organization_id, Role.PROPOSALS_STAFF),
        ]
        notify(
            recipients=recipients,
            kind="proposal.key_instruction",
            title=lambda: (
                _("%(leader)s 对重点提案《%(title)s》作出批示")
                % {"leader": instruction.leader_name, "title": locked.title}
            ),
            body=lambda: instruction.text[:200],
            url=supervision_url(locked),
            organization=locked.organization_id,
        )
    core.refresh(proposal, locked, "state", "workflow")
    return instruction

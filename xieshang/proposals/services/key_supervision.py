"""A key proposal's supervision meetings (督办协商会, consultations of kind 提案办理协商), the supervising leaders'
assessment (督办评价) and the finalising of the year's key-proposal summary (decision 0031).

The meeting is the consultations app's own consultation, held about the proposal (its `origin`): notice, check-in,
minutes and recommendations are that app's, reached through its services; this module only decides who is invited."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xieshang.accounts.models import Role
from xieshang.accounts.selectors import organization_id, users_with_role
from xieshang.consultations import selectors as consultation_selectors
from xieshang.consultations import services as consultations
from xieshang.core import services as core
from xieshang.core.services import require, text_error
from xieshang.notifications.services import notify

from ..models import KeyAssessment, KeySummary, KeySupervisor, Proposal
from ..selectors import signers, unit_officers
from ._base import audit, lock
from .key import TEXT_MAX, _must_be_key, _unit_ids, supervision_url

if TYPE_CHECKING:
    from xieshang.accounts.models import Organization, User

HANDLING = "handling"  # consultations.models.Kind.HANDLING: 提案办理协商


def _too_long(value: str, limit: int, label: str) -> str | None:
    return text_error(value, limit, label) if (value or "").strip() else None


def key_meeting_invitees(proposal: Proposal) -> list[User]:
    """The handling units' officers, the proposal's members (signers) and the supervising leaders with an account."""
    people: dict[int, User] = {}
    leaders = [s.user for s in proposal.key_supervisors.select_related("user") if s.user_id]
    for user in (*unit_officers(_unit_ids(proposal), proposal.organization_id), *signers(proposal), *leaders):
        if user is not None and user.is_active:
            people.setdefault(user.pk, user)
    return list(people.values())


def key_consultation_create(
    *,
    actor: User,
    proposal: Proposal,
    title: str,
    planned_date: date | None,
    starts_at: datetime | None = None,
    venue: str = "",
    description: str = "",
) -> Any:
    """A supervision meeting of a key proposal: a 提案办理协商 about it, inviting its units, members and leaders."""
    require(actor, "proposals.hold_key_meeting", proposal, _("只有提案委员会工作人员可以安排督办协商会。"))
    _must_be_key(proposal)
    errors = {
        field: message
        for field, message in (
            ("title", text_error(title, 120, _("会议名称"))),
            ("venue", _too_long(venue, 120, _("地点"))),
            ("description", _too_long(description, TEXT_MAX, _("会议内容"))),
        )
        if message
    }
    if planned_date is None:
        errors["planned_date"] = _("请填写会议日期。")
    elif planned_date < timezone.localdate():
        errors["planned_date"] = _("会议日期不能早于今天。")
    if errors:
        raise ValidationError(errors)
    assert planned_date is not None
    with transaction.atomic():
        locked = lock(proposal)
        same_day = [
            c
            for c in consultation_selectors.consultations_of_origins([locked])
            if c.planned_date == planned_date and not (c.state and c.state.is_final)
        ]
        if same_day:
            raise ValidationError(
                {"planned_date": _("本提案当天已安排督办协商会：%(title)s。") % {"title": same_day[0]}}
            )
        consultation = consultations.consultation_create(
            actor=actor,
            organization=locked.organization,
            kind=HANDLING,
            title=title.strip(),
            planned_date=planned_date,
            starts_at=starts_at,
            venue=(venue or "").strip(),
            description=(description or "").strip(),
            participants_note=_("承办单位、提案人、督办领导"),
            is_public=False,
            origin=locked,
        )
        consultations.invite(actor=actor, consultation=consultation, users=key_meeting_invitees(locked))
        audit(actor, "key_consultation", locked, consultation=consultation.pk)
    return consultation


def _summary_finalized(org_id: int, year: int) -> bool:
    return KeySummary.objects.filter(organization_id=org_id, year=year, finalized_at__isnull=False).exists()


def key_assessment_record(*, actor: User, proposal: Proposal, grade: str, text: str) -> KeyAssessment:
    """督办评价 by a supervising leader: one per leader, proposal and year; a second one changes the first, until
    the year's summary is finalised."""
    require(actor, "proposals.assess_key", proposal, _("只有本提案的督办领导可以作出督办评价。"))
    _must_be_key(proposal)
    errors = {}
    if grade not in KeyAssessment.Grade.values:
        errors["grade"] = _("请选择评价等次。")
    problem = text_error(text, TEXT_MAX, _("评价意见"))
    if problem:
        errors["text"] = problem
    if errors:
        raise ValidationError(errors)
    year = timezone.localdate().year
    with transaction.atomic():
        locked = lock(proposal)
        if _summary_finalized(locked.organization_id, year):
            raise ValidationError(
                {"grade": _("%(year)s 年度重点提案办理情况总结已定稿，督办评价不能再修改。") % {"year": year}}
            )
        supervisor = KeySupervisor.objects.filter(proposal=locked, user=actor).order_by("id").first()
        if supervisor is None:  # removed meanwhile
            raise ValidationError({"grade": _("只有本提案的督办领导可以作出督办评价。")})
        row = KeyAssessment.objects.filter(proposal=locked, leader=actor, year=year).first()
        created = row is None
        if row is None:
            row = KeyAssessment.objects.create(
                proposal=locked, supervisor=supervisor, leader=actor, year=year, grade=grade, text=text.strip()
            )
        else:
            row.grade, row.text, row.updated_at = grade, text.strip(), timezone.now()
            row.save(update_fields=["grade", "text", "updated_at"])
        audit(actor, "key_assessment", locked, assessment=row.pk, grade=grade, year=year, changed=not created)
        notify(
            recipients=list(users_with_role(locked.organization_id, Role.PROPOSALS_STAFF)),
            kind="proposal.key_assessment",
            title=lambda: (
                _("%(leader)s 对重点提案《%(title)s》作出督办评价：%(grade)s")
                % {"leader": supervisor.name, "title": locked.title, "grade": row.get_grade_display()}
            ),
            body=lambda: row.text[:200],
            url=supervision_url(locked),
            organization=locked.organization_id,
        )
    core.refresh(proposal, locked, "state", "workflow")
    return row


def key_summary_finalize(*, actor: User, organization: Organization | int, year: int) -> KeySummary:
    """The proposals office finalises the year's summary: the year's assessments are kept as they are from now."""
    org_id = organization_id(organization)
    require(actor, "proposals.finalize_key_summary", organization, _("只有提案委员会工作人员可以将总结定稿。"))
    with transaction.atomic():
        summary, _created = KeySummary.objects.select_for_update().get_or_create(organization_id=org_id, year=year)
        if summary.finalized_at is not None:
            raise ValidationError({"year": _("%(year)s 年度重点提案办理情况总结已定稿。") % {"year": year}})
        summary.finalized_at = timezone.now()
        summary.finalized_by = actor
        summary.save(update_fields=["finalized_at", "finalized_by"])
        audit(actor, "key_summary_finalize", summary, year=year)
    return summary

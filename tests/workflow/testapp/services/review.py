"""Work around a submitted ticket: reviewers, units, notes. Transitions themselves go through the workflow engine
(xieshang.workflow.services.transition); these are the writes beside them."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from ..models import Assignment, Reviewer, Ticket, TicketNote, TicketSettings
from ._base import check_text, lock, lock_in_workflow, require


def invite_reviewer(*, actor, ticket: Ticket, user) -> Reviewer:
    with transaction.atomic():
        locked = lock_in_workflow(ticket)
        require(actor, "workflow_testapp.invite_reviewer", locked)
        reviewer, _ = Reviewer.objects.get_or_create(ticket=locked, user=user)
    return reviewer


def answer_invitation(*, actor, reviewer: Reviewer, accept: bool) -> Reviewer:
    with transaction.atomic():
        locked = lock(reviewer)
        require(actor, "workflow_testapp.answer_invitation", locked)
        if locked.status != Reviewer.Status.INVITED:
            raise ValidationError("该邀请已答复。")
        locked.status = Reviewer.Status.ACCEPTED if accept else Reviewer.Status.DECLINED
        locked.save(update_fields=["status"])
    reviewer.status = locked.status
    return reviewer


def assign_unit(*, actor, ticket: Ticket, unit, active: bool = True) -> Assignment:
    if unit.organization_id != ticket.organization_id:
        raise ValidationError("只能交办本级的承办单位。")
    status = Assignment.Status.ACTIVE if active else Assignment.Status.PLANNED
    with transaction.atomic():
        locked = lock_in_workflow(ticket)
        require(actor, "workflow_testapp.assign_unit", locked)
        assignment, _ = Assignment.objects.update_or_create(ticket=locked, unit=unit, defaults={"status": status})
    return assignment


def add_note(*, actor, ticket: Ticket, text: str) -> TicketNote:
    limit = TicketSettings.for_organization(ticket.organization_id).note_limit
    text = check_text(text, limit, "备注")
    with transaction.atomic():
        locked = lock_in_workflow(ticket)
        require(actor, "workflow_testapp.add_note", locked)
        return TicketNote.objects.create(ticket=locked, author=actor, text=text)

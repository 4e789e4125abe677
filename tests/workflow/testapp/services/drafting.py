"""Writing a ticket: creating it (which starts its workflow) and editing it while its state allows."""

from __future__ import annotations

from django.db import transaction

from xieshang.workflow import services as workflow

from ..models import Ticket
from ._base import check_text, lock_in_workflow, refresh, require

TITLE_LIMIT = Ticket._meta.get_field("title").max_length


def create_ticket(*, actor, organization, title: str) -> Ticket:
    require(actor, "workflow_testapp.add_ticket", organization)
    title = check_text(title, TITLE_LIMIT, "标题")
    with transaction.atomic():
        ticket = Ticket.objects.create(organization=organization, title=title, submitter=actor)
        workflow.start(actor=actor, obj=ticket, workflow_key="ticket")
    return ticket


def edit_ticket(*, actor, ticket: Ticket, title: str) -> Ticket:
    title = check_text(title, TITLE_LIMIT, "标题")
    with transaction.atomic():
        # Decide on the locked copy (its state may have moved since the page was read), write, then refresh.
        locked = lock_in_workflow(ticket)
        require(actor, "workflow_testapp.change_ticket", locked)
        locked.title = title
        locked.save(update_fields=["title"])
    return refresh(ticket, locked, "state", "workflow")

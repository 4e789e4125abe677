"""Every read of the template domain: lists scoped by visibility.py, and the relations roles.py and rules.py ask
about. Pages get their rows from here, joined for what they show."""

from __future__ import annotations

from django.db.models import QuerySet

from xieshang.workflow.selectors import state_tag

from .models import Reviewer, Ticket
from .visibility import TICKET


def visible_tickets(user, organization) -> QuerySet[Ticket]:
    """The organization's tickets the user may see (the list page's rows), newest first."""
    rows = Ticket.objects.select_related("state", "submitter")
    return TICKET.filter(rows, user, organization).order_by("-pk")


def tickets_in_phase(organization, tag: str) -> QuerySet[Ticket]:
    """The organization's tickets whose state carries the phase tag, for queues and statistics ("handling" …)."""
    org_id = getattr(organization, "pk", organization)
    return Ticket.objects.filter(state_tag(tag).q(), organization_id=org_id)


def missing_countersignatures(ticket: Ticket) -> int:
    """How many co-handlers have not countersigned yet."""
    return ticket.co_handlers.exclude(pk__in=ticket.signed_by.values("pk")).count()


def reviewers_of(ticket: Ticket) -> QuerySet[Reviewer]:
    return ticket.reviewers.select_related("user").order_by("pk")

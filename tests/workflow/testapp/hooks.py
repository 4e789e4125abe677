"""Effects of the "ticket" workflow's transitions. Each is a public `on_<transition>(ticket, event, payload)` that
runs inside the transition's transaction on the locked, fresh row (raising rolls the transition back); register()
hands them to the engine. Effects outside the database (notifications, the search index) go through
transaction.on_commit (docs/decisions/0008-side-effects.md)."""

from __future__ import annotations

from django.utils import timezone

from xieshang.core.models import next_number
from xieshang.workflow import registry

from .models import Assignment, TicketSettings

WORKFLOW = "ticket"


def on_reply(ticket, event, payload) -> None:
    """The units' work is answered: their active assignments are done."""
    Assignment.objects.filter(ticket=ticket, status=Assignment.Status.ACTIVE).update(status=Assignment.Status.DONE)


def on_close(ticket, event, payload) -> None:
    """A closed ticket gets its number, once (a reopened and closed again ticket keeps it)."""
    if ticket.number:
        return
    year = timezone.localtime(event.at).year
    n = next_number("workflow_testapp.ticket", ticket.organization_id, year)
    prefix = TicketSettings.for_organization(ticket.organization_id).number_prefix
    ticket.number = f"{prefix}{year}-{n:04d}"
    ticket.save(update_fields=["number"])


def register() -> None:
    registry.register_hook(WORKFLOW, "reply", on_reply)
    registry.register_hook(WORKFLOW, "close", on_close)

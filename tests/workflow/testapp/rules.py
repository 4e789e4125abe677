"""Permissions of tickets, one per action (django-rules). Views, templates and services ask the same has_perm; the
workflow's transitions are checked by the engine from the workflow table's roles. The view permission is the
visibility spec's predicate, so it cannot drift from the list filter and the search readers; a relation (the
submitter) is the Relation the engine's role is, not a second test of the same thing."""

from __future__ import annotations

import rules

from xieshang.accounts.models import Role
from xieshang.accounts.selectors import has_role
from xieshang.workflow.selectors import state_allows, state_has

from .visibility import SUBMITTER, TICKET

can_view_ticket = TICKET.predicate


@rules.predicate
def is_member_of_organization(user, organization) -> bool:
    return organization is not None and has_role(user, Role.MEMBER, organization)


@rules.predicate
def is_ticket_staff(user, ticket) -> bool:
    return ticket is not None and has_role(user, Role.PROPOSALS_STAFF, ticket.organization_id)


@rules.predicate
def allows_edit(user, ticket) -> bool:
    return ticket is not None and state_allows(ticket, "edit")


@rules.predicate
def is_open_for_work(user, ticket) -> bool:
    return ticket is not None and state_has(ticket, "handling")


@rules.predicate
def is_not_done(user, ticket) -> bool:
    return ticket is not None and not state_has(ticket, "done")


@rules.predicate
def is_invited_reviewer(user, reviewer) -> bool:
    return reviewer is not None and reviewer.user_id == user.pk


rules.add_perm("workflow_testapp.view_ticket", can_view_ticket)
rules.add_perm("workflow_testapp.add_ticket", is_member_of_organization)  # obj: the organization
rules.add_perm("workflow_testapp.change_ticket", SUBMITTER.predicate & allows_edit)
rules.add_perm("workflow_testapp.add_note", can_view_ticket & is_not_done)
rules.add_perm("workflow_testapp.invite_reviewer", is_ticket_staff & is_open_for_work)
rules.add_perm("workflow_testapp.assign_unit", is_ticket_staff & is_not_done)
rules.add_perm("workflow_testapp.answer_invitation", is_invited_reviewer)  # obj: the Reviewer row

"""Who may see a ticket, written once (accounts.visibility) and read three ways: the list filter (selectors), the
view permission (rules) and the search readers. tests/accounts/test_visibility.py proves the three agree.

The relations the workflow names as roles and that are also audiences here (the submitter, the co-handlers) are
declared here once, as accounts.relations.Relation: roles.py hands them to the engine, rules.py takes their
predicates, TICKET includes their audiences."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xieshang.accounts.models import Role
from xieshang.accounts.relations import Relation
from xieshang.accounts.visibility import OrgRoles, RelatedUnits, RelatedUsers, UserField, Visibility
from xieshang.workflow.selectors import state_tag

from .models import Assignment, Reviewer, Ticket

SUBMITTER = Relation("submitter", UserField("submitter_id"), members=lambda t: [t.submitter], label=_("提交人"))
CO_HANDLER = Relation("co_handler", RelatedUsers(Ticket.co_handlers.through, "ticket"), label=_("协办人"))

TICKET = Visibility(
    # The organization's staff once it is submitted; every member once it is public.
    OrgRoles(Role.PROPOSALS_STAFF, Role.SUPERVISOR, Role.LEADER, unless=state_tag("draft")),
    OrgRoles(Role.MEMBER, when=state_tag("public")),
    *SUBMITTER.audiences,
    *CO_HANDLER.audiences,
    # Invited or accepted reviewers, not those who declined; nobody before submission.
    RelatedUsers(Reviewer, "ticket", exclude=Q(status=Reviewer.Status.DECLINED), unless=state_tag("draft")),
    # Officers of the units it is assigned to, once the assignment is made (not while planned).
    RelatedUnits(Assignment, "ticket", exclude=Q(status=Assignment.Status.PLANNED)),
)

"""Who may see a proposal, written once (accounts.visibility): the list filter (selectors.visible_proposals), the
permission (rules "proposals.view_proposal") and the search readers (search_wiring) are all read from PROPOSAL.

- the proposals office, the supervisor and the leaders of its organization, once it is submitted (a draft is the
  member's own until then: state tag "draft");
- the lead (submitter) and the staff member who entered it on the lead's behalf;
- the invited co-signers, except those whose invitation was withdrawn;
- the officers of the units it was assigned to (a planned assignment is not sent yet)."""

from __future__ import annotations

from django.db.models import Q

from xieshang.accounts.models import Role
from xieshang.accounts.visibility import OrgRoles, RelatedUnits, RelatedUsers, UserField, Visibility
from xieshang.workflow.selectors import state_tag

from .models import Assignment, CoSignature

OVERSEER_ROLES = (Role.PROPOSALS_STAFF, Role.SUPERVISOR, Role.LEADER)

PROPOSAL = Visibility(
    OrgRoles(*OVERSEER_ROLES, unless=state_tag("draft")),
    UserField("submitter_id"),
    UserField("entered_by_id"),
    RelatedUsers(CoSignature, "proposal", exclude=Q(status=CoSignature.Status.WITHDRAWN)),
    RelatedUnits(Assignment, "proposal", exclude=Q(status=Assignment.Status.PLANNED)),
)

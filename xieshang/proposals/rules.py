"""Permissions of proposals, one per action, as django-rules predicates. Views, templates, the API and the services
ask the same has_perm. Workflow transitions are checked by the engine from the workflow's roles; these cover the
writes around them; who may see a proposal comes from visibility.PROPOSAL."""

from __future__ import annotations

import rules

from xieshang.accounts.rules import (
    is_committee_staff,
    is_leader,
    is_member,
    is_proposals_staff,
    is_standing_member,
    is_supervisor,
    is_unit_officer,
)
from xieshang.workflow.selectors import state_allows

from . import roles, visibility
from .models import Assignment


def _proposal(obj):
    return getattr(obj, "proposal", obj)


# The relations of people to a proposal are written once, in roles.py, for the engine and for these permissions.
is_submitter = roles.SUBMITTER.predicate
is_entering_staff = roles.ENTERING_STAFF.predicate
is_invited_cosigner = roles.INVITED_COSIGNER.predicate
is_signer = roles.SIGNER.predicate


@rules.predicate
def officer_of_assigned_unit(user, obj=None) -> bool:
    from .selectors import officer_unit_ids

    if obj is None:
        return False
    proposal = _proposal(obj)
    mine = officer_unit_ids(user, proposal.organization_id)
    if not mine:
        return False
    if isinstance(obj, Assignment):
        return obj.unit_id in mine
    return Assignment.objects.filter(proposal_id=proposal.pk, unit_id__in=mine).exclude(status="planned").exists()


def _allows(flag):
    @rules.predicate(name=f"state_allows_{flag}")
    def check(user, obj=None) -> bool:
        return obj is not None and state_allows(_proposal(obj), flag)

    return check


allows_edit = _allows("edit")
allows_cosign = _allows("cosign")
allows_rate = _allows("rate")
allows_comment = _allows("comment")

is_overseer = is_proposals_staff | is_supervisor | is_leader

rules.add_perm("proposals.add_proposal", is_member | is_standing_member | is_proposals_staff)
rules.add_perm("proposals.enter_on_behalf", is_proposals_staff)
may_view = visibility.PROPOSAL.predicate

rules.add_perm("proposals.view_proposal", may_view)
# Whoever may read the proposal may remark on it while its state allows comments; what was written stays visible.
rules.add_perm("proposals.comment_proposal", may_view & allows_comment)
rules.add_perm("proposals.change_proposal", (is_submitter | is_entering_staff) & allows_edit)
rules.add_perm("proposals.invite_cosigners", (is_submitter | is_entering_staff) & (allows_edit | allows_cosign))
rules.add_perm("proposals.cosign_proposal", is_invited_cosigner & allows_cosign)
rules.add_perm("proposals.manage_proposal", is_proposals_staff)
rules.add_perm("proposals.assign_proposal", is_proposals_staff)
rules.add_perm("proposals.handle_assignment", officer_of_assigned_unit)
rules.add_perm("proposals.rate_proposal", is_signer & allows_rate)
rules.add_perm("proposals.enter_paper_rating", is_proposals_staff & allows_rate)
rules.add_perm("proposals.publish_reply", is_proposals_staff)
rules.add_perm("proposals.select_excellent", is_proposals_staff)
rules.add_perm("proposals.view_statistics", is_overseer)
rules.add_perm("proposals.view_unit_inbox", is_unit_officer)
rules.add_perm("proposals.view_key_proposals", is_leader | is_proposals_staff | is_supervisor)


# Key proposals (重点提案, decision 0028): the proposals office puts candidates forward, records the chairpersons'
# meeting's decision, publishes it and plans the supervision; the units report progress on their own key proposals;
# leaders write instructions. The published list is read by everyone who works on proposals.
@rules.predicate
def staff_of_proposal_committee(user, obj=None) -> bool:
    """Staff of the special committee the proposal belongs to (decision 0031)."""
    from .selectors import staff_committee_ids

    if obj is None:
        return False
    proposal = _proposal(obj)
    return bool(proposal.committee_id) and proposal.committee_id in staff_committee_ids(user, proposal.organization_id)


@rules.predicate
def supervises_key(user, obj=None) -> bool:
    """A supervising leader of the key proposal with a platform account (either side)."""
    from .models import KeySupervisor

    if obj is None or not getattr(user, "is_authenticated", False):
        return False
    return KeySupervisor.objects.filter(proposal_id=_proposal(obj).pk, user_id=user.pk).exists()


# Candidates come from the proposals office, the proposal's handling units and its special committee (decision 0031).
rules.add_perm("proposals.propose_key", is_proposals_staff | officer_of_assigned_unit | staff_of_proposal_committee)
rules.add_perm("proposals.decide_key", is_proposals_staff)
rules.add_perm("proposals.plan_key_supervision", is_proposals_staff)
rules.add_perm("proposals.report_key_progress", officer_of_assigned_unit)
rules.add_perm("proposals.instruct_key", is_leader)
# Supervision meetings (提案办理协商), the supervisor's assessment and the year's summary (decision 0031).
rules.add_perm("proposals.hold_key_meeting", is_proposals_staff)
rules.add_perm("proposals.assess_key", supervises_key)
rules.add_perm("proposals.view_key_summary", is_overseer)
rules.add_perm("proposals.finalize_key_summary", is_proposals_staff)
rules.add_perm(
    "proposals.view_key_selection",
    is_proposals_staff
    | is_supervisor
    | is_leader
    | is_member
    | is_standing_member
    | is_unit_officer
    | is_committee_staff,
)


@rules.predicate
def key_published(user, obj=None) -> bool:
    return obj is not None and getattr(_proposal(obj), "key_published_at", None) is not None


# A published key proposal's supervision page is read by everyone who works on proposals in the organization.
rules.add_perm(
    "proposals.view_key_supervision",
    is_overseer | (key_published & (is_member | is_standing_member | is_unit_officer)),
)


# Units' annual handling reports and the evaluation of units (decision 0030). A unit's officers draft, edit and
# submit their unit's report (the services check the unit); the proposals office reviews and publishes; the office,
# supervisors and leaders read every report and the ranking; members read the published reports.


@rules.predicate
def officer_of_report_unit(user, obj=None) -> bool:
    from .selectors import officer_unit_ids

    unit_id = getattr(obj, "unit_id", None)
    return unit_id is not None and unit_id in officer_unit_ids(user, obj.organization_id)


@rules.predicate
def report_published(user, obj=None) -> bool:
    return getattr(obj, "status", None) == "published"


rules.add_perm(
    "proposals.view_unit_reports",
    is_overseer | is_unit_officer | is_member | is_standing_member,
)
rules.add_perm(
    "proposals.view_unit_report",
    is_overseer | officer_of_report_unit | (report_published & (is_member | is_standing_member | is_unit_officer)),
)
rules.add_perm("proposals.write_unit_report", officer_of_report_unit)
rules.add_perm("proposals.review_unit_report", is_proposals_staff)
rules.add_perm("proposals.view_unit_evaluation", is_overseer)
rules.add_perm("proposals.set_unit_evaluation_weights", is_proposals_staff)
# The records behind a report's figures name proposals: only those who read the unit's work see them.
rules.add_perm("proposals.view_unit_report_records", is_overseer | officer_of_report_unit)

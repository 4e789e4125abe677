"""What proposals write into members' duty records (履职档案), by the organization's point rules (duties app):

- the review's outcome (file, merge, convert, not filed): the lead member is credited for the proposal
  (`proposal_lead`), every co-signer whose signature counts for co-signing (`proposal_cosign`);
- filing (立案): the lead member also gets `proposal_filed`;
- a key proposal (重点提案): the lead member gets `proposal_key`;
- the year-end selection of excellent proposals (优秀提案): every signer gets `proposal_excellent`.

Only members are credited: a proposal in the name of a party, people's organization, committee or sector has no lead
member. Credits are idempotent per (member, rule, proposal), so a proposal returned and reviewed again is not counted
twice, and they run inside the transition's transaction: a refused action credits nothing."""

from __future__ import annotations

from django.utils import timezone

from xieshang.duties.services import duty_credit

from .models import Proposal
from .selectors import signers

MEMBER_KINDS = (Proposal.SubmitterKind.MEMBER, Proposal.SubmitterKind.JOINT)


def _lead(proposal):
    return proposal.submitter if proposal.submitter_kind in MEMBER_KINDS else None


def _credit(member, proposal, rule_key, occurred_on, actor=None):
    duty_credit(
        member=member,
        organization=proposal.organization_id,
        rule_key=rule_key,
        source=proposal,
        occurred_on=occurred_on,
        source_label=f"{proposal.number or ''}《{proposal.title}》".strip(),
        actor=actor,
    )


def credit_review_outcome(proposal, event, payload=None) -> None:
    """Called by the review outcomes' hooks (file / merge / convert / not_file, hooks.py)."""
    day = timezone.localdate(event.at)
    people = signers(proposal)
    lead = _lead(proposal)
    if lead is not None:
        _credit(lead, proposal, "proposal_lead", day, event.actor)
    for cosigner in people[1:]:
        _credit(cosigner, proposal, "proposal_cosign", day, event.actor)


def credit_filed(proposal, event, payload=None) -> None:
    """Called by the filing hook (立案), after credit_review_outcome."""
    lead = _lead(proposal)
    if lead is not None:
        _credit(lead, proposal, "proposal_filed", timezone.localdate(event.at), event.actor)


def credit_key(proposal, actor) -> None:
    lead = _lead(proposal)
    if lead is not None:
        _credit(lead, proposal, "proposal_key", timezone.localdate(), actor)


def credit_excellent(proposal, actor) -> None:
    people = signers(proposal)
    if _lead(proposal) is None:
        people = people[1:]
    for person in people:
        _credit(person, proposal, "proposal_excellent", timezone.localdate(), actor)

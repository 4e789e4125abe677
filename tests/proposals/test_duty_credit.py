"""Proposals feed the members' duty records: the lead and the counted co-signers when the review decides, filing,
key proposals and the excellent selection, each traceable to the proposal and never twice."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied

from xieshang.duties.models import DutyEntry
from xieshang.proposals import services
from xieshang.proposals.models import Proposal
from xieshang.proposals.selectors import grounds_for

from .factories import advance, make_proposal

pytestmark = pytest.mark.django_db


def credits(proposal):
    ct = ContentType.objects.get_for_model(Proposal)
    return sorted(
        (e.member.username, e.rule_key, int(e.points))
        for e in DutyEntry.objects.filter(content_type=ct, object_id=proposal.pk).select_related("member")
    )


def test_filing_credits_the_lead_and_the_co_signers(world):
    p = make_proposal(world, cosigners=[world.co1, world.co2])
    services.cosign_decline(actor=world.co2, proposal=p)
    advance(world, p, "under_review")
    assert credits(p) == []  # submitting alone is not yet a proposal of record
    advance(world, p, "filed")
    assert credits(p) == [
        ("co1", "proposal_cosign", 5),
        ("lead", "proposal_filed", 15),
        ("lead", "proposal_lead", 10),
    ]
    entry = DutyEntry.objects.get(member=world.lead, rule_key="proposal_filed")
    assert entry.source_url == p.get_absolute_url() and p.title in entry.source_label


def test_a_proposal_not_filed_still_counts_as_submitted_once(world):
    p = advance(world, make_proposal(world), "under_review")
    services.proposal_review(
        actor=world.staff, proposal=p, outcome="not_filed", ground=grounds_for(world.org).first(), reason="个人事务"
    )
    assert credits(p) == [("lead", "proposal_lead", 10)]


def test_key_and_excellent_credits_and_no_double_counting(world):
    p = advance(world, make_proposal(world, cosigners=[world.co1]), "numbered")
    with pytest.raises(PermissionDenied):
        services.mark_key(actor=world.lead, proposal=p, leader=world.leader, supervising_body="市政府督查室")
    assert ("lead", "proposal_key", 5) not in credits(p)
    services.mark_key(actor=world.staff, proposal=p, leader=world.leader, supervising_body="市政府督查室")
    services.mark_key(actor=world.staff, proposal=p, leader=world.leader, supervising_body="市政府督查室")
    advance(world, p, "closed", co=False)
    services.excellent_select(actor=world.staff, proposals=[p], year=p.year)
    assert credits(p) == [
        ("co1", "proposal_cosign", 5),
        ("co1", "proposal_excellent", 10),
        ("lead", "proposal_excellent", 10),
        ("lead", "proposal_filed", 15),
        ("lead", "proposal_key", 5),
        ("lead", "proposal_lead", 10),
    ]


def test_a_proposal_in_a_party_s_name_credits_no_lead_member(world):
    p = make_proposal(world, submitter_kind="party", submitter_party="民革", submitter_org_name="民革郑州市委会")
    advance(world, p, "filed")
    assert credits(p) == []

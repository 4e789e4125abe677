"""One proposal through the whole default workflow, by the services."""

import pytest

from tests.proposals.factories import contact, promise_for
from xieshang.proposals import services
from xieshang.proposals.models import Proposal
from xieshang.proposals.selectors import categories_for
from xieshang.workflow.selectors import events_for

pytestmark = pytest.mark.django_db


def test_full_lifecycle(world):
    w = world
    p = services.proposal_create(
        actor=w.lead, organization=w.org, title="关于加快老旧小区加装电梯的建议", body="正文" * 50, cosigners=[w.co1]
    )
    assert p.state.key == "draft"
    services.cosign_sign(actor=w.co1, proposal=p)
    services.proposal_submit(actor=w.lead, proposal=p)
    services.proposal_transition(actor=w.staff, proposal=p, key="pre_accept")
    services.proposal_transition(actor=w.staff, proposal=p, key="start_review")
    services.proposal_review(actor=w.staff, proposal=p, outcome="filed")
    services.proposal_classify(actor=w.staff, proposal=p, category=categories_for(w.org).first())
    services.proposal_number(actor=w.staff, proposal=p)
    assert p.number.endswith("第0001号")
    services.assignment_plan(actor=w.staff, proposal=p, lead=w.units[0], co=[w.units[1]])
    services.assignment_propose(actor=w.staff, proposal=p)
    services.assignment_approve(actor=w.leader, proposal=p)
    services.proposal_assign(actor=w.staff, proposal=p)
    assert p.state.key == "assigned"
    lead_a, co_a = p.assignments.order_by("role")
    assert True
    for a in p.assignments.all():
        services.assignment_receive(actor=w.officers[w.units.index(a.unit)], assignment=a)
    p.refresh_from_db()
    assert p.state.key == "handling"
    co = p.assignments.get(role="co")
    services.cohandler_opinion(actor=w.officers[1], assignment=co, text="同意主办意见")
    contact(w, p)
    services.reply_submit(
        actor=w.officers[0],
        proposal=p,
        reference_number="郑房函〔2026〕1号",
        contact_person="王科长",
        contact_phone="0371-67180000",
        text="已列入计划",
        grade="B",
        **promise_for("B"),
    )
    assert p.state.key == "countersigning"
    services.reply_countersign(actor=w.officers[1], proposal=p, note="同意")
    assert p.state.key == "supervisor_review"
    services.reply_approve(actor=w.supervisor, proposal=p, grade="A")
    assert p.state.key == "replied"
    assert p.replies.get().grade == "A"
    services.rating_submit(actor=w.lead, proposal=p, satisfaction="dissatisfied", comment="未落实")
    assert p.state.key == "replied"
    services.rating_submit(actor=w.co1, proposal=p, satisfaction="satisfied")
    assert p.state.key == "rehandling"
    services.rehandle_contact(actor=w.officers[0], proposal=p, note="电话沟通")
    services.reply_submit(
        actor=w.officers[0],
        proposal=p,
        reference_number="郑房函〔2026〕2号",
        contact_person="王科长",
        contact_phone="0371-67180000",
        text="已解决",
        grade="A",
    )
    services.reply_countersign(actor=w.officers[1], proposal=p)
    services.reply_approve(actor=w.supervisor, proposal=p)
    services.rating_submit(actor=w.lead, proposal=p, satisfaction="satisfied")
    services.rating_submit(actor=w.staff, rater=w.co1, proposal=p, satisfaction="basic")
    assert p.state.key == "rated"
    services.proposal_confirm(actor=w.staff, proposal=p)
    services.proposal_close(actor=w.staff, proposal=p)
    services.proposal_archive(actor=w.staff, proposal=p)
    p = Proposal.objects.get(pk=p.pk)
    assert p.state.key == "archived" and p.closed_at
    assert events_for(p).count() > 20


def test_micro_lifecycle(world):
    w = world
    p = services.proposal_create(
        actor=w.lead, organization=w.org, title="背街小巷路灯", body="路灯坏了" * 10, kind="micro"
    )
    services.proposal_submit(actor=w.lead, proposal=p)
    services.micro_accept(actor=w.staff, proposal=p, unit=w.units[1])
    assert p.state.key == "handling" and p.number
    services.reply_submit(
        actor=w.officers[1],
        proposal=p,
        reference_number="城管复〔2026〕3号",
        contact_person="李",
        contact_phone="0371-1234567",
        text="已修复",
        grade="A",
    )
    assert p.state.key == "replied"
    services.rating_submit(actor=w.lead, proposal=p, satisfaction="satisfied")
    assert p.state.key == "closed"

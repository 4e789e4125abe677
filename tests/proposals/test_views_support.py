"""Helpers for the page tests (no tests here): log staff in past the second factor and move a proposal to a given
step through the services, as the pages would."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from xieshang.proposals import services
from xieshang.proposals.models import Proposal
from xieshang.proposals.selectors import categories_for

STEPS = [
    "draft",
    "submitted",
    "under_review",
    "filed",
    "classified",
    "numbered",
    "assignment_approved",
    "assigned",
    "handling",
    "countersigning",
    "supervisor_review",
    "replied",
    "rated",
    "closed",
]


def login(client, user):
    """Log in; staff get a confirmed device and a verified session, as after the second factor."""
    client.force_login(user)
    device, _ = TOTPDevice.objects.get_or_create(user=user, defaults={"confirmed": True, "name": "test"})
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client


def make_proposal(w, *, title="关于加快老旧小区加装电梯的建议", body=None, to="draft", cosign=True, **kwargs):
    p = services.proposal_create(
        actor=w.lead,
        organization=w.org,
        title=title,
        body=body or "建议" * 60,
        cosigners=[w.co1] if cosign else [],
        **kwargs,
    )
    return advance(w, p, to)


def advance(w, p: Proposal, to: str) -> Proposal:
    target = STEPS.index(to)
    done = STEPS.index(p.state.key) if p.state.key in STEPS else 0

    def past(step):
        return done < STEPS.index(step) <= target

    if past("submitted"):
        if p.cosignatures.filter(user=w.co1, status="invited").exists():
            services.cosign_sign(actor=w.co1, proposal=p)
        services.proposal_submit(actor=w.lead, proposal=p)
    if past("under_review"):
        services.proposal_transition(actor=w.staff, proposal=p, key="pre_accept")
        services.proposal_transition(actor=w.staff, proposal=p, key="start_review")
    if past("filed"):
        services.proposal_review(actor=w.staff, proposal=p, outcome="filed")
    if past("classified"):
        services.proposal_classify(actor=w.staff, proposal=p, category=categories_for(w.org).first())
    if past("numbered"):
        services.proposal_number(actor=w.staff, proposal=p)
    if past("assignment_approved"):
        services.assignment_plan(actor=w.staff, proposal=p, lead=w.units[0], co=[w.units[1]])
        services.assignment_propose(actor=w.staff, proposal=p)
        services.assignment_approve(actor=w.leader, proposal=p)
    if past("assigned"):
        services.proposal_assign(actor=w.staff, proposal=p)
    if past("handling"):
        for a in p.assignments.filter(status="pending"):
            services.assignment_receive(actor=w.officers[w.units.index(a.unit)], assignment=a)
    if past("countersigning"):
        services.contact_record(
            actor=w.officers[0],
            proposal=p,
            method="phone",
            contacted_on=timezone.localdate(),
            with_whom="提案人本人",
            agreed="电话沟通办理思路，提案人同意分步实施。",
        )
        services.reply_submit(
            actor=w.officers[0],
            proposal=p,
            reference_number="郑房函〔2026〕1号",
            contact_person="王科长",
            contact_phone="13912345678",
            text="已列入计划。联系电话 0371-67181234。",
            grade="B",
            promise="年内完成加装电梯试点。",
            promise_due_on=timezone.localdate() + timedelta(days=90),
        )
    if past("supervisor_review"):
        services.reply_countersign(actor=w.officers[1], proposal=p, note="同意")
    if past("replied"):
        services.reply_approve(actor=w.supervisor, proposal=p)
    if past("rated"):
        services.rating_submit(actor=w.lead, proposal=p, satisfaction="satisfied")
        services.rating_submit(actor=w.co1, proposal=p, satisfaction="basic")
    if past("closed"):
        services.proposal_confirm(actor=w.staff, proposal=p)
        services.proposal_close(actor=w.staff, proposal=p)
    return Proposal.objects.get(pk=p.pk)

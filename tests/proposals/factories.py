"""Proposals made and moved by the services, for tests: make_proposal(world, ...) and advance(world, p, "state")."""

from datetime import timedelta

from django.utils import timezone

from xieshang.proposals import services
from xieshang.proposals.selectors import categories_for, officer_unit_ids

ORDER = [
    "draft",
    "submitted",
    "pre_accepted",
    "under_review",
    "filed",
    "classified",
    "numbered",
    "assignment_pending",
    "assignment_approved",
    "assigned",
    "handling",
    "countersigning",
    "supervisor_review",
    "replied",
    "rated",
    "confirmed",
    "closed",
    "archived",
]


def make_proposal(
    w, *, title="关于加快老旧小区改造的建议", body="老旧小区管网老化，建议加快改造。" * 5, cosigners=(), **kwargs
):
    return services.proposal_create(
        actor=kwargs.pop("actor", w.lead), organization=w.org, title=title, body=body, cosigners=cosigners, **kwargs
    )


def contact(w, p, unit_index=0, **kwargs):
    """The unit's recorded contact with the member (办理协商), which the default workflow asks for before a reply."""
    return services.contact_record(
        actor=w.officers[unit_index],
        proposal=p,
        method=kwargs.pop("method", "phone"),
        contacted_on=kwargs.pop("contacted_on", timezone.localdate()),
        with_whom=kwargs.pop("with_whom", "提案人本人"),
        agreed=kwargs.pop("agreed", "电话沟通办理思路，提案人同意分步实施。"),
        **kwargs,
    )


def reply(w, p, unit_index=0, grade="B", contacted=True, **kwargs):
    """The unit's reply; first its contact with the member when the workflow asks for one (contacted=False: not)."""
    if contacted and services.contact_required(p):
        units = officer_unit_ids(w.officers[unit_index], p.organization_id)
        if not p.contacts.filter(assignment__unit_id__in=units).exists():
            contact(w, p, unit_index, assignment=kwargs.get("assignment"))
    return services.reply_submit(
        actor=w.officers[unit_index],
        proposal=p,
        reference_number=kwargs.pop("reference_number", "郑房函〔2026〕8号"),
        contact_person=kwargs.pop("contact_person", "王科长"),
        contact_phone=kwargs.pop("contact_phone", "13812345678"),
        text=kwargs.pop("text", "经研究，已列入年度计划。"),
        grade=grade,
        **{**promise_for(grade), **kwargs},
    )


def promise_for(grade):
    """A B reply is a promise: what and by when (three months on)."""
    if grade != "B":
        return {}
    return {"promise": "年内完成加装电梯试点。", "promise_due_on": timezone.localdate() + timedelta(days=90)}


def advance(w, p, target: str, *, co: bool = True):
    """Move p along the main path until it is in `target` (lead unit w.units[0], co-handler w.units[1] if co)."""
    steps = {
        "submitted": lambda: [
            *(services.cosign_sign(actor=c.user, proposal=p) for c in p.cosignatures.filter(status="invited")),
            services.proposal_submit(actor=p.submitter, proposal=p),
        ],
        "pre_accepted": lambda: services.proposal_transition(actor=w.staff, proposal=p, key="pre_accept"),
        "under_review": lambda: services.proposal_transition(actor=w.staff, proposal=p, key="start_review"),
        "filed": lambda: services.proposal_review(actor=w.staff, proposal=p, outcome="filed"),
        "classified": lambda: services.proposal_classify(
            actor=w.staff, proposal=p, category=categories_for(w.org).first()
        ),
        "numbered": lambda: services.proposal_number(actor=w.staff, proposal=p),
        "assignment_pending": lambda: [
            services.assignment_plan(actor=w.staff, proposal=p, lead=w.units[0], co=[w.units[1]] if co else []),
            services.assignment_propose(actor=w.staff, proposal=p),
        ],
        "assignment_approved": lambda: services.assignment_approve(actor=w.leader, proposal=p),
        "assigned": lambda: services.proposal_assign(actor=w.staff, proposal=p),
        "handling": lambda: [
            services.assignment_receive(actor=w.officers[w.units.index(a.unit)], assignment=a)
            for a in p.assignments.filter(status="pending").select_related("unit")
        ],
        "countersigning": lambda: reply(w, p),
        "supervisor_review": lambda: (
            services.reply_countersign(actor=w.officers[1], proposal=p, note="同意")
            if p.state.key == "countersigning"
            else None
        ),
        "replied": lambda: services.reply_approve(actor=w.supervisor, proposal=p),
        "rated": lambda: [services.rating_submit(actor=u, proposal=p, satisfaction="satisfied") for u in _signers(p)],
        "confirmed": lambda: services.proposal_confirm(actor=w.staff, proposal=p),
        "closed": lambda: services.proposal_close(actor=w.staff, proposal=p),
        "archived": lambda: services.proposal_archive(actor=w.staff, proposal=p),
    }
    start = ORDER.index(p.state.key)
    for state in ORDER[start + 1 : ORDER.index(target) + 1]:
        steps[state]()
        p.refresh_from_db()
        if state == "countersigning" and not co:
            continue
        assert p.state.key == state or (state == "countersigning" and p.state.key == "supervisor_review"), (
            state,
            p.state.key,
        )
    return p


def _signers(p):
    from xieshang.proposals.selectors import signers

    return signers(p)

"""Services: every refusal of bad input, actions out of state, co-signing, numbering, assignment variants, ratings."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from xieshang.audit.models import AuditEntry
from xieshang.proposals import services
from xieshang.proposals.models import Assignment, CoSignature, Proposal, ProposalSettings, Rating, Reply
from xieshang.proposals.selectors import grounds_for, public_replies, settings_for
from xieshang.workflow.exceptions import ConditionFailed, InvalidEdge, NotAllowed, TransitionError
from xieshang.workflow.selectors import events_for

from .factories import advance, make_proposal, reply

pytestmark = pytest.mark.django_db


def _snapshot(p):
    p = Proposal.objects.get(pk=p.pk)
    return (
        p.state_id,
        p.number,
        p.outcome,
        events_for(p).count(),
        list(p.assignments.values_list("status", flat=True).order_by("id")),
        p.replies.count(),
        p.ratings.count(),
    )


# bad input


def test_body_over_the_limit_is_refused_with_the_field(world):
    with pytest.raises(ValidationError) as err:
        make_proposal(world, body="字" * 2501)
    assert "body" in err.value.message_dict and "2500" in err.value.message_dict["body"][0]
    assert not Proposal.objects.exists()
    make_proposal(world, body="字" * 2500)


def test_body_limit_is_a_setting_of_the_organization(world):
    ProposalSettings.objects.create(organization=world.org, body_max_chars=100, micro_body_max_chars=20)
    assert settings_for(world.org).body_max_chars == 100
    with pytest.raises(ValidationError):
        make_proposal(world, body="字" * 101)
    with pytest.raises(ValidationError) as err:
        make_proposal(world, body="字" * 21, kind="micro")
    assert "20" in err.value.message_dict["body"][0]


def test_missing_grade_is_refused(world):
    p = advance(world, make_proposal(world), "handling")
    before = _snapshot(p)
    with pytest.raises(ValidationError) as err:
        reply(world, p, grade="")
    assert "grade" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        reply(world, p, grade="D", contact_phone="")
    assert {"grade", "contact_phone"} <= set(err.value.message_dict)
    assert _snapshot(p) == before


def test_return_without_reason_is_refused(world):
    p = advance(world, make_proposal(world), "assigned")
    a = p.assignments.get(role="lead")
    before = _snapshot(p)
    with pytest.raises(ValidationError) as err:
        services.assignment_return(actor=world.officers[0], assignment=a, reason="  ")
    assert "reason" in err.value.message_dict
    assert _snapshot(p) == before


def test_second_rating_by_the_same_member_is_refused(world):
    p = advance(world, make_proposal(world, cosigners=[world.co1]), "replied")
    services.rating_submit(actor=world.lead, proposal=p, satisfaction="basic")
    with pytest.raises(ValidationError) as err:
        services.rating_submit(actor=world.lead, proposal=p, satisfaction="satisfied")
    assert "不能重复评价" in err.value.message_dict["satisfaction"][0]
    # not on paper either
    with pytest.raises(ValidationError):
        services.rating_submit(actor=world.staff, rater=world.lead, proposal=p, satisfaction="satisfied")
    assert Rating.objects.filter(rater=world.lead).count() == 1


def test_dissatisfied_needs_a_comment(world):
    p = advance(world, make_proposal(world), "replied")
    with pytest.raises(ValidationError) as err:
        services.rating_submit(actor=world.lead, proposal=p, satisfaction="dissatisfied")
    assert "comment" in err.value.message_dict


def test_not_filed_needs_ground_and_reason(world):
    p = advance(world, make_proposal(world), "under_review")
    with pytest.raises(ValidationError) as err:
        services.proposal_review(actor=world.staff, proposal=p, outcome="not_filed")
    assert {"ground", "reason"} <= set(err.value.message_dict)
    ground = grounds_for(world.org).first()
    services.proposal_review(actor=world.staff, proposal=p, outcome="not_filed", ground=ground, reason="属于个人事务")
    p.refresh_from_db()
    assert p.state.key == "not_filed" and p.not_filed_ground == ground and p.outcome_reason == "属于个人事务"


def test_generic_transition_cannot_skip_domain_data(world):
    """The engine's generic path (and the API) cannot not-file without a valid ground or reply without a reply."""
    p = advance(world, make_proposal(world), "under_review")
    with pytest.raises(TransitionError):
        services.proposal_transition(actor=world.staff, proposal=p, key="not_file", reason="x")
    with pytest.raises(ValidationError):
        services.proposal_transition(actor=world.staff, proposal=p, key="not_file", reason="x", payload={"ground": 0})
    p = advance(world, make_proposal(world, title="另一件提案"), "handling")
    with pytest.raises(ConditionFailed) as err:
        services.proposal_transition(actor=world.officers[0], proposal=p, key="reply")
    assert "答复" in str(err.value)


# out of state


def test_action_not_allowed_in_state_changes_nothing(world):
    p = make_proposal(world)
    before = _snapshot(p)
    with pytest.raises(InvalidEdge) as err:
        services.proposal_review(actor=world.staff, proposal=p, outcome="filed")
    assert "草稿" in str(err.value)
    with pytest.raises(InvalidEdge):
        services.proposal_number(actor=world.staff, proposal=p)
    with pytest.raises(InvalidEdge):
        services.assignment_plan(actor=world.staff, proposal=p, lead=world.units[0])
    assert _snapshot(p) == before
    assert AuditEntry.objects.filter(result="failure", object_id=str(p.pk)).exists()


def test_wrong_actor_is_told_which_role_is_needed(world):
    p = advance(world, make_proposal(world), "submitted")
    with pytest.raises(NotAllowed) as err:
        services.proposal_transition(actor=world.lead, proposal=p, key="pre_accept")
    assert "提案工作人员" in str(err.value)
    p2 = advance(world, make_proposal(world, title="二"), "assigned")
    with pytest.raises(PermissionDenied):
        services.assignment_receive(actor=world.officers[2], assignment=p2.assignments.get(role="lead"))


def test_unit_never_passes_it_on_itself(world):
    p = advance(world, make_proposal(world), "returned" if False else "assigned")
    a = p.assignments.get(role="lead")
    with pytest.raises(PermissionDenied):
        services.return_reassign(actor=world.officers[0], assignment=a, unit=world.units[2], reason="应由教育局办")


# co-signing


def test_cosign_deadline(world, monkeypatch):
    p = make_proposal(world, cosigners=[world.co1, world.co2])
    services.cosign_sign(actor=world.co1, proposal=p)
    services.proposal_submit(actor=world.lead, proposal=p)
    p.refresh_from_db()
    assert p.cosign_deadline > timezone.localdate()
    # staff cannot pre-accept while an invitation is open before the deadline
    with pytest.raises(ConditionFailed):
        services.proposal_transition(actor=world.staff, proposal=p, key="pre_accept")
    later = timezone.now() + timedelta(days=30)
    monkeypatch.setattr(timezone, "now", lambda: later)
    with pytest.raises(ValidationError) as err:
        services.cosign_sign(actor=world.co2, proposal=p)
    assert "截止" in err.value.message_dict["cosign"][0]
    services.proposal_transition(actor=world.staff, proposal=p, key="pre_accept")
    from xieshang.proposals.selectors import signers

    assert {u.pk for u in signers(p)} == {world.lead.pk, world.co1.pk}


def test_lead_withdraws_an_invitation(world):
    p = make_proposal(world, cosigners=[world.co1])
    services.cosign_withdraw(actor=world.lead, proposal=p, user=world.co1)
    with pytest.raises(PermissionDenied):
        services.cosign_sign(actor=world.co1, proposal=p)
    with pytest.raises(PermissionDenied):
        services.cosign_withdraw(actor=world.co1, proposal=p, user=world.co1)
    assert CoSignature.objects.get().status == "withdrawn"


def test_micro_proposals_have_no_cosigning(world):
    with pytest.raises(ValidationError) as err:
        make_proposal(world, kind="micro", body="短", cosigners=[world.co1])
    assert "cosigners" in err.value.message_dict


def test_staff_enters_a_proposal_on_behalf_of_a_member(world):
    p = make_proposal(world, actor=world.staff, submitter=world.lead)
    assert p.entered_by == world.staff and p.submitter == world.lead
    services.proposal_submit(actor=world.staff, proposal=p)
    assert p.state.key == "submitted"
    with pytest.raises(PermissionDenied):
        make_proposal(world, actor=world.co1, submitter=world.lead)


def test_submitter_kinds(world):
    p = make_proposal(world, submitter_kind="party", submitter_party="cdl", submitter_org_name="民盟市委")
    assert p.submitter_display == "民盟市委"
    with pytest.raises(ValidationError) as err:
        make_proposal(world, submitter_kind="peoples_org")
    assert "submitter_org_name" in err.value.message_dict
    with pytest.raises(ValidationError):
        make_proposal(world, submitter_kind="sector")
    s = make_proposal(world, submitter_kind="sector", sector=world.sector)
    assert s.submitter_display == "教育界"


def test_attachments_are_checked(world):
    p = make_proposal(world)
    services.attachment_add(actor=world.lead, proposal=p, file=SimpleUploadedFile("调研.pdf", b"%PDF-1.4 x"))
    with pytest.raises(ValidationError) as err:
        services.attachment_add(actor=world.lead, proposal=p, file=SimpleUploadedFile("x.exe", b"MZ"))
    assert "file" in err.value.message_dict
    ProposalSettings.objects.create(organization=world.org, attachment_max_mb=1)
    big = SimpleUploadedFile("big.pdf", b"0" * (1024 * 1024 + 1))
    with pytest.raises(ValidationError):
        services.attachment_add(actor=world.lead, proposal=p, file=big)
    with pytest.raises(PermissionDenied):
        services.attachment_add(actor=world.co1, proposal=p, file=SimpleUploadedFile("a.pdf", b"%PDF-1.4 x"))
    assert p.attachments.count() == 1


# numbering


def test_numbering_format_and_uniqueness_per_organization_and_year(world, other_organization):
    ProposalSettings.objects.create(organization=world.org, number_format="郑政协〔{year}〕{seq:03d}号")
    numbers = []
    for i in range(3):
        p = advance(world, make_proposal(world, title=f"提案{i}"), "numbered")
        numbers.append(p.number)
    year = timezone.localdate().year
    assert numbers == [f"郑政协〔{year}〕{n:03d}号" for n in (1, 2, 3)]
    assert len(set(Proposal.objects.values_list("seq", flat=True))) == 3
    # the unique constraint is the last line of defence
    from django.db import IntegrityError, transaction

    p = Proposal.objects.filter(seq=1).get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Proposal.objects.filter(seq=2).update(seq=1)
    assert p.seq == 1


# assignment variants


def test_return_then_reassign_or_refuse(world):
    p = advance(world, make_proposal(world), "assigned")
    lead = p.assignments.get(role="lead")
    services.assignment_return(actor=world.officers[0], assignment=lead, reason="职责不在我局")
    p.refresh_from_db()
    assert p.state.key == "returned"
    new = services.return_reassign(actor=world.staff, assignment=lead, unit=world.units[2], reason="改由教育局主办")
    p.refresh_from_db()
    assert p.state.key == "assigned" and new.role == "lead" and new.receipt_due_on == p.due_on
    services.assignment_return(actor=world.officers[2], assignment=new, reason="也不归我局")
    services.return_refuse(actor=world.staff, assignment=new, reason="经研究应由你局主办")
    new.refresh_from_db()
    assert new.status == "pending" and new.return_refusals == 1
    for a in p.assignments.filter(status="pending"):
        services.assignment_receive(actor=world.officers[world.units.index(a.unit)], assignment=a)
    p.refresh_from_db()
    assert p.state.key == "handling"
    kinds = [e.transition.key for e in events_for(p) if e.transition_id]
    assert kinds[-4:] == ["unit_return", "reassign", "unit_return", "refuse_return"] + [] or "start_handling" in kinds


def test_split_assignment_each_unit_replies(world):
    p = advance(world, make_proposal(world), "numbered")
    services.assignment_plan(actor=world.staff, proposal=p, split=[world.units[0], world.units[2]])
    services.assignment_propose(actor=world.staff, proposal=p)
    services.assignment_approve(actor=world.leader, proposal=p)
    services.proposal_assign(actor=world.staff, proposal=p)
    for a in p.assignments.all():
        services.assignment_receive(actor=world.officers[world.units.index(a.unit)], assignment=a)
    reply(world, p, unit_index=0, grade="A")
    p.refresh_from_db()
    assert p.state.key == "handling"
    reply(world, p, unit_index=2, grade="C", reference_number="教函1号")
    p.refresh_from_db()
    assert p.state.key == "supervisor_review"
    services.reply_approve(actor=world.supervisor, proposal=p)
    assert sorted(p.replies.values_list("grade", flat=True)) == ["A", "C"]
    services.rating_submit(actor=world.lead, proposal=p, satisfaction="satisfied")
    assert Rating.objects.filter(proposal=p).count() == 2
    p.refresh_from_db()
    assert p.state.key == "rated"


def test_invalid_assignment_plans(world):
    p = advance(world, make_proposal(world), "numbered")
    for kwargs, field in [
        ({}, "lead"),
        ({"split": [world.units[0]]}, "split"),
        ({"lead": world.units[0], "split": [world.units[1], world.units[2]]}, "split"),
        ({"lead": world.units[0], "co": [world.units[0]]}, "co"),
    ]:
        with pytest.raises(ValidationError) as err:
            services.assignment_plan(actor=world.staff, proposal=p, **kwargs)
        assert field in err.value.message_dict
    with pytest.raises(ConditionFailed):
        services.assignment_propose(actor=world.staff, proposal=p)


def test_countersign_gate_and_edit(world):
    p = advance(world, make_proposal(world), "countersigning")
    with pytest.raises(ConditionFailed) as err:
        services.proposal_transition(actor=world.officers[0], proposal=p, key="submit_for_review")
    assert "会签" in str(err.value)
    with pytest.raises(PermissionDenied):
        services.reply_countersign(actor=world.officers[0], proposal=p)
    services.reply_countersign(
        actor=world.officers[1], proposal=p, note="补充一句", text="经研究，已列入年度计划并协同推进。"
    )
    p.refresh_from_db()
    assert p.state.key == "supervisor_review"
    r = p.replies.get()
    assert r.status == "in_review" and "协同推进" in r.text and r.countersigns.get().edited


def test_supervisor_changes_grade_or_sends_back(world):
    p = advance(world, make_proposal(world), "supervisor_review", co=False)
    services.reply_send_back(actor=world.supervisor, proposal=p, reason="措施不具体")
    assert p.state.key == "handling" and p.reply_round == 2
    reply(world, p, grade="B")
    services.reply_approve(actor=world.supervisor, proposal=p, grade="C")
    r = p.replies.get(round=2)
    assert (r.grade, r.unit_grade, r.status) == ("C", "B", "sent")
    assert p.replies.get(round=1).status == "sent_back"
    with pytest.raises(ValidationError):
        services.reply_approve(actor=world.supervisor, proposal=p, grade="E")


def test_dissatisfied_leads_to_rehandling_with_recontact(world):
    p = advance(world, make_proposal(world), "replied", co=False)
    services.rating_submit(actor=world.lead, proposal=p, satisfaction="dissatisfied", comment="没解决")
    assert p.state.key == "rehandling"
    with pytest.raises(ValidationError) as err:
        reply(world, p, grade="A")
    assert "沟通" in err.value.message_dict["text"][0]
    services.rehandle_contact(actor=world.officers[0], proposal=p, note="上门沟通")
    reply(world, p, grade="A")
    services.reply_approve(actor=world.supervisor, proposal=p)
    services.rating_submit(actor=world.staff, rater=world.lead, proposal=p, satisfaction="satisfied")
    p.refresh_from_db()
    assert p.state.key == "rated"
    assert Rating.objects.get(reply__round=2).entered_by == world.staff


def test_only_signers_rate(world):
    p = advance(world, make_proposal(world), "replied", co=False)
    with pytest.raises(PermissionDenied):
        services.rating_submit(actor=world.outsider, proposal=p, satisfaction="satisfied")
    with pytest.raises(ValidationError):
        services.rating_submit(actor=world.staff, rater=world.outsider, proposal=p, satisfaction="satisfied")


def test_handling_extension_capped_at_six_months(world):
    p = advance(world, make_proposal(world), "handling", co=False)
    first_due = p.due_on
    for _ in range(3):
        services.handling_extend(actor=world.staff, proposal=p, months=1, reason="协调中")
    assert p.due_on > first_due
    with pytest.raises(TransitionError):
        services.handling_extend(actor=world.staff, proposal=p, months=1, reason="再延")
    with pytest.raises(ValidationError):
        services.handling_extend(actor=world.staff, proposal=p, months=1, reason="")
    with pytest.raises(TransitionError):
        services.handling_extend(actor=world.officers[0], proposal=p, months=1, reason="想延期")


def test_fast_track_shortens_deadlines(world):
    slow = advance(world, make_proposal(world), "assigned", co=False)
    fast = advance(world, make_proposal(world, title="快"), "numbered")
    services.set_fast_track(actor=world.staff, proposal=fast)
    advance(world, fast, "assigned", co=False)
    assert fast.due_on < slow.due_on


def test_key_proposal(world):
    p = advance(world, make_proposal(world), "numbered")
    with pytest.raises(ValidationError) as err:
        services.mark_key(actor=world.staff, proposal=p, leader=world.co1, supervising_body="")
    assert {"leader", "supervising_body"} <= set(err.value.message_dict)
    services.mark_key(actor=world.staff, proposal=p, leader=world.leader, supervising_body="市政府督查室")
    assert p.is_key and p.key_leader == world.leader
    with pytest.raises(PermissionDenied):
        services.mark_key(actor=world.lead, proposal=p, leader=world.leader, supervising_body="x")


def test_publish_and_masked_public_data(world):
    p = advance(world, make_proposal(world), "replied", co=False)
    r = p.replies.get()
    assert r.publish_due_on > timezone.localdate()
    services.reply_publish(actor=world.staff, reply=r)
    with pytest.raises(ValidationError):
        services.reply_publish(actor=world.staff, reply=r)
    [row] = public_replies(world.org)
    assert row["contact_phone"] == "138****5678" and row["contact_person"] == "王**"
    assert "13812345678" not in str(row)


def test_excellent_selection(world):
    p = advance(world, make_proposal(world), "closed", co=False)
    year = p.year
    assert services.excellent_select(actor=world.staff, proposals=[p], year=year) == 1
    draft = make_proposal(world, title="草稿")
    with pytest.raises(ValidationError):
        services.excellent_select(actor=world.staff, proposals=[draft], year=year)


def test_merge_into_another(world):
    target = advance(world, make_proposal(world, title="主提案"), "under_review")
    p = advance(world, make_proposal(world, title="同类提案"), "under_review")
    with pytest.raises(ValidationError):
        services.proposal_review(actor=world.staff, proposal=p, outcome="merged", reason="同类")
    services.proposal_review(actor=world.staff, proposal=p, outcome="merged", merge_into=target, reason="内容相近")
    p.refresh_from_db()
    assert p.state.key == "merged" and p.merged_into == target


def test_micro_return_and_reaccept(world):
    p = make_proposal(world, kind="micro", body="路灯坏了")
    services.proposal_submit(actor=world.lead, proposal=p)
    with pytest.raises(ValidationError):
        services.micro_accept(actor=world.staff, proposal=p, unit=None)
    services.micro_accept(actor=world.staff, proposal=p, unit=world.units[0])
    a = p.assignments.get()
    services.assignment_return(actor=world.officers[0], assignment=a, reason="不属我局")
    assert p.state.key == "submitted"
    services.micro_accept(actor=world.staff, proposal=p, unit=world.units[1])
    assert p.state.key == "handling" and p.number
    reply(world, p, unit_index=1, grade="A")
    assert p.state.key == "replied"
    assert p.due_on is not None


def test_events_and_audit_for_every_step(world):
    p = advance(world, make_proposal(world), "closed", co=False)
    keys = [e.transition.key for e in events_for(p) if e.transition_id]
    assert keys[:3] == ["submit", "pre_accept", "start_review"] and keys[-2:] == ["confirm", "close"]
    assert sum(1 for e in events_for(p) if e.kind == "start") == 1
    assert AuditEntry.objects.filter(action="proposal.reply_submit", object_id=str(p.pk)).exists()
    assert Reply.objects.get(proposal=p).on_time is True
    assert Assignment.objects.get(proposal=p).received_by == world.officers[0]

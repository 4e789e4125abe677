"""Proposal actions through the real pages (Django test client, views, forms, services): rehandling after a
dissatisfied rating, deadline extensions, a unit's return and the staff's reassignment or refusal, paper ratings,
key proposals, fast track and split assignment. Each with its bad input: the page answers 422 with a clear message
beside the field, keeps what was typed, and nothing changes."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.proposals.test_views_support import login, make_proposal
from xieshang.proposals.models import Assignment, Proposal, Rating, Reply
from xieshang.workflow.calendar import add_months, compute_due, next_workday
from xieshang.workflow.models import WorkflowEvent

pytestmark = pytest.mark.django_db


def _url(name, p, *args):
    return reverse(f"proposals:{name}", args=[p.pk, *args])


def _snapshot(p):
    p = Proposal.objects.get(pk=p.pk)
    return (
        p.state_id,
        p.due_on,
        p.fast_track,
        p.is_key,
        p.key_leader_id,
        p.reply_round,
        sorted(Assignment.objects.filter(proposal=p).values_list("unit_id", "role", "status")),
        Rating.objects.filter(proposal=p).count(),
        Reply.objects.filter(proposal=p).count(),
        WorkflowEvent.objects.filter(object_id=p.pk).count(),
    )


def _refused(response, *texts):
    assert response.status_code == 422
    html = response.content.decode()
    for text in texts:
        assert text in html, text
    return html


# rehandling after a dissatisfied rating


def test_dissatisfied_rating_leads_to_rehandling_with_a_recontact_first(client, world):
    w = world
    p = make_proposal(w, to="replied")
    login(client, w.lead)
    before = _snapshot(p)
    html = _refused(
        client.post(_url("rate", p), {"satisfaction": "dissatisfied", "comment": ""}), "请说明理由", "id_comment_error"
    )
    assert re.search(r'value="dissatisfied"[^>]*checked', html)
    assert _snapshot(p) == before
    no_grade = client.post(_url("rate", p), {"comment": "我的意见已写好"})
    _refused(no_grade, "请选择满意、基本满意或不满意", "我的意见已写好")
    assert _snapshot(p) == before

    rated = client.post(_url("rate", p), {"satisfaction": "dissatisfied", "comment": "未解决实际问题"})
    assert rated.status_code == 302
    login(client, w.co1)
    assert client.post(_url("rate", p), {"satisfaction": "satisfied", "comment": ""}).status_code == 302
    p.refresh_from_db()
    assert p.state.key == "rehandling" and p.reply_round == 2
    lead_assignment = p.assignments.get(unit=w.units[0])
    assert lead_assignment.needs_reply

    # the unit sees the member's reason and must contact the member again before replying
    login(client, w.officers[0])
    page = client.get(_url("detail", p)).content.decode()
    assert "未解决实际问题" in page and f'action="{_url("recontact", p)}"' in page
    reply = {
        "reference_number": "郑房函〔2026〕9号",
        "contact_person": "王科长",
        "contact_phone": "13912345678",
        "text": "重新办理的答复正文",
        "grade": "A",
    }
    before = _snapshot(p)
    _refused(client.post(_url("reply", p), reply), "重办须先与提案人再次沟通", "重新办理的答复正文")
    _refused(client.post(_url("recontact", p), {"note": "  "}), "请填写与提案人再次沟通的情况")
    assert _snapshot(p) == before
    assert client.post(_url("recontact", p), {"note": "已上门沟通"}).status_code == 302
    assert client.post(_url("reply", p), reply).status_code == 302
    p.refresh_from_db()
    assert p.state.key == "countersigning"
    assert p.replies.get(round=2).text == "重新办理的答复正文"


def test_rating_page_refuses_a_rating_outside_the_rating_step(client, world):
    w = world
    p = make_proposal(w, to="handling")
    login(client, w.lead)
    before = _snapshot(p)
    _refused(client.post(_url("rate", p), {"satisfaction": "satisfied", "comment": "提前评价"}), "action-refused")
    assert _snapshot(p) == before


# deadline extensions


def _pretend_assigned_days_before_handling(p, days):
    """The units signed for it `days` after the assignment: the reply is due 3 months after the assignment."""
    assigned_at = p.state_entered_at - timedelta(days=days)
    due = compute_due(timezone.localdate(assigned_at), 3, "months")
    Proposal.objects.filter(pk=p.pk).update(assigned_at=assigned_at, due_on=due)
    p.refresh_from_db()
    return timezone.localdate(assigned_at)


def test_extensions_reach_six_months_after_assignment_at_most(client, world):
    w = world
    p = make_proposal(w, to="handling")
    assigned_on = _pretend_assigned_days_before_handling(p, 40)
    login(client, w.staff)
    before = _snapshot(p)
    html = _refused(client.post(_url("extend", p), {"months": "2", "reason": ""}), "延期须填写理由", "id_reason_error")
    assert 'name="months" value="2"' in html
    _refused(client.post(_url("extend", p), {"months": "7", "reason": "协调中"}), "协调中")
    assert _snapshot(p) == before

    for n in (4, 5, 6):
        response = client.post(_url("extend", p), {"months": "1", "reason": f"需协调第{n}月"})
        assert response.status_code == 302, response.content.decode()
        p.refresh_from_db()
        assert p.due_on == next_workday(add_months(assigned_on, n))
        assert Assignment.objects.filter(proposal=p).exclude(proposal_due_on=p.due_on).count() == 0
    assert p.deadline_extensions == 3
    # counted from entering handling (40 days later) a 7th month would still fit; from the assignment it does not
    before = _snapshot(p)
    html = _refused(client.post(_url("extend", p), {"months": "1", "reason": "再延一个月"}), "自交办之日", "再延一个月")
    assert _snapshot(p) == before
    assert next_workday(add_months(assigned_on, 6)).isoformat() in html
    # the refusal is in the audit trail, the extensions too
    from xieshang.audit.models import AuditEntry

    assert AuditEntry.objects.filter(action="workflow.deadline", result="failure").count() == 1
    assert AuditEntry.objects.filter(action="proposal.set_due", result="success").count() == 3


def test_one_extension_of_three_months_then_nothing_more(client, world):
    w = world
    p = make_proposal(w, to="handling")
    assigned_on = timezone.localdate(p.assigned_at)
    login(client, w.staff)
    assert client.post(_url("extend", p), {"months": "3", "reason": "涉及多部门"}).status_code == 302
    p.refresh_from_db()
    assert p.due_on == next_workday(add_months(assigned_on, 6))
    _refused(client.post(_url("extend", p), {"months": "1", "reason": "再延"}), "最长办理期限")


def test_only_staff_extend(client, world):
    w = world
    p = make_proposal(w, to="handling")
    login(client, w.officers[0])
    before = _snapshot(p)
    response = client.post(_url("extend", p), {"months": "1", "reason": "想延期"})
    assert response.status_code == 422 and "没有调整本环节期限的权限" in response.content.decode()
    assert _snapshot(p) == before
    from xieshang.audit.models import AuditEntry

    assert AuditEntry.objects.filter(action="workflow.deadline", result="denied", actor=w.officers[0]).count() == 1


# a unit's return, the staff's reassignment or refusal


def test_unit_returns_with_a_reason_and_staff_reassign(client, world):
    w = world
    p = make_proposal(w, to="assigned")
    lead = p.assignments.get(unit=w.units[0])
    login(client, w.officers[0])
    before = _snapshot(p)
    _refused(client.post(_url("return", p, lead.pk), {"reason": " "}), "退回须填写理由")
    assert _snapshot(p) == before
    assert client.post(_url("return", p, lead.pk), {"reason": "不属本局职责，建议教育局"}).status_code == 302
    p.refresh_from_db()
    lead.refresh_from_db()
    assert p.state.key == "returned" and lead.status == "returned" and lead.return_reason == "不属本局职责，建议教育局"

    login(client, w.staff)
    page = client.get(_url("detail", p)).content.decode()
    assert "不属本局职责，建议教育局" in page
    before = _snapshot(p)
    _refused(client.post(_url("reassign", p, lead.pk), {"unit": "", "reason": ""}), "请选择另一个本组织的承办单位")
    html = _refused(
        client.post(_url("reassign", p, lead.pk), {"unit": str(w.units[0].pk), "reason": "改交说明已写"}),
        "请选择另一个本组织的承办单位",
    )
    assert "改交说明已写" in html
    _refused(client.post(_url("reassign", p, lead.pk), {"unit": str(w.units[2].pk), "reason": ""}), "请填写重新交办")
    assert _snapshot(p) == before

    done = client.post(_url("reassign", p, lead.pk), {"unit": str(w.units[2].pk), "reason": "改交教育局"})
    assert done.status_code == 302
    p.refresh_from_db()
    assert p.state.key == "assigned"
    assert set(p.assignments.values_list("unit_id", "role", "status")) == {
        (w.units[0].pk, "lead", "replaced"),
        (w.units[1].pk, "co", "pending"),
        (w.units[2].pk, "lead", "pending"),
    }
    login(client, w.officers[2])
    new = p.assignments.get(unit=w.units[2])
    assert client.post(_url("receive", p, new.pk)).status_code == 302
    login(client, w.officers[1])
    assert client.post(_url("receive", p, p.assignments.get(unit=w.units[1]).pk)).status_code == 302
    p.refresh_from_db()
    assert p.state.key == "handling"


def test_staff_refuse_a_return_only_with_a_reason(client, world):
    w = world
    p = make_proposal(w, to="assigned")
    co = p.assignments.get(unit=w.units[1])
    login(client, w.officers[1])
    assert client.post(_url("return", p, co.pk), {"reason": "非本单位职责"}).status_code == 302
    login(client, w.staff)
    before = _snapshot(p)
    _refused(client.post(_url("refuse_return", p, co.pk), {"reason": ""}), "请填写不同意退回的理由")
    assert _snapshot(p) == before
    assert client.post(_url("refuse_return", p, co.pk), {"reason": "属协办职责"}).status_code == 302
    co.refresh_from_db()
    p.refresh_from_db()
    assert p.state.key == "assigned" and co.status == "pending" and co.return_refusals == 1


# paper ratings entered by staff


def test_staff_enter_paper_ratings_for_members(client, world):
    w = world
    p = make_proposal(w, to="replied")
    login(client, w.staff)
    page = client.get(_url("detail", p)).content.decode()
    assert 'id="act-paper"' in page
    before = _snapshot(p)
    _refused(
        client.post(_url("paper_rating", p), {"rater": str(w.lead.pk), "satisfaction": "", "comment": "纸质表原文"}),
        "请选择满意、基本满意或不满意",
        "纸质表原文",
    )
    _refused(
        client.post(_url("paper_rating", p), {"rater": str(w.lead.pk), "satisfaction": "dissatisfied"}),
        "请说明理由",
    )
    _refused(
        client.post(_url("paper_rating", p), {"rater": str(w.outsider.pk), "satisfaction": "satisfied"}),
        "id_rater_error",
    )
    assert _snapshot(p) == before

    ok = client.post(_url("paper_rating", p), {"rater": str(w.lead.pk), "satisfaction": "satisfied", "comment": ""})
    assert ok.status_code == 302
    rating = Rating.objects.get(rater=w.lead)
    assert rating.entered_by == w.staff and rating.satisfaction == "satisfied"
    # the member already rated on paper cannot be rated twice
    again = client.post(_url("paper_rating", p), {"rater": str(w.lead.pk), "satisfaction": "basic"})
    assert again.status_code == 422
    assert client.post(_url("paper_rating", p), {"rater": str(w.co1.pk), "satisfaction": "basic"}).status_code == 302
    p.refresh_from_db()
    assert p.state.key == "rated"


def test_a_member_cannot_enter_a_paper_rating(client, world):
    w = world
    p = make_proposal(w, to="replied")
    login(client, w.lead)
    before = _snapshot(p)
    response = client.post(_url("paper_rating", p), {"rater": str(w.co1.pk), "satisfaction": "satisfied"})
    assert response.status_code == 422
    assert _snapshot(p) == before


# key proposals


def test_marking_a_key_proposal_needs_a_leader_and_a_supervising_body(client, world):
    w = world
    p = make_proposal(w, to="filed")
    login(client, w.staff)
    before = _snapshot(p)
    html = _refused(
        client.post(_url("mark_key", p), {"is_key": "on", "leader": "", "supervising_body": "市政府督查室"}),
        "请选择一位本组织的领导领衔督办",
        "id_leader_error",
    )
    assert 'value="市政府督查室"' in html
    _refused(
        client.post(_url("mark_key", p), {"is_key": "on", "leader": str(w.leader.pk), "supervising_body": ""}),
        "请填写督办单位",
    )
    # a member is not a leader: refused by the form's list
    _refused(
        client.post(_url("mark_key", p), {"is_key": "on", "leader": str(w.co1.pk), "supervising_body": "督查室"}),
        "id_leader_error",
    )
    assert _snapshot(p) == before

    data = {"is_key": "on", "leader": str(w.leader.pk), "supervising_body": "市政府督查室"}
    ok = client.post(_url("mark_key", p), data)
    assert ok.status_code == 302
    p.refresh_from_db()
    assert p.is_key and p.key_leader == w.leader and p.key_supervising_body == "市政府督查室"
    login(client, w.leader)
    assert p.title in client.get(reverse("proposals:key")).content.decode()


def test_a_proposal_not_filed_cannot_become_key(client, world):
    w = world
    p = make_proposal(w, to="under_review")
    login(client, w.staff)
    before = _snapshot(p)
    response = client.post(
        _url("mark_key", p), {"is_key": "on", "leader": str(w.leader.pk), "supervising_body": "督查室"}
    )
    _refused(response, "只有已立案的提案可以确定为重点提案", "action-refused")
    assert _snapshot(p) == before


# fast track


def test_fast_track_from_the_page_shortens_the_next_deadlines(client, world):
    w = world
    slow = make_proposal(w, title="普通提案", to="assignment_approved")
    fast = make_proposal(w, title="时效性强的提案", to="assignment_approved")
    login(client, w.staff)
    assert client.post(_url("fast_track", fast), {"fast_track": "on"}).status_code == 302
    fast.refresh_from_db()
    assert fast.fast_track
    for p in (slow, fast):
        assert client.post(_url("transition", p, "assign")).status_code == 302
        p.refresh_from_db()
    assert fast.due_on < slow.due_on
    # and back
    assert client.post(_url("fast_track", fast), {}).status_code == 302
    fast.refresh_from_db()
    assert not fast.fast_track


def test_fast_track_is_refused_once_the_proposal_is_closed(client, world):
    w = world
    p = make_proposal(w, to="closed")
    login(client, w.staff)
    before = _snapshot(p)
    _refused(client.post(_url("fast_track", p), {"fast_track": "on"}), "不能再设置快速办理")
    assert _snapshot(p) == before
    login(client, w.lead)
    p2 = make_proposal(w, title="另一件", to="numbered")
    before = _snapshot(p2)
    assert client.post(_url("fast_track", p2), {"fast_track": "on"}).status_code == 422
    assert _snapshot(p2) == before


# split assignment (分办)


def test_split_assignment_from_the_page(client, world):
    w = world
    p = make_proposal(w, to="numbered")
    login(client, w.staff)
    before = _snapshot(p)
    html = _refused(
        client.post(_url("plan", p), {"mode": "split", "split": [str(w.units[0].pk)]}), "分办至少需要两个承办单位"
    )
    assert f'value="{w.units[0].pk}" selected' in html
    _refused(client.post(_url("plan", p), {"mode": "split", "split": []}), "分办至少需要两个承办单位")
    assert _snapshot(p) == before

    ok = client.post(_url("plan", p), {"mode": "split", "split": [str(w.units[0].pk), str(w.units[1].pk)]})
    assert ok.status_code == 302
    p.refresh_from_db()
    assert p.assignment_mode == "split"
    assert set(p.assignments.values_list("unit_id", "role", "status")) == {
        (w.units[0].pk, "split", "planned"),
        (w.units[1].pk, "split", "planned"),
    }
    assert client.post(_url("transition", p, "propose_assignment")).status_code == 302
    login(client, w.leader)
    assert client.post(_url("transition", p, "approve_assignment")).status_code == 302
    login(client, w.staff)
    assert client.post(_url("transition", p, "assign")).status_code == 302
    p.refresh_from_db()
    assert p.state.key == "assigned"
    assert set(p.assignments.values_list("status", "needs_reply")) == {("pending", True)}


def test_a_refused_button_leaves_its_audit_row(client, world):
    from xieshang.audit.models import AuditEntry

    w = world
    p = make_proposal(w, to="submitted")
    login(client, w.lead)
    before = _snapshot(p)
    client.post(_url("transition", p, "pre_accept"))
    assert _snapshot(p) == before
    assert AuditEntry.objects.filter(actor=w.lead, result="denied").exists()


def test_generic_form_refused_by_a_domain_hook_keeps_the_proposal_and_the_typed_text(client, world):
    """The generic transition endpoint: a hook refusing the data (a merge target that does not exist) is shown as a
    message, not a server error, the proposal stays as it was, and the form comes back with the reason typed."""
    from django.contrib.contenttypes.models import ContentType

    w = world
    p = make_proposal(w, to="under_review")
    before = _snapshot(p)
    login(client, w.staff)
    ct = ContentType.objects.get_for_model(Proposal)
    response = client.post(
        f"/workflow/{ct.pk}/{p.pk}/merge/",
        {"expected_state": p.state_id, "payload_merge_into": "999999", "reason": "与第12号提案内容相近"},
    )
    assert response.status_code == 302
    assert _snapshot(p) == before
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("请选择本组织的另一件提案作为并入对象" in m for m in messages)
    assert client.session["workflow_retry"]["reason"] == "与第12号提案内容相近"


def test_a_refused_extension_outside_handling_is_audited_once(client, world):
    """Outside handling the engine's own extension rule applies; its refusal is one audit row, not two."""
    from xieshang.audit.models import AuditEntry

    w = world
    p = make_proposal(w, to="assigned")
    login(client, w.officers[0])
    before = _snapshot(p)
    response = client.post(_url("extend", p), {"months": "1", "reason": "想延期"})
    assert response.status_code == 422
    assert _snapshot(p) == before
    refused = AuditEntry.objects.filter(actor=w.officers[0]).exclude(result="success")
    assert refused.count() == 1, list(refused.values_list("action", "result"))

"""Follow-up of promises (#15): a B reply says what will be done and by when; once the reply reaches the members the
promise is an outcome tracked to delivery (the consultations' outcome model and workflow, reused), owned by the
replying unit, due on the promised date; the members rate the delivery; the report counts promises kept on time."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.proposals.factories import contact, reply
from tests.proposals.test_views_support import login, make_proposal
from xieshang.consultations import services as consultation_services
from xieshang.consultations.models import Outcome
from xieshang.core import figures
from xieshang.proposals import services
from xieshang.proposals.models import Reply
from xieshang.workflow.selectors import state_has

pytestmark = pytest.mark.django_db

REPLY = {
    "reference_number": "郑房函〔2026〕41号",
    "contact_person": "王科长",
    "contact_phone": "0371-67180000",
    "text": "已将老旧小区加装电梯列入年度计划。",
    "grade": "B",
}


def _url(name, p, *args):
    return reverse(f"proposals:{name}", args=[p.pk, *args])


def test_a_b_reply_without_a_dated_promise_is_refused_and_keeps_what_was_typed(client, world):
    w = world
    p = make_proposal(w, to="handling")
    contact(w, p)
    login(client, w.officers[0])
    response = client.post(_url("reply", p), {**REPLY, "promise": "年底前完成试点"})
    assert response.status_code == 422
    html = response.content.decode()
    assert "请填写承诺完成时限" in html and REPLY["text"] in html and "年底前完成试点" in html
    today = timezone.localdate().isoformat()
    response = client.post(_url("reply", p), {**REPLY, "promise": "年底前完成试点", "promise_due_on": today})
    assert response.status_code == 422 and "承诺完成时限须晚于答复日期" in response.content.decode()
    response = client.post(_url("reply", p), {**REPLY, "promise_due_on": "2099-01-01"})
    assert response.status_code == 422 and "请写明承诺事项" in response.content.decode()
    assert not Reply.objects.filter(proposal=p).exists()
    p.refresh_from_db()
    assert p.state.key == "handling"
    # an A reply needs no promise; a dated commitment in any reply is a promise all the same
    with pytest.raises(ValidationError) as exc:
        services.reply_submit(
            actor=w.officers[0],
            proposal=p,
            **{**REPLY, "grade": "A"},
            promise_due_on=timezone.localdate() + timedelta(days=30),
        )
    assert "promise" in exc.value.message_dict


def test_the_sent_promise_is_tracked_to_delivery_and_rated_by_the_members(client, world):
    w = world
    p = make_proposal(w, to="handling")
    due = timezone.localdate() + timedelta(days=120)
    reply(w, p, grade="B", promise="年内完成三个小区加装电梯试点。", promise_due_on=due)
    services.reply_countersign(actor=w.officers[1], proposal=p, note="同意")
    assert not Outcome.objects.exists()  # not before the reply reaches the members
    services.reply_approve(actor=w.supervisor, proposal=p)
    outcome = Outcome.objects.get()
    sent = Reply.objects.get(proposal=p)
    assert outcome.origin == sent and outcome.source == Outcome.Source.PROMISE
    assert outcome.owner_unit == w.units[0] and outcome.promised_on == due
    assert outcome.state.key == "sent"  # sent to the unit by the supervisor who approved the reply

    login(client, w.lead)
    page = client.get(_url("detail", p)).content.decode()
    assert "年内完成三个小区加装电梯试点。" in page and outcome.get_absolute_url() in page

    officer = w.officers[0]
    consultation_services.outcome_transition(actor=officer, outcome=outcome, key="adopt")
    consultation_services.outcome_transition(actor=officer, outcome=outcome, key="implement")
    outcome.refresh_from_db()
    assert state_has(outcome, "implementing") and outcome.due_on == due  # reminders fall on the promised date
    with pytest.raises(PermissionDenied):  # not before it is done, and never by others
        consultation_services.outcome_rate(actor=w.outsider, outcome=outcome, score=3)
    consultation_services.progress_add(actor=officer, outcome=outcome, text="三个小区电梯已安装验收。", percent=100)
    consultation_services.outcome_transition(actor=officer, outcome=outcome, key="complete")
    outcome.refresh_from_db()
    assert state_has(outcome, "done")

    # the member rates the delivery on the outcome's page; an outsider cannot
    login(client, w.outsider)
    assert client.get(outcome.get_absolute_url()).status_code in (200, 403, 404)
    with pytest.raises(PermissionDenied):
        consultation_services.outcome_rate(actor=w.outsider, outcome=outcome, score=3)
    login(client, w.lead)
    page = client.get(outcome.get_absolute_url()).content.decode()
    assert 'data-testid="rating-form"' in page
    response = client.post(reverse("consultations:rate", args=[outcome.pk]), {"score": "3", "comment": "按期完成"})
    assert response.status_code == 302
    assert outcome.ratings.get().user == w.lead

    # the year's report counts it as a promise kept on time
    org = p.organization_id
    assert figures.get("proposal_promises_due").value(org, due, due) == 1
    assert figures.get("proposal_promises_kept_on_time").value(org, due, due) == 1


def test_a_promise_missed_is_due_but_not_kept(world):
    w = world
    p = make_proposal(w, to="handling")
    due = timezone.localdate() + timedelta(days=10)
    reply(w, p, grade="B", promise="十日内完成路灯维修。", promise_due_on=due)
    services.reply_countersign(actor=w.officers[1], proposal=p, note="同意")
    services.reply_approve(actor=w.supervisor, proposal=p)
    outcome = Outcome.objects.get()
    Outcome.objects.filter(pk=outcome.pk).update(promised_on=timezone.localdate() - timedelta(days=1))
    day = timezone.localdate() - timedelta(days=1)
    assert figures.get("proposal_promises_due").value(p.organization_id, day, day) == 1
    assert figures.get("proposal_promises_kept_on_time").value(p.organization_id, day, day) == 0

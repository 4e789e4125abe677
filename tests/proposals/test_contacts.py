"""办理协商: a unit records its contact with the member before replying; the member confirms or disputes it."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.proposals.factories import contact, reply
from tests.proposals.test_views_support import login, make_proposal
from xieshang.notifications.models import Notification
from xieshang.proposals import services
from xieshang.proposals.models import HandlingContact, Reply
from xieshang.workflow.exceptions import ConditionFailed
from xieshang.workflow.models import Transition

pytestmark = pytest.mark.django_db

REPLY = {
    "reference_number": "郑房函〔2026〕31号",
    "contact_person": "王科长",
    "contact_phone": "0371-67180000",
    "text": "已将加装电梯列入年度计划，年底前完成。",
    "grade": "B",
    "promise": "年底前完成加装电梯试点。",
    "promise_due_on": (timezone.localdate() + timedelta(days=90)).isoformat(),
}


def _url(name, p, *args):
    return reverse(f"proposals:{name}", args=[p.pk, *args])


def test_reply_without_recorded_contact_is_refused_and_nothing_is_written(client, world):
    w = world
    p = make_proposal(w, to="handling")
    login(client, w.officers[0])
    page = client.get(_url("detail", p)).content.decode()
    assert 'data-testid="contact-missing"' in page and f'action="{_url("contact", p)}"' in page
    response = client.post(_url("reply", p), REPLY)
    assert response.status_code == 422
    html = response.content.decode()
    assert "答复前须先与提案人沟通" in html and REPLY["text"] in html  # the reason, and what was typed stays
    assert not Reply.objects.filter(proposal=p).exists()
    p.refresh_from_db()
    assert p.state.key == "handling"
    # the engine's generic path refuses it too
    with pytest.raises(ConditionFailed):
        services.proposal_transition(actor=w.officers[0], proposal=p, key="reply")


def test_contact_form_keeps_input_on_refusal_then_reply_goes_through(client, world):
    w = world
    p = make_proposal(w, to="handling")
    login(client, w.officers[0])
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    bad = {"method": "visit", "contacted_on": tomorrow, "with_whom": "提案人本人", "agreed": "现场查看，商定年内完成"}
    response = client.post(_url("contact", p), bad)
    assert response.status_code == 422
    html = response.content.decode()
    assert "沟通日期不能晚于今天" in html and "现场查看，商定年内完成" in html
    response = client.post(_url("contact", p), {**bad, "agreed": " "})
    assert "请填写沟通情况及商定事项" in response.content.decode()
    assert not HandlingContact.objects.exists()
    good = {**bad, "contacted_on": timezone.localdate().isoformat()}
    assert client.post(_url("contact", p), good).status_code == 302
    row = HandlingContact.objects.get()
    assert (row.method, row.with_whom, row.response, row.assignment.unit) == (
        "visit",
        "提案人本人",
        "pending",
        w.units[0],
    )
    assert Notification.objects.filter(recipient=p.submitter, kind="proposal.contact").count() == 1
    assert client.post(_url("reply", p), REPLY).status_code == 302
    assert Reply.objects.filter(proposal=p).count() == 1


def test_member_confirms_or_disputes_and_a_dispute_reaches_the_supervisor(client, world):
    w = world
    p = make_proposal(w, to="handling")
    first = contact(w, p, agreed="电话沟通，商定分两期实施。")
    login(client, w.lead)
    page = client.get(_url("detail", p)).content.decode()
    assert "电话沟通，商定分两期实施。" in page and 'id="act-contact-response"' in page
    refused = client.post(_url("contact_respond", p, first.pk), {"response": "dispute", "note": ""})
    assert refused.status_code == 422 and "有异议时请说明实际情况" in refused.content.decode()
    first.refresh_from_db()
    assert first.response == "pending"
    assert client.post(_url("contact_respond", p, first.pk), {"response": "confirm"}).status_code == 302
    first.refresh_from_db()
    assert first.response == "confirmed" and first.responded_by == w.lead

    second = contact(w, p, agreed="已登门当面沟通（实际未来过）")
    note = "单位未登门，只打过一次电话。"
    assert client.post(_url("contact_respond", p, second.pk), {"response": "dispute", "note": note}).status_code == 302
    second.refresh_from_db()
    assert second.response == "disputed" and second.member_note == note
    flagged = Notification.objects.filter(recipient=w.supervisor, kind="proposal.contact_disputed")
    assert flagged.count() == 1 and p.get_absolute_url() in flagged.get().url
    # answered once: a second answer is refused
    with pytest.raises(ValidationError):
        services.contact_respond(actor=w.lead, contact=second, confirm=True)


def test_only_the_members_answer_and_only_the_replying_unit_records(world):
    w = world
    p = make_proposal(w, to="handling")
    row = contact(w, p)
    with pytest.raises(PermissionDenied):
        services.contact_respond(actor=w.officers[0], contact=row, confirm=True)
    with pytest.raises(PermissionDenied):
        contact(w, p, unit_index=1)  # a co-handler does not reply, so it does not record the contact


def test_an_organization_can_switch_the_requirement_off_in_its_workflow(world):
    w = world
    p = make_proposal(w, to="handling")
    transition = Transition.objects.get(workflow_id=p.workflow_id, key="reply")
    transition.conditions = [c for c in transition.conditions if c != "proposals.member_contacted"]
    transition.save()
    p.refresh_from_db()
    assert services.contact_required(p) is False
    reply(w, p, contacted=False)
    assert Reply.objects.filter(proposal=p).count() == 1
    assert not HandlingContact.objects.exists()

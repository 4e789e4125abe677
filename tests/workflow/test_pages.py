import pytest
from django.contrib.contenttypes.models import ContentType
from django.template import Context, Template
from django.test import RequestFactory

from tests.workflow.conftest import verified_login, walk
from tests.workflow.testapp.models import Ticket
from xieshang.workflow.selectors import available_transitions, events_for

pytestmark = pytest.mark.django_db


def url(ticket, key):
    ct = ContentType.objects.get_for_model(Ticket)
    return f"/workflow/{ct.pk}/{ticket.pk}/{key}/"


def render(source, **context):
    return Template("{% load workflow_tags %}" + source).render(Context(context))


def test_timeline_shows_every_event_with_reason_and_labelled_payload(ticket, people):
    walk(ticket, people, ("submitter", "submit"), ("staff", "accept"), ("co1", "reply", {"grade": "B"}))
    html = render("{% include 'workflow/_timeline.html' %}", obj=ticket, events=events_for(ticket))
    assert html.count('class="wf-event ') == 4
    assert "草稿 → 已提交" in html and "提案工作人员" in html
    assert "理由：测试理由" in html
    assert "<dt>答复类别</dt><dd>B类</dd>" in html  # the label the ticket app registered (testapp/timeline.py)


def test_actions_offer_forms_and_explain_disabled_ones(ticket, people):
    walk(ticket, people, ("submitter", "submit"))
    request = RequestFactory().get("/tickets/1/")
    request.user = people["staff"]
    html = render("{% workflow_actions obj %}", obj=ticket, request=request)
    assert f'action="{url(ticket, "accept")}"' in html
    assert f'name="expected_state" value="{ticket.state_id}"' in html
    assert "理由（必填）" in html  # reject requires a reason
    assert "disabled" in html and "您没有执行“撤回”的权限（需要：提交人）" in html


def test_posting_a_transition(client, ticket, people):
    walk(ticket, people, ("submitter", "submit"))
    client.force_login(people["submitter"])
    response = client.post(
        url(ticket, "withdraw"), {"expected_state": ticket.state_id, "reason": "补充材料", "next": "/tickets/x/"}
    )
    assert response.status_code == 302 and response.url == "/tickets/x/"
    ticket.refresh_from_db()
    assert ticket.state.key == "draft"
    assert list(events_for(ticket))[-1].reason == "补充材料"


def test_posting_with_a_stale_state_changes_nothing(client, ticket, people):
    seen = ticket.state_id
    walk(ticket, people, ("submitter", "submit"))
    client.force_login(people["submitter"])
    response = client.post(url(ticket, "withdraw"), {"expected_state": seen, "next": "https://evil.example/"})
    assert response.url == f"/tickets/{ticket.pk}/"  # foreign redirects are refused
    ticket.refresh_from_db()
    assert ticket.state.key == "submitted"
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("已被他人处理" in m for m in messages)


def test_a_refused_action_shows_its_form_again_with_what_was_typed(client, ticket, people):
    walk(ticket, people, ("submitter", "submit"), ("staff", "accept"))
    verified_login(client, people["co1"])  # unit officers are staff: past the second factor
    response = client.post(
        url(ticket, "reply"),
        {"expected_state": ticket.state_id, "payload_grade": "D", "reason": "已会同街道现场核实"},
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.state.key == "handling" and len(list(events_for(ticket))) == 3

    request = RequestFactory().get(f"/tickets/{ticket.pk}/")
    request.user = people["co1"]
    request.session = client.session
    html = render("{% workflow_actions obj %}", obj=ticket, request=request)
    assert 'role="alert"' in html and "答复类别" in html
    assert ">已会同街道现场核实</textarea>" in html
    # Shown once: the next rendering is a fresh form.
    again = render("{% workflow_actions obj %}", obj=ticket, request=request)
    assert "已会同街道现场核实" not in again and 'role="alert"' not in again


def test_outsiders_get_404_and_get_is_refused(client, ticket, people):
    verified_login(client, people["outsider"])  # staff elsewhere: past the second factor
    assert client.post(url(ticket, "submit")).status_code == 404
    client.force_login(people["submitter"])
    assert client.get(url(ticket, "submit")).status_code == 405
    ticket.refresh_from_db()
    assert ticket.state.key == "draft"


def test_timeline_and_actions_queries_do_not_grow_with_history(ticket, people, django_assert_max_num_queries):
    walk(ticket, people, ("submitter", "submit"), ("submitter", "withdraw"))
    for _ in range(5):
        walk(ticket, people, ("submitter", "submit"), ("submitter", "withdraw"))
    with django_assert_max_num_queries(1):
        list(events_for(ticket))
    fresh = Ticket.objects.select_related("state").get(pk=ticket.pk)
    with django_assert_max_num_queries(3):  # transitions + the submitter's role lookup (cached per request)
        available_transitions(people["submitter"], fresh)

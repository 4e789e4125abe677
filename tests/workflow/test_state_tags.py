"""State meaning is data: code asks a state's phase tags (state_has, state_tag), never its key, and the ids of the
tagged states are cached in the shared cache until any definition changes."""

import pytest
from django.db.models import Q

from tests.workflow.conftest import make_user, new_ticket, verified_login, walk
from tests.workflow.test_definition_cache import _change_form_data
from tests.workflow.testapp.models import Ticket
from xieshang.accounts.models import Role
from xieshang.workflow import cache
from xieshang.workflow.definitions import copy_workflow, tag_states
from xieshang.workflow.models import State, Workflow
from xieshang.workflow.selectors import state_has, state_ids_tagged, state_tag

PATHS = {
    "draft": [],
    "submitted": [("submitter", "submit")],
    "handling": [("submitter", "submit"), ("staff", "accept")],
    "replied": [("submitter", "submit"), ("staff", "accept"), ("co1", "reply", {"grade": "A"})],
    "rejected": [("submitter", "submit"), ("staff", "reject")],
}
TAGS = {
    "draft": {"draft"},
    "submitted": {"review"},
    "handling": {"handling"},
    "replied": {"handling"},
    "rejected": {"done"},
}


@pytest.fixture
def tickets(org, people):
    return {key: walk(new_ticket(org, people, title=key), people, *steps) for key, steps in PATHS.items()}


def test_state_has_reads_the_states_tags(tickets):
    for key, ticket in tickets.items():
        for tag in ("draft", "review", "handling", "done", "public"):
            assert state_has(ticket, tag) == (tag in TAGS[key]), (key, tag)
    assert tickets["handling"].state.has("handling") and not tickets["handling"].state.has("done")


def test_an_object_without_a_state_has_no_tag(org, people):
    ticket = Ticket.objects.create(organization=org, title="未启动", submitter=people["submitter"])
    assert not state_has(ticket, "draft")
    assert not state_tag("draft").test(ticket) and (~state_tag("draft")).test(ticket)
    assert ticket in Ticket.objects.filter(~state_tag("draft").q())
    assert ticket not in Ticket.objects.filter(state_tag("draft").q())


@pytest.mark.parametrize("tag", ["draft", "review", "handling", "done", "public", "nobody-has-this"])
def test_state_tag_q_and_test_agree(tickets, tag):
    condition = state_tag(tag)
    rows = Ticket.objects.filter(pk__in=[t.pk for t in tickets.values()])
    in_sql = set(rows.filter(condition.q()).values_list("pk", flat=True))
    assert in_sql == {t.pk for t in tickets.values() if condition.test(t)}
    assert in_sql == {t.pk for key, t in tickets.items() if tag in TAGS[key]}
    negated = ~condition
    assert set(rows.filter(negated.q()).values_list("pk", flat=True)) == {
        t.pk for t in tickets.values() if negated.test(t)
    }


def test_tagged_states_cover_organization_copies(org, people, tickets):
    admin = make_user(org, Role.SYSTEM_ADMIN)
    copy = copy_workflow(actor=admin, key="ticket", organization=org)
    own = State.objects.get(workflow=copy, key="handling")
    assert own.pk in state_ids_tagged("handling")
    ticket = walk(new_ticket(org, people, title="本级流程"), people, ("submitter", "submit"), ("staff", "accept"))
    assert ticket.workflow_id == copy.pk and ticket.state_id == own.pk
    assert Ticket.objects.filter(state_tag("handling").q(), pk=ticket.pk).exists()


def test_tagged_state_ids_are_cached(db, django_assert_num_queries):
    ids = state_ids_tagged("handling")
    # every workflow's states with the tag (the ticket's handling and replied, and the domains' own)
    expected = {pk for pk, tags in State.objects.values_list("pk", "tags") if "handling" in tags}
    ticket = State.objects.filter(key__in=["handling", "replied"], workflow__key="ticket")
    assert set(ticket.values_list("pk", flat=True)) <= expected == set(ids)
    with django_assert_num_queries(0):
        assert state_ids_tagged("handling") == ids


def test_editing_a_states_tags_through_the_orm_is_seen_at_once(db):
    state_ids_tagged("urgent")
    state = State.objects.get(workflow__key="ticket", workflow__organization=None, key="submitted")
    state.tags = [*state.tags, "urgent"]
    state.save()
    assert state_ids_tagged("urgent") == [state.pk]
    state.tags = ["review"]
    state.save()
    assert state_ids_tagged("urgent") == []


def test_cache_touch_forgets_the_tagged_states(db):
    state = State.objects.get(workflow__key="ticket", workflow__organization=None, key="submitted")
    assert state.pk not in state_ids_tagged("urgent")
    State.objects.filter(pk=state.pk).update(tags=["review", "urgent"])  # a bulk write sends no signal …
    assert state.pk not in state_ids_tagged("urgent")
    cache.touch(state.workflow_id)  # … so its writer touches the workflow, as install_workflow does
    assert state_ids_tagged("urgent") == [state.pk]


def test_tag_states_tags_every_copy_and_keeps_existing_tags(org, people):
    admin = make_user(org, Role.SYSTEM_ADMIN)
    copy = copy_workflow(actor=admin, key="ticket", organization=org)
    State.objects.filter(workflow=copy, key="handling").update(tags=["handling", "local"])
    assert state_ids_tagged("active") == []
    changed = tag_states("ticket", {"handling": ["handling", "active"], "gone": ["x"]})
    assert changed == 2
    assert set(state_ids_tagged("active")) == set(
        State.objects.filter(workflow__key="ticket", key="handling").values_list("pk", flat=True)
    )
    assert State.objects.get(workflow=copy, key="handling").tags == ["handling", "local", "active"]
    assert tag_states("ticket", {"handling": ["active"]}) == 0


def test_editing_tags_in_the_admin_is_seen_at_once(client, org, people):
    admin = make_user(org, Role.SYSTEM_ADMIN)
    admin.is_staff = True
    admin.save()
    verified_login(client, admin)
    wf = Workflow.objects.get(key="ticket", organization=None)
    state = State.objects.get(workflow=wf, key="submitted")
    assert state.pk not in state_ids_tagged("urgent")
    url = f"/admin/workflow/workflow/{wf.pk}/change/"
    response = client.get(url)
    assert response.status_code == 200
    data = _change_form_data(response)
    prefix = next(
        f"{fs.formset.prefix}-{i}"
        for fs in response.context["inline_admin_formsets"]
        for i, f in enumerate(fs.formset.forms)
        if isinstance(f.instance, State) and f.instance.pk == state.pk
    )
    assert data[f"{prefix}-tags"] == '["review"]'
    data[f"{prefix}-tags"] = '["review", "urgent"]'
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert state_ids_tagged("urgent") == [state.pk]
    assert Ticket.objects.filter(state_tag("urgent").q()).count() == 0
    assert Q(state_id__in=[state.pk]) == state_tag("urgent").q()

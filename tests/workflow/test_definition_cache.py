"""The per-process cache of workflow definitions (xieshang/workflow/cache.py): a transition does not read the
definition again, and every kind of change of a definition — the admin's inline edits included — takes effect on the
next transition, in this process and in one that still holds the old copy."""

import re
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import audit_lock_queries
from tests.workflow.conftest import make_user, new_ticket, verified_login, walk
from tests.workflow.testapp.workflows import TICKET_WORKFLOW
from xieshang.accounts.models import Role
from xieshang.workflow import cache, services
from xieshang.workflow.definitions import install_workflow
from xieshang.workflow.models import State, Transition, Workflow
from xieshang.workflow.selectors import available_transitions

pytestmark = pytest.mark.django_db

DEFINITION_TABLES = re.compile(r'"workflow_(state|transition|transition_sources)"')


def _version(workflow_id):
    return Workflow.objects.values_list("updated_at", flat=True).get(pk=workflow_id)


def _offered(user, ticket):
    return {a.key for a in available_transitions(user, ticket)}


def test_a_warm_transition_reads_no_definition(org, people, django_assert_num_queries):
    ticket = new_ticket(org, people)
    walk(ticket, people, ("submitter", "submit"))
    staff = people["staff"]
    _offered(staff, ticket)  # the staff member's roles are now cached on the user object, as within a request
    with CaptureQueriesContext(connection) as ctx:
        services.transition(actor=staff, obj=ticket, transition_key="accept")
    sql = [q["sql"] for q in ctx.captured_queries]
    assert not [s for s in sql if DEFINITION_TABLES.search(s)], sql
    # savepoint, the row lock (which reads the workflow's updated_at in a subquery), update, event, audit, release.
    # Before the cache: 9, with the state, the transition and its sources read on every transition.
    ticket2 = walk(new_ticket(org, people, title="第二件"), people, ("submitter", "submit"))
    with django_assert_num_queries(9 + audit_lock_queries()):
        services.transition(actor=staff, obj=ticket2, transition_key="accept")
    assert ticket2.state.key == "handling"


def test_a_cold_cache_costs_four_queries_once(org, people):
    ticket = walk(new_ticket(org, people), people, ("submitter", "submit"))
    other = walk(new_ticket(org, people, title="第二件"), people, ("submitter", "submit"))
    _offered(people["staff"], ticket)
    cache.clear()
    loads = cache.loads
    with CaptureQueriesContext(connection) as cold:
        services.transition(actor=people["staff"], obj=ticket, transition_key="accept")
    with CaptureQueriesContext(connection) as warm:
        services.transition(actor=people["staff"], obj=other, transition_key="accept")
    assert cache.loads == loads + 1
    # workflow, states, transitions, sources
    assert len(cold.captured_queries) == len(warm.captured_queries) + 4


def _stale_copy_kept(workflow_id):
    """Simulate another process that read the definition before the change: put its old copy back."""
    stale = cache.current(workflow_id)

    def restore():
        cache._entries[workflow_id] = stale

    return restore


def test_deactivated_transition_is_refused_at_once(org, people):
    ticket = walk(new_ticket(org, people), people, ("submitter", "submit"))
    staff = people["staff"]
    assert "reject" in _offered(staff, ticket)
    restore = _stale_copy_kept(ticket.workflow_id)
    reject = Transition.objects.get(workflow_id=ticket.workflow_id, key="reject")
    reject.is_active = False
    reject.save()
    restore()
    ticket.refresh_from_db()
    assert "reject" not in _offered(staff, ticket)
    with pytest.raises(services.InvalidEdge):
        services.transition(actor=staff, obj=ticket, transition_key="reject", reason="不予受理")
    assert ticket.state.key == "submitted"


def test_added_source_is_allowed_at_once(org, people):
    ticket = walk(new_ticket(org, people), people, ("submitter", "submit"), ("staff", "accept"))
    restore = _stale_copy_kept(ticket.workflow_id)
    with pytest.raises(services.InvalidEdge):
        services.transition(actor=people["submitter"], obj=ticket, transition_key="withdraw")
    withdraw = Transition.objects.get(workflow_id=ticket.workflow_id, key="withdraw")
    withdraw.sources.add(State.objects.get(workflow_id=ticket.workflow_id, key="handling"))
    restore()
    services.transition(actor=people["submitter"], obj=ticket, transition_key="withdraw")
    assert ticket.state.key == "draft"


def _change_state(wf):
    state = wf.states.get(key="submitted")
    state.name = "已报送"
    state.save()


def _add_transition(wf):
    states = {s.key: s for s in wf.states.all()}
    Transition.objects.create(workflow=wf, key="skip", name="跳过", target=states["closed"], roles=["proposals_staff"])


def _delete_transition(wf):
    wf.transitions.get(key="reopen").delete()


def _remove_source(wf):
    wf.transitions.get(key="reopen").sources.remove(wf.states.get(key="closed"))


def _clear_sources(wf):
    wf.transitions.get(key="reopen").sources.clear()


def _reverse_add(wf):
    wf.states.get(key="handling").outgoing.add(wf.transitions.get(key="withdraw"))


def _save_workflow(wf):
    wf.settings = {"signing_days": 7}
    wf.save()


def _reinstall(wf):
    install_workflow({**TICKET_WORKFLOW, "transitions": TICKET_WORKFLOW["transitions"][:-1]})


@pytest.mark.parametrize(
    "change",
    [
        _change_state,
        _add_transition,
        _delete_transition,
        _remove_source,
        _clear_sources,
        _reverse_add,
        _save_workflow,
        _reinstall,
    ],  # fmt: skip
)
def test_every_change_of_a_definition_moves_its_version(org, people, change):
    wf = Workflow.objects.get(key="ticket", organization__isnull=True)
    before = cache.current(wf.pk)
    change(Workflow.objects.get(pk=wf.pk))
    assert _version(wf.pk) > before.version
    after = cache.current(wf.pk)
    assert after is not before and after.version == _version(wf.pk)


def test_the_version_moves_even_when_the_clock_does_not(org, people, monkeypatch):
    from django.utils import timezone

    wf = Workflow.objects.get(key="ticket", organization__isnull=True)
    frozen = datetime(2030, 1, 1, tzinfo=UTC)
    monkeypatch.setattr(timezone, "now", lambda: frozen)
    cache.touch(wf.pk)
    first = _version(wf.pk)
    cache.touch(wf.pk)
    assert _version(wf.pk) > first >= frozen


def test_an_install_moves_the_version_once(org, people, django_assert_max_num_queries):
    wf = Workflow.objects.get(key="ticket", organization__isnull=True)
    with CaptureQueriesContext(connection) as ctx:
        install_workflow(TICKET_WORKFLOW)
    touches = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith('UPDATE "workflow_workflow"')]
    # the workflow row's own save, then one touch for the signals collected and one for the bulk deactivation
    assert len(touches) <= 3, touches
    assert cache.current(wf.pk).version == _version(wf.pk)


def _change_form_data(response):
    """The admin change form's current values, as the browser would post them back."""
    data = {}
    form = response.context["adminform"].form
    formsets = [inline.formset for inline in response.context["inline_admin_formsets"]]
    for bound in [*form, *(f for fs in formsets for form_ in fs.forms for f in form_)]:
        value = bound.value()
        if value is None or value is False:
            continue
        data[bound.html_name] = [str(v) for v in value] if isinstance(value, list | tuple) else str(value)
    for fs in formsets:
        for bound in fs.management_form:
            data[bound.html_name] = bound.value()
    return data


def test_admin_inline_edits_take_effect_on_the_next_transition(client, org, people):
    """The system administrator deactivates 不予受理 and lets 撤回 leave 办理中 too, in the workflow's change form;
    another process that cached the old definition sees both on its next transition."""
    admin = make_user(org, Role.SYSTEM_ADMIN)
    admin.is_staff = True
    admin.save()
    verified_login(client, admin)
    submitted = walk(new_ticket(org, people), people, ("submitter", "submit"))
    handling = walk(new_ticket(org, people, title="办理中的"), people, ("submitter", "submit"), ("staff", "accept"))
    wf = Workflow.objects.get(pk=submitted.workflow_id)
    restore = _stale_copy_kept(wf.pk)
    url = f"/admin/workflow/workflow/{wf.pk}/change/"
    response = client.get(url)
    assert response.status_code == 200
    data = _change_form_data(response)
    transitions = [f.instance for fs in response.context["inline_admin_formsets"] for f in fs.formset.forms]
    prefix = {
        t.key: f"{fs.formset.prefix}-{i}"
        for fs in response.context["inline_admin_formsets"]
        for i, f in enumerate(fs.formset.forms)
        if isinstance((t := f.instance), Transition)
    }
    assert {"reject", "withdraw"} <= {t.key for t in transitions if isinstance(t, Transition)}
    data.pop(f"{prefix['reject']}-is_active", None)
    handling_state = State.objects.get(workflow=wf, key="handling")
    data[f"{prefix['withdraw']}-sources"] = [*data[f"{prefix['withdraw']}-sources"], str(handling_state.pk)]
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert not Transition.objects.get(workflow=wf, key="reject").is_active
    restore()

    with pytest.raises(services.InvalidEdge):
        services.transition(actor=people["staff"], obj=submitted, transition_key="reject", reason="不予受理")
    services.transition(actor=people["submitter"], obj=handling, transition_key="withdraw")
    assert (submitted.state.key, handling.state.key) == ("submitted", "draft")

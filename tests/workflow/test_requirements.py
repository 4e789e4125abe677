"""workflow.E001: the active workflows (organization copies included) against what code names in them."""

import pytest

from tests.workflow.conftest import make_user
from tests.workflow.testapp import workflows as ticket_workflows
from xieshang.accounts.models import Role
from xieshang.workflow import checks, registry
from xieshang.workflow.definitions import copy_workflow
from xieshang.workflow.models import State, Transition, Workflow

pytestmark = pytest.mark.django_db


@pytest.fixture
def requirements():
    """Change the ticket app's declared requirements for one test."""

    def declare(**kwargs):
        registry.register_requirements("ticket", **kwargs)

    yield declare
    ticket_workflows.register()


def ticket_problems():
    return [p for p in checks.workflow_problems() if "'ticket'" in p]


def test_the_template_apps_workflow_meets_its_requirements():
    assert registry.requirements()["ticket"].tags == frozenset(ticket_workflows.TAGS)
    assert ticket_problems() == []


def test_installed_workflows_match_code():
    # Domain apps declare their requirements as they move to phase tags; conditions and hooks are checked already.
    assert checks.workflow_problems() == []


def test_a_missing_tag_is_reported():
    State.objects.filter(workflow__key="ticket", key="rejected").update(tags=[])
    State.objects.filter(workflow__key="ticket", key="closed").update(tags=["public"])
    assert ticket_problems() == ["workflow 'ticket': no state carries the tag 'done' that code asks for"]


def test_an_organization_copy_is_checked_too(org):
    copy = copy_workflow(actor=make_user(org, Role.SYSTEM_ADMIN), key="ticket", organization=org)
    State.objects.filter(workflow=copy, key="closed").update(tags=["done"])
    assert ticket_problems() == [
        f"workflow 'ticket' of organization {org.pk}: no state carries the tag 'public' that code asks for"
    ]
    copy.is_active = False
    copy.save()
    assert ticket_problems() == []  # an inactive copy runs nothing


def test_missing_states_transitions_and_flags_are_reported(requirements):
    requirements(
        tags=["draft"], states=["draft", "archived"], transitions=["submit", "archive"], flags=["edit", "sign"]
    )
    assert ticket_problems() == [
        "workflow 'ticket': code names the state 'archived', which it lacks",
        "workflow 'ticket': code names the transition 'archive', which it lacks",
        "workflow 'ticket': no state sets the flag 'sign' that code reads",
    ]


def test_a_flag_turned_off_everywhere_is_missing(requirements):
    requirements(flags=["edit"])
    State.objects.filter(workflow__key="ticket", key="draft").update(allows={"edit": False, "cosign": True})
    assert ticket_problems() == ["workflow 'ticket': no state sets the flag 'edit' that code reads"]


def test_an_inactive_transition_counts_as_missing(requirements):
    requirements(transitions=["reopen"])
    Transition.objects.filter(workflow__key="ticket", key="reopen").update(is_active=False)
    assert ticket_problems() == ["workflow 'ticket': code names the transition 'reopen', which it lacks"]


def test_an_unknown_condition_is_reported():
    Transition.objects.filter(workflow__key="ticket", key="close").update(conditions=["all_countersigned", "typo"])
    assert ticket_problems() == ["workflow 'ticket': transition 'close' names unknown condition 'typo'"]


def test_a_hook_for_an_unknown_transition_is_reported():
    def on_archive(obj, event, payload):
        pass

    registry.register_hook("ticket", "archive", on_archive)
    try:
        assert ticket_problems() == ["workflow 'ticket': a hook is registered for unknown transition 'archive'"]
    finally:
        registry.unregister_hook("ticket", "archive", on_archive)
    assert ticket_problems() == []


def test_hooks_on_start_and_any_transition_are_not_transitions():
    def noop(obj, event, payload):
        pass

    registry.register_hook("ticket", registry.START, noop)
    registry.register_hook("ticket", registry.ANY, noop)
    try:
        assert ticket_problems() == []
    finally:
        registry.unregister_hook("ticket", registry.START, noop)
        registry.unregister_hook("ticket", registry.ANY, noop)


def test_the_system_check_reports_each_problem_as_e001(monkeypatch):
    State.objects.filter(workflow__key="ticket", key="replied").update(tags=[])
    State.objects.filter(workflow__key="ticket", key="handling").update(tags=["working"])
    assert checks.workflows_match_code() == []  # without databases: the check reads none
    monkeypatch.setattr(checks, "_migrations_pending", lambda: False)
    errors = checks.workflows_match_code(databases=["default"])
    assert [(e.id, e.msg) for e in errors if "'ticket'" in e.msg] == [
        ("workflow.E001", "workflow 'ticket': no state carries the tag 'handling' that code asks for")
    ]


def test_the_system_check_waits_for_pending_migrations(monkeypatch):
    """migrate runs the check first: it must not block the data migration that adds what is missing."""
    State.objects.filter(workflow__key="ticket", key__in=["closed", "rejected"]).update(tags=[])
    monkeypatch.setattr(checks, "_migrations_pending", lambda: True)
    assert checks.workflows_match_code(databases=["default"]) == []


def test_no_pending_migrations_in_the_test_database():
    assert not checks._migrations_pending()
    assert Workflow.objects.filter(key="ticket", organization=None, is_active=True).exists()


def test_a_workflow_code_names_but_nobody_runs_is_reported():
    registry.register_requirements("archive", tags=["done"])
    try:
        assert [p for p in checks.workflow_problems() if "'archive'" in p] == [
            "workflow 'archive': code names it, but no active workflow has this key"
        ]
    finally:
        registry.unregister_requirements("archive")
    Workflow.objects.filter(key="ticket").update(is_active=False)
    assert ticket_problems() == ["workflow 'ticket': code names it, but no active workflow has this key"]

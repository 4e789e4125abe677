"""State meaning is data: the consultation, outcome and room-topic workflows tag their states with phases, code asks
the tags (never a state key), and the system check workflow.E001 reports an active workflow, organization copies
included, that lacks a tag code asks for."""

import importlib

import pytest

from xieshang.consultations.workflows import CONSULTATION_WORKFLOW, WORKFLOWS
from xieshang.workflow.checks import workflow_problems
from xieshang.workflow.definitions import copy_workflow
from xieshang.workflow.models import State, Workflow

pytestmark = pytest.mark.django_db
KEYS = {wf["key"] for wf in WORKFLOWS}


def _ours(problems):
    return [p for p in problems if any(f"workflow {key!r}" in p for key in KEYS)]


def test_installed_workflows_carry_every_tag_code_asks_for():
    assert _ours(workflow_problems()) == []


def test_the_migration_tags_the_states_as_the_definitions_do():
    migration = importlib.import_module("xieshang.consultations.migrations.0007_state_tags")
    for wf in WORKFLOWS:
        assert {s["key"]: s.get("tags", []) for s in wf["states"]} == migration.TAGS[wf["key"]]
        installed = State.objects.filter(workflow__key=wf["key"], workflow__organization__isnull=True)
        assert {s.key: s.tags for s in installed} == migration.TAGS[wf["key"]]


def test_a_removed_tag_is_reported():
    default = Workflow.objects.get(key=CONSULTATION_WORKFLOW["key"], organization__isnull=True)
    for state in default.states.all():
        state.tags = [t for t in state.tags if t != "meeting"]
        state.save()
    assert _ours(workflow_problems()) == [
        "workflow 'consultation': no state carries the tag 'meeting' that code asks for"
    ]


def test_a_tag_removed_in_an_organizations_copy_is_reported(organization, django_user_model):
    copy = copy_workflow(actor=None, key=CONSULTATION_WORKFLOW["key"], organization=organization)
    assert _ours(workflow_problems()) == []
    State.objects.filter(workflow=copy, key="reported").update(tags=[])
    State.objects.filter(workflow=copy, key="closed").update(tags=["took_place"])
    assert _ours(workflow_problems()) == [
        f"workflow 'consultation' of organization {organization.pk}: no state carries the tag 'minutes_public' that "
        "code asks for"
    ]

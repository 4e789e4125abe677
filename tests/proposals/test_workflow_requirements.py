"""The proposal workflows carry every phase tag, flag and transition that proposals code names (workflows.py,
register_requirements), after the migrations and in an organization's copy; an edit that drops one is reported by
the workflow.E001 check."""

import pytest

from xieshang.proposals.workflows import PROPOSAL_WORKFLOW
from xieshang.workflow.checks import workflow_problems
from xieshang.workflow.definitions import install_workflow
from xieshang.workflow.models import State

pytestmark = pytest.mark.django_db


def _ours(problems):
    return [p for p in problems if "'proposal'" in p or "'micro_proposal'" in p]


def test_the_migrated_workflows_have_what_code_names():
    assert _ours(workflow_problems()) == []


def test_a_state_losing_its_tag_is_reported():
    State.objects.filter(workflow__key="proposal", workflow__organization=None, key="supervisor_review").update(tags=[])
    assert _ours(workflow_problems()) == [
        "workflow 'proposal': no state carries the tag 'supervision' that code asks for"
    ]


def test_an_organization_copy_is_checked_too(organization):
    install_workflow(PROPOSAL_WORKFLOW, organization=organization)
    assert _ours(workflow_problems()) == []
    State.objects.filter(workflow__organization=organization, key="replied").update(tags=[])
    problems = _ours(workflow_problems())
    assert len(problems) == 1 and f"of organization {organization.pk}" in problems[0] and "'rating'" in problems[0]

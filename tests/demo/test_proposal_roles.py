"""The demo at its default scale (what `make demo` builds): every demo account whose role has proposal work finds it
on the workbench page after logging in, and the year's proposals stand in every state of the workflow."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.proposals.test_views_support import login
from xieshang.accounts.models import Organization, User
from xieshang.core.workbench import sections_for
from xieshang.demo.management.commands.demo_data import Command
from xieshang.demo.organization import DEMO_ACCOUNTS
from xieshang.proposals.models import Proposal
from xieshang.workflow.models import State

pytestmark = pytest.mark.django_db

# The demo accounts whose role has a part in proposals, and the workbench section each must find work in.
PROPOSAL_ROLES = {
    "member": "proposals_member",
    "standing": "proposals_member",
    "proposals": "proposals_staff",
    "unit": "proposals_unit",
    "supervisor": "proposals_supervisor",
    "leader": "proposals_leader",
}


def test_every_demo_role_has_proposal_work_at_the_default_scale(client):
    default_scale = Command().create_parser("manage.py", "demo_data").parse_args([]).scale
    call_command(
        "demo_data",
        "--only",
        "accounts,proposals",
        "--quiet-accounts",
        "--scale",
        str(default_scale),
        stdout=StringIO(),
    )
    org = Organization.objects.get(code="zhengzhou")
    # every account of a proposal role is one of the demo accounts
    assert set(PROPOSAL_ROLES) <= {username for _, username, _ in DEMO_ACCOUNTS}
    for username, key in PROPOSAL_ROLES.items():
        user = User.objects.get(username=username)
        sections = {s.key: s for s in sections_for(user, org)}
        assert key in sections and sections[key].count, (username, sorted(sections))
        login(client, user)
        html = client.get(reverse("core:workbench")).content.decode()
        assert str(sections[key].title) in html, username
        for item in sections[key].items[:3]:
            assert str(item.title) in html or item.url in html, (username, item.title)
    # a year of proposals in every state of the proposal workflow (micro-proposals: every state past the draft)
    for kind, workflow, may_lack in (
        ("proposal", "proposal", set()),
        ("micro", "micro_proposal", {"draft", "withdrawn"}),
    ):
        held = set(Proposal.objects.filter(organization=org, kind=kind).values_list("state__key", flat=True))
        every = State.objects.filter(workflow__key=workflow, workflow__organization=None).values_list("key", flat=True)
        assert set(every) - held <= may_lack, (kind, sorted(set(every) - held))
    assert Proposal.objects.filter(organization=org, is_excellent=True).exists()

"""Proposal pages: every role's pages render, forms keep typed values and show refusals beside the fields,
outsiders get 404/403, the workflow's history and actions show on the proposal page, list pages keep a constant
number of queries as data grows."""

import pytest
from django.urls import reverse

from tests.factories import HandlingUnitFactory, make_user
from tests.proposals.test_views_support import advance, login, make_proposal, opinions_inbox_fix
from xieshang.accounts.models import Role
from xieshang.proposals import services
from xieshang.proposals.models import CoSignature, Proposal, Rating

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("opinions_inbox_fix")]
__all__ = ["opinions_inbox_fix"]


def test_every_role_sees_its_pages(client, world):
    w = world
    p = make_proposal(w, to="countersigning")
    pages = [
        (w.lead, ["proposals:index", "proposals:mine", "proposals:create", "proposals:create_micro"]),
        (
            w.staff,
            [
                "proposals:staff_queue",
                "proposals:assignment_queue",
                "proposals:excellent",
                "proposals:publish_queue",
                "proposals:stats",
                "proposals:key",
            ],
        ),
        (w.officers[0], ["proposals:unit_inbox"]),
        (w.supervisor, ["proposals:supervisor_queue", "proposals:key"]),
        (w.leader, ["proposals:key", "proposals:stats"]),
    ]
    for user, names in pages:
        login(client, user)
        for name in names:
            response = client.get(reverse(name))
            assert response.status_code == 200, (user, name)
        detail = client.get(reverse("proposals:detail", args=[p.pk]))
        assert detail.status_code == 200, user
        assert "办理记录" in detail.content.decode()
        client.logout()

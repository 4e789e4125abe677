"""What a transition costs as the staff member makes it (issue #18: "a transition under 20 ms"): the pre-acceptance
button's form, posted from the proposal page with its own hidden fields, asks the database a fixed handful of
statements, and the proposal is read with the joins its callers use and no more."""

from __future__ import annotations

import html
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.proposals.test_views_support import login, make_proposal
from xieshang.proposals.models import Proposal

pytestmark = pytest.mark.django_db

FORM = re.compile(r'<form[^>]*action="(/proposals/\d+/do/pre_accept/)"[^>]*>(.*?)</form>', re.S)
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')


def _post_pre_accept(client, proposal):
    page = client.get(reverse("proposals:detail", args=[proposal.pk])).content.decode()
    action, inner = FORM.search(page).groups()
    fields = {name: html.unescape(value) for name, value in HIDDEN.findall(inner)}
    with CaptureQueriesContext(connection) as queries:
        response = client.post(action, fields)
    return response, [q["sql"] for q in queries.captured_queries]


def test_a_transition_posted_from_the_page_asks_a_fixed_handful_of_statements(world, settings):
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"  # production's sessions (with Redis)
    client = login(Client(enforce_csrf_checks=True), world.staff)
    _post_pre_accept(client, make_proposal(world, title="先走一遍", to="submitted"))  # caches warm
    proposal = make_proposal(world, title="预受理的提案", to="submitted")
    response, statements = _post_pre_accept(client, proposal)
    assert response.status_code == 302 and response["Location"] == reverse("proposals:detail", args=[proposal.pk])
    assert Proposal.objects.get(pk=proposal.pk).state.key == "pre_accepted"
    # read, lock, update, event, audit (its lock, head, row), the assignments' copy, the replies to re-index, and
    # the savepoints the test's own transaction turns the service's transactions into
    assert len(statements) <= 14, statements
    reads = [s for s in statements if s.startswith("SELECT") and '"proposals_proposal"."title"' in s]
    assert reads and all(s.count(" JOIN ") <= 4 for s in reads), reads  # no eight-table join to plan

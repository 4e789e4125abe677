"""Issue #11 item 9: two posts of one proposal form at the same moment (a double click on a slow network) create
exactly one proposal, and both land on it. Needs PostgreSQL: two real connections racing for the token's row."""

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from xieshang.proposals.models import Proposal

from .test_concurrency import race
from .test_double_submit import fields, token_on
from .test_views_support import login

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="a real race needs PostgreSQL (DATABASE_URL)"),
]


def test_two_posts_with_one_token_at_once_create_one_proposal(world):
    browser = login(Client(), world.lead)
    token = token_on(browser.get(reverse("proposals:create")).content.decode())
    cookies = browser.cookies

    def post():
        client = Client()
        client.cookies = cookies
        return client.post(reverse("proposals:create"), fields(token))

    results = race(post, post)
    assert not [r for r in results if isinstance(r, Exception)], results
    proposal = Proposal.objects.get()
    assert [r.status_code for r in results] == [302, 302]
    assert {r.url for r in results} == {proposal.get_absolute_url()}

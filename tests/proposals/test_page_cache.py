"""The proposal pages kept as cached parts (proposals.page_cache, issue #18): a kept page costs no query of its own,
and every write of what it shows is seen on the next request; form tokens are the request's own."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.proposals.test_views_support import login, make_proposal
from xieshang.core import generations
from xieshang.proposals import page_cache, services
from xieshang.proposals.models import Proposal

pytestmark = pytest.mark.django_db


def _html(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_queue_kept_costs_no_query_of_its_own(client, world, django_assert_num_queries, settings):
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"  # production's sessions (with Redis)
    login(client, world.staff)
    make_proposal(world, title="排队的提案", to="submitted")
    url = reverse("proposals:staff_queue")
    assert "排队的提案" in _html(client, url)
    with django_assert_num_queries(0):  # the user and his device are kept too (issue #18): nothing of the queue
        assert "排队的提案" in _html(client, url)


def test_the_queue_shows_a_transition_and_a_new_name_at_once(client, world):
    login(client, world.staff)
    p = make_proposal(world, title="待审的提案", to="submitted")
    url = reverse("proposals:staff_queue")
    assert "待审的提案" in _html(client, url)
    services.proposal_transition(actor=world.staff, proposal=p, key="pre_accept")
    html = _html(client, url)
    assert "领衔委员" in html
    world.lead.name = "改名的委员"
    world.lead.save(update_fields=["name"])
    assert "改名的委员" in _html(client, url)
    kept = generations.current(page_cache.GENERATION)
    world.lead.save(update_fields=["last_login"])  # a sign-in moves nothing
    assert generations.current(page_cache.GENERATION) == kept
    Proposal.objects.filter(pk=p.pk).update(title="绕过信号的改动")  # a bulk write sends no signal: the SQL moves it
    assert "绕过信号的改动" in _html(client, url)


def test_the_proposal_page_gives_each_request_its_own_submission_token(client, world):
    p = make_proposal(world, to="submitted")
    login(client, world.staff)
    url = reverse("proposals:detail", args=[p.pk])
    first, second = _html(client, url), _html(client, url)
    tokens = re.findall(r'name="submission_token" value="([^"]+)"', first)
    assert tokens and len(set(tokens)) == len(tokens)
    assert not set(tokens) & set(re.findall(r'name="submission_token" value="([^"]+)"', second))
    assert "fragment-" not in first + second  # no slot left unfilled


def test_a_kept_page_posts_with_the_readers_csrf_token_and_shows_the_result(world):
    p = make_proposal(world, to="submitted")
    client = login(Client(enforce_csrf_checks=True), world.staff)
    url = reverse("proposals:detail", args=[p.pk])
    _html(client, url)
    html = _html(client, url)  # kept
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    token = re.search(r'name="submission_token" value="([^"]+)"', html).group(1)
    response = client.post(
        reverse("proposals:comment", args=[p.pk]),
        {"text": "请尽快审查。", "csrfmiddlewaretoken": csrf, "submission_token": token},
    )
    assert response.status_code == 302
    assert "请尽快审查。" in _html(client, url)


def test_the_kept_page_is_the_readers_own(client, world):
    p = make_proposal(world, to="submitted")
    url = reverse("proposals:detail", args=[p.pk])
    login(client, world.staff)
    _html(client, url)
    other = login(Client(), world.outsider)
    assert other.get(url).status_code in (403, 404)


def test_the_public_list_shows_a_published_reply_at_once(client, world):
    p = make_proposal(world, title="公开的提案", to="replied")
    url = reverse("proposals:public_list", args=[world.org.code])
    assert "公开的提案" not in _html(client, url)
    services.reply_publish(actor=world.staff, reply=p.replies.get())
    assert "公开的提案" in _html(client, url)
    detail = _html(client, reverse("proposals:public_detail", args=[world.org.code, p.pk]))
    assert "公开的提案" in detail and 'data-testid="public-reply"' in detail

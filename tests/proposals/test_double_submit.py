"""Issue #11 item 9: the same creating form posted twice (a resubmit, a slow network, a double click) creates one
proposal, one comment …; the second post lands on the first result with a message in the user's language; a
rejected form keeps what was typed and its token, which works once the error is fixed. The API's comment endpoint
does the same with an Idempotency-Key header."""

import re

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.urls import reverse

from tests.proposals.test_views_support import login, make_proposal
from xieshang.proposals.models import Comment, Proposal

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="submission_token" value="([^"]+)"')


def token_on(html: str) -> str:
    found = TOKEN.findall(html)
    assert found, "the form renders no submission token"
    return found[0]


def fields(token, **extra):
    data = {
        "title": "关于加装电梯的建议",
        "body": "建议" * 20,
        "submitter_kind": "member",
        "save": "1",
        "submission_token": token,
    }
    data.update(extra)
    return data


@pytest.mark.parametrize(
    ("language", "says"),
    [("zh-hans", "已经提交过"), ("en", "already submitted")],
)
def test_the_same_proposal_form_posted_twice_creates_one_and_lands_on_it(client, world, language, says):
    w = world
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    login(client, w.lead)
    token = token_on(client.get(reverse("proposals:create")).content.decode())
    first = client.post(reverse("proposals:create"), fields(token))
    second = client.post(reverse("proposals:create"), fields(token))
    proposal = Proposal.objects.get()
    assert first.status_code == second.status_code == 302
    assert first.url == second.url == proposal.get_absolute_url()
    notes = [str(m) for m in get_messages(second.wsgi_request)]
    assert any(says in n for n in notes), notes
    # A new form (a new token) creates a new proposal.
    other = token_on(client.get(reverse("proposals:create")).content.decode())
    assert other != token
    client.post(reverse("proposals:create"), fields(other))
    assert Proposal.objects.count() == 2


def test_a_rejected_form_keeps_what_was_typed_and_its_token_works_after_the_fix(client, world):
    login(client, world.lead)
    token = token_on(client.get(reverse("proposals:create")).content.decode())
    rejected = client.post(reverse("proposals:create"), fields(token, title=""))
    html = rejected.content.decode()
    assert rejected.status_code == 422 and not Proposal.objects.exists()
    assert token_on(html) == token and "建议建议建议" in html
    fixed = client.post(reverse("proposals:create"), fields(token))
    assert fixed.status_code == 302 and Proposal.objects.count() == 1
    again = client.post(reverse("proposals:create"), fields(token))
    assert again.url == fixed.url and Proposal.objects.count() == 1


def test_the_token_of_one_user_or_one_form_does_not_answer_for_another(client, world):
    login(client, world.lead)
    token = token_on(client.get(reverse("proposals:create")).content.decode())
    client.post(reverse("proposals:create"), fields(token))
    # The same token on the micro-proposal form is another submission.
    client.post(reverse("proposals:create_micro"), fields(token, body="建议" * 10))
    assert Proposal.objects.count() == 2
    # Another member replaying the token gets his own proposal, never a redirect to the lead's.
    login(client, world.co1)
    response = client.post(reverse("proposals:create"), fields(token))
    mine = Proposal.objects.filter(submitter=world.co1).get()
    assert response.url == mine.get_absolute_url()


def test_a_comment_posted_twice_is_written_once(client, world):
    p = make_proposal(world, to="replied")
    login(client, world.lead)
    page = client.get(reverse("proposals:detail", args=[p.pk])).content.decode()
    form = page[page.index('id="act-comment"') - 200 :]
    token = token_on(form)
    data = {"text": "感谢答复，建议尽快落实。", "submission_token": token}
    first = client.post(reverse("proposals:comment", args=[p.pk]), data)
    second = client.post(reverse("proposals:comment", args=[p.pk]), data)
    assert first.status_code == second.status_code == 302
    assert Comment.objects.filter(proposal=p).count() == 1


def test_the_api_comment_with_an_idempotency_key_is_written_once(client, world):
    p = make_proposal(world, to="replied")
    login(client, world.lead)
    url = f"/api/proposals/{p.pk}/comments"
    key = "a-key-of-the-clients-choice-0001"
    first = client.post(url, {"text": "请公开进度"}, content_type="application/json", headers={"Idempotency-Key": key})
    second = client.post(url, {"text": "请公开进度"}, content_type="application/json", headers={"Idempotency-Key": key})
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json() and second["Idempotent-Replayed"] == "true"
    assert Comment.objects.filter(proposal=p).count() == 1
    reused = client.post(url, {"text": "另一条"}, content_type="application/json", headers={"Idempotency-Key": key})
    assert reused.status_code == 422 and reused.json()["code"] == "idempotency_key_reused"
    # Without a key the API acts as before: every call is a new comment.
    client.post(url, {"text": "第二条"}, content_type="application/json")
    assert Comment.objects.filter(proposal=p).count() == 2

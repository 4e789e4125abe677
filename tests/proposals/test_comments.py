"""Comments (留言) follow what each state allows: whoever may read the proposal may remark on it while the state has the
"comment" flag (the live states from submission to confirmation); in a draft or once closed the remark is refused
with the reason, what was typed is kept and nothing is written; comments once written stay visible. Pages and the
API ask the same permission, and the API tells the caller what the current state allows them."""

import pytest
from django.urls import reverse

from tests.proposals.test_action_pages import _refused
from tests.proposals.test_api import client as api
from tests.proposals.test_views_support import advance, login, make_proposal
from xieshang.proposals.models import Comment
from xieshang.workflow.models import State

pytestmark = pytest.mark.django_db


def _post(client, p, text):
    return client.post(reverse("proposals:comment", args=[p.pk]), {"text": text})


def test_default_workflows_carry_the_comment_flag():
    flags = dict(
        State.objects.filter(workflow__key="proposal", workflow__organization=None).values_list("key", "allows")
    )
    assert all(flags[k].get("comment") for k in ("submitted", "under_review", "handling", "replied", "rehandling"))
    assert not any(flags[k].get("comment") for k in ("draft", "closed", "archived", "not_filed", "merged"))
    micro = dict(
        State.objects.filter(workflow__key="micro_proposal", workflow__organization=None).values_list("key", "allows")
    )
    assert micro["handling"].get("comment") and not micro["draft"].get("comment")


def test_comments_on_the_page_follow_the_state(client, world):
    w = world
    p = make_proposal(w)
    login(client, w.lead)
    html = _refused(_post(client, p, "草稿里的留言"), "不能留言", "草稿里的留言")
    assert not Comment.objects.exists()
    assert "comments-closed" in client.get(reverse("proposals:detail", args=[p.pk])).content.decode()

    advance(w, p, "handling")
    assert _post(client, p, "请承办单位尽快联系我。").status_code == 302
    _refused(_post(client, p, "   "), "请填写留言内容")
    html = _refused(_post(client, p, "长" * 1001), "不能超过 1000 字")
    assert "长" * 1001 in html
    login(client, w.officers[0])
    assert _post(client, p, "已收到，将于本周联系。").status_code == 302
    login(client, w.outsider)
    assert _post(client, p, "与我无关的留言").status_code == 403
    assert [(c.author_id, c.state_name) for c in Comment.objects.order_by("id")] == [
        (w.lead.pk, "办理中"),
        (w.officers[0].pk, "办理中"),
    ]

    advance(w, p, "closed")
    login(client, w.co1)  # a co-signer reads the whole thread, but the closed proposal takes no more remarks
    page = client.get(reverse("proposals:detail", args=[p.pk])).content.decode()
    assert "请承办单位尽快联系我。" in page and "已收到，将于本周联系。" in page
    assert 'id="act-comment"' not in page
    _refused(_post(client, p, "办结后的留言"), "不能留言", "办结后的留言")
    assert Comment.objects.count() == 2


@pytest.mark.parametrize(
    ("state", "who", "expected"),
    [
        ("draft", "lead", {"edit": True, "invite_cosigners": True, "cosign": False, "comment": False, "rate": False}),
        ("draft", "co1", {"edit": False, "invite_cosigners": False, "cosign": True, "comment": False, "rate": False}),
        (
            "submitted",
            "lead",
            {"edit": False, "invite_cosigners": True, "cosign": False, "comment": True, "rate": False},
        ),
        (
            "handling",
            "lead",
            {"edit": False, "invite_cosigners": False, "cosign": False, "comment": True, "rate": False},
        ),
        ("replied", "co1", {"edit": False, "invite_cosigners": False, "cosign": False, "comment": True, "rate": True}),
        (
            "closed",
            "lead",
            {"edit": False, "invite_cosigners": False, "cosign": False, "comment": False, "rate": False},
        ),
    ],
)
def test_api_tells_what_the_state_allows_the_caller(world, state, who, expected):
    p = make_proposal(world)
    if state == "draft" and who == "co1":
        pass  # the invitation is still open
    elif state != "draft":
        advance(world, p, state)
    data = api.get(f"/proposals/{p.pk}", user=getattr(world, who)).json()
    assert data["allows"] == expected


def test_api_comments_follow_the_state(world):
    w = world
    p = make_proposal(w)
    url = f"/proposals/{p.pk}/comments"
    r = api.post(url, json={"text": "草稿留言"}, user=w.lead)
    assert r.status_code == 409 and r.json()["code"] == "invalid_edge" and "不能留言" in r.json()["detail"]
    advance(w, p, "under_review")
    assert api.post(url, json={"text": ""}, user=w.lead).status_code == 422
    assert api.post(url, json={"text": "x"}, user=w.outsider).status_code == 403
    r = api.post(url, json={"text": "补充材料已上传。"}, user=w.lead)
    assert r.status_code == 201 and r.json()["state"] == "审查中"
    detail = api.get(f"/proposals/{p.pk}", user=w.staff).json()
    assert [c["text"] for c in detail["comments"]] == ["补充材料已上传。"]

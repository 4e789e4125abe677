"""One similarity function and one threshold policy for the writing panel and the merge candidates (issue #11, item
12): on the same fixture pairs, what the reviewer's merge list finds, the panel finds while the member writes; a
near-duplicate the member may not read is reported without naming it; an unrelated text is found by neither."""

import pytest
from django.urls import reverse

from tests.proposals.factories import advance, make_proposal
from tests.proposals.test_views_support import login
from xieshang.proposals.views.similar import merge_candidates, similar_proposals
from xieshang.search import routing_store, similar
from xieshang.search.dictionary import reset_segmenter
from xieshang.search.similar import POLICY

pytestmark = pytest.mark.django_db

ELEVATOR = "老旧小区没有电梯，老年人上下楼十分困难。建议政府加大补贴力度，简化审批流程，加快老旧小区加装电梯工作。"
PARKS = "城市公园绿地分布不均，新区居民缺少休闲场所。建议利用边角地建设口袋公园，增加健身设施和绿化面积。"
RIDERS = "外卖骑手闯红灯、逆行现象多发，交通事故频繁。建议平台企业优化派单算法，交警部门加强路面执法。"
SCHOOL = "中小学课后服务师资不足，教师负担过重。建议引入社会力量和退休教师参与课后服务，完善经费保障。"

# (existing title, existing body, new title, new body, near-duplicate?)
PAIRS = [
    ("关于加快老旧小区加装电梯的建议", ELEVATOR, "关于加快老旧小区加装电梯的建议", ELEVATOR, True),
    ("关于建设口袋公园的建议", PARKS, "关于多建口袋公园的建议", PARKS[:-6] + "增加绿地。", True),
    ("关于规范外卖骑手交通行为的建议", RIDERS, "关于整治外卖骑手交通违法的建议", "外卖骑手" + RIDERS[4:], True),
    ("关于加强课后服务师资的建议", SCHOOL, "关于加快老旧小区加装电梯的建议", ELEVATOR, False),
]


@pytest.fixture(autouse=True)
def _fresh_search_state():
    reset_segmenter()
    similar.forget()
    routing_store.forget()
    yield
    similar.forget()
    routing_store.forget()


@pytest.fixture
def indexing(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _under_review(w, actor, title, body):
    return advance(w, make_proposal(w, actor=actor, title=title, body=body), "under_review")


@pytest.mark.parametrize("pair", PAIRS, ids=["identical", "reworded", "retitled", "unrelated"])
def test_the_panel_finds_what_the_merge_list_finds_on_the_same_pairs(world, indexing, pair):
    w = world
    old_title, old_body, new_title, new_body, near = pair
    with indexing():
        existing = _under_review(w, w.outsider, old_title, old_body)  # another member's: the writer may not read it
        new = _under_review(w, w.lead, new_title, new_body)
    merge = {c.proposal.pk: c.score for c in merge_candidates(w.staff, new)}
    panel = similar_proposals(w.lead, w.org, new_title, new_body, exclude=new.pk)
    assert (existing.pk in merge) == near
    if near:
        assert merge[existing.pk] >= POLICY.near_duplicate
        # Found while writing: not named (the member may not read it), but reported with the same score.
        assert panel.hidden == 1 and panel.hidden_score == merge[existing.pk]
        assert not any(s.proposal.pk == existing.pk for s in panel.shown)
    else:
        assert not panel


def test_a_near_duplicate_the_member_may_read_is_named_with_its_score(world, indexing):
    w = world
    with indexing():
        own = _under_review(w, w.lead, "关于加快老旧小区加装电梯的建议", ELEVATOR)
        new = _under_review(w, w.co1, "关于加快老旧小区加装电梯的建议", ELEVATOR)
    staff_score = {c.proposal.pk: c.score for c in merge_candidates(w.staff, new)}[own.pk]
    panel = similar_proposals(w.lead, w.org, "关于加快老旧小区加装电梯的建议", ELEVATOR, exclude=new.pk)
    assert [(s.proposal.pk, s.score) for s in panel.shown] == [(own.pk, staff_score)] and panel.hidden == 0


def test_the_hidden_notice_names_nothing_and_ignores_drafts(client, world, indexing):
    w = world
    with indexing():
        theirs = _under_review(w, w.outsider, "关于加快老旧小区加装电梯的建议", ELEVATOR)
        make_proposal(w, actor=w.co2, title="关于口袋公园的建议", body=PARKS)  # a draft: its author's own
    login(client, w.lead)
    html = client.post(
        reverse("proposals:similar"), {"title": "老旧小区加装电梯", "body": ELEVATOR}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert 'data-testid="similar-hidden"' in html and theirs.title not in html and "1 件" in html
    html = client.post(
        reverse("proposals:similar"), {"title": "口袋公园", "body": PARKS}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert html.strip() == ""


def test_the_api_answers_what_the_panel_shows_under_the_same_policy(world, indexing):
    from urllib.parse import urlencode

    from tests.proposals.test_api import client as api_client

    w = world
    with indexing():
        own = _under_review(w, w.lead, "关于加快老旧小区加装电梯的建议", ELEVATOR)
        _under_review(w, w.outsider, "关于多建口袋公园的建议", PARKS)  # not the writer's: reported, not named
        _under_review(w, w.co1, "关于加强课后服务师资的建议", SCHOOL)
    query = {"title": "关于加快老旧小区加装电梯的建议", "body": ELEVATOR, "organization": w.org.pk}
    r = api_client.get("/proposals/similar?" + urlencode(query), user=w.lead)
    assert r.status_code == 200, r.content
    data = r.json()
    panel = similar_proposals(w.lead, w.org, query["title"], ELEVATOR)
    assert [(i["id"], i["score"]) for i in data["items"]] == [(s.proposal.pk, s.score) for s in panel.shown]
    assert data["items"][0]["id"] == own.pk and data["hidden"] == panel.hidden
    assert (data["min_score"], data["near_duplicate"]) == (POLICY.min_score, POLICY.near_duplicate)
    assert all(i["score"] >= POLICY.min_score for i in data["items"])
    query["body"] = PARKS
    query["title"] = "口袋公园"
    data = api_client.get("/proposals/similar?" + urlencode(query), user=w.lead).json()
    assert data["hidden"] == 1 and data["items"] == []
    # Outside the caller's organizations: a clear 400, nothing leaks.
    r = api_client.get("/proposals/similar?" + urlencode({**query, "organization": 999999}), user=w.lead)
    assert r.status_code == 400

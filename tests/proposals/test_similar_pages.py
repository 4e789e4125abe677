"""Search on the proposal pages: similar earlier proposals while writing (scoped to what the member may see),
merge candidates with shared passages marked, handling-unit suggestions logged against the plan staff save."""

import pytest
from django.urls import reverse

from tests.proposals.factories import advance, make_proposal
from tests.proposals.test_views_support import login
from xieshang.proposals import services
from xieshang.proposals.models import Proposal
from xieshang.search import routing_store, similar
from xieshang.search.dictionary import reset_segmenter
from xieshang.search.models import RoutingSuggestion

pytestmark = pytest.mark.django_db

ELEVATOR = "老旧小区没有电梯，老年人上下楼十分困难。建议政府加大补贴力度，简化审批流程，加快老旧小区加装电梯工作。"
PARKS = "城市公园绿地分布不均，新区居民缺少休闲场所。建议利用边角地建设口袋公园，增加健身设施和绿化面积。"


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


def _submitted(w, title, body, **kwargs):
    p = make_proposal(w, title=title, body=body, **kwargs)
    return advance(w, p, "submitted")


def _similar(client, title, body, **extra):
    return client.post(reverse("proposals:similar"), {"title": title, "body": body, **extra}, HTTP_HX_REQUEST="true")


def test_similar_finds_earlier_near_duplicate_not_unrelated(client, world, indexing):
    w = world
    with indexing():
        elevator = _submitted(w, "关于加快老旧小区加装电梯的建议", ELEVATOR)
        parks = _submitted(w, "关于建设口袋公园的建议", PARKS)
    login(client, w.lead)
    response = _similar(client, "关于老旧小区加装电梯的建议", ELEVATOR[:40])
    assert response.status_code == 200
    html = response.content.decode()
    assert elevator.title in html and parks.title not in html
    assert 'data-testid="similar-item"' in html
    # Nothing similar above the threshold: the partial is empty and the box stays hidden.
    response = _similar(client, "关于规范外卖骑手交通行为的建议", "外卖骑手闯红灯逆行现象多，建议加强管理。")
    assert response.content.decode().strip() == ""


def test_similar_never_shows_what_the_member_may_not_see(client, world, indexing):
    w = world
    with indexing():
        theirs = _submitted(w, "关于加快老旧小区加装电梯的建议", ELEVATOR)
    # Another member of the same organization neither signed nor may open it.
    login(client, w.outsider)
    assert theirs.title not in _similar(client, "老旧小区加装电梯", ELEVATOR).content.decode()
    # Staff see it.
    login(client, w.staff)
    assert theirs.title in _similar(client, "老旧小区加装电梯", ELEVATOR).content.decode()


def test_similar_shows_published_replies_to_everyone(client, world, indexing):
    w = world
    with indexing():
        p = make_proposal(w, title="关于加快老旧小区加装电梯的建议", body=ELEVATOR)
        advance(w, p, "replied")
        services.reply_publish(actor=w.staff, reply=p.replies.get())
    login(client, w.outsider)
    html = _similar(client, "老旧小区加装电梯", ELEVATOR).content.decode()
    assert p.title in html and "经研究，已列入年度计划" in html and "答复类别 B" in html


def test_similar_query_count_is_pinned(client, world, indexing, django_assert_num_queries):
    w = world
    with indexing():
        for i in range(3):
            _submitted(w, f"关于加快老旧小区加装电梯的建议（{i}）", ELEVATOR + "第" + str(i) + "稿。")
    login(client, w.lead)
    _similar(client, "老旧小区加装电梯", ELEVATOR)  # builds the process's similarity index
    # 15 since the unit lookup of visible_proposals is skipped for a user who holds no unit-officer role (was 16)
    with django_assert_num_queries(8):  # 7 fewer: the per-request overhead of issues 13 and 18 (decision 0045)
        response = _similar(client, "老旧小区加装电梯", ELEVATOR)
    assert response.content.decode().count('data-testid="similar-item"') == 3


def test_merge_candidates_highlight_shared_passages_and_merge_through_review(client, world, indexing):
    w = world
    shared = "建议政府加大补贴力度，简化审批流程，加快老旧小区加装电梯工作。"
    with indexing():
        target = _submitted(w, "关于加快老旧小区加装电梯的建议", "老年人<上下楼>困难。" + shared)
        advance(w, target, "under_review")
        other = _submitted(w, "关于建设口袋公园的建议", PARKS)
        advance(w, other, "under_review")
        p = _submitted(w, "关于推进既有住宅加装电梯的建议", "高层住户出行不便。" + shared)
        advance(w, p, "under_review")
    login(client, w.staff)
    html = client.get(reverse("proposals:detail", args=[p.pk])).content.decode()
    assert 'data-testid="merge-candidates"' in html
    # Both texts end in the same sentence; the shared run starts at the full stop before it.
    assert f"困难<mark>。{shared}</mark>" in html and f"出行不便<mark>。{shared}</mark>" in html
    # The candidate's own text is escaped before marking.
    assert "老年人&lt;上下楼&gt;困难<mark>" in html
    assert other.title not in html.split('data-testid="merge-candidates"')[1]
    # Never merged by itself: only the staff member's button does it, through the review service.
    assert Proposal.objects.get(pk=p.pk).outcome == ""
    response = client.post(
        reverse("proposals:review", args=[p.pk]),
        {"outcome": "merged", "merge_into": target.pk, "reason": "内容相近，并案办理。", "expected_state": p.state_id},
    )
    assert response.status_code == 302
    p.refresh_from_db()
    assert p.outcome == "merged" and p.merged_into_id == target.pk


def test_unit_suggestion_shown_and_decision_recorded(client, world, indexing):
    w = world
    housing, city, education = w.units
    housing.keywords = "电梯 老旧小区 住房"
    housing.save()
    education.keywords = "学校 教育 教师"
    education.save()
    with indexing():
        p = make_proposal(w, title="关于加快老旧小区加装电梯的建议", body=ELEVATOR)
        advance(w, p, "numbered")
        q = make_proposal(w, title="关于老旧小区电梯维护的建议", body="老旧小区电梯老化，建议定期维护。" * 3)
        advance(w, q, "numbered")
    login(client, w.staff)
    html = client.get(reverse("proposals:detail", args=[p.pk])).content.decode()
    block = html.split('data-testid="unit-suggestions"')[1].split("</ol>")[0]
    assert housing.name in block.split("</li>")[0]
    queue = client.get(reverse("proposals:assignment_queue")).content.decode()
    assert 'data-testid="queue-suggestions"' in queue and q.title in queue

    # Accepted: the plan's lead is the first suggestion.
    with indexing():
        services.assignment_plan(actor=w.staff, proposal=p, lead=housing)
        services.assignment_propose(actor=w.staff, proposal=p)
    row = RoutingSuggestion.objects.filter(object_id=p.pk).latest("at")
    assert row.chosen_unit_id == housing.pk and row.accepted and row.chosen_rank == 1
    # Overridden: staff chose a unit that was not first.
    client.get(reverse("proposals:detail", args=[q.pk]))
    with indexing():
        services.assignment_plan(actor=w.staff, proposal=q, lead=city)
        services.assignment_propose(actor=w.staff, proposal=q)
    row = RoutingSuggestion.objects.filter(object_id=q.pk).latest("at")
    assert row.chosen_unit_id == city.pk and not row.accepted and row.chosen_rank != 1

    stats = client.get(reverse("proposals:stats")).content.decode()
    assert 'data-stat="routing_top1">50%' in stats
    assert 'data-testid="top-terms"' in stats and "电梯" in stats

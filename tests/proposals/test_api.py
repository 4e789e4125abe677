"""REST API: list scoped to the caller, detail with history, the caller's transitions, taking one, clear 4xx."""

import pytest
from ninja import NinjaAPI
from ninja.testing import TestClient

from xieshang.api import errors
from xieshang.proposals.api import router
from xieshang.proposals.selectors import categories_for

from .factories import advance, make_proposal

pytestmark = pytest.mark.django_db

# The router on its own API with the platform's error handlers (xieshang/api/errors.py).
api = NinjaAPI(urls_namespace="proposals_api_test")
errors.register(api)
api.add_router("/proposals/", router)
client = TestClient(api)


def _get(url, user, **kwargs):
    return client.get(url, user=user, **kwargs)


def test_list_is_scoped_and_filtered(world):
    mine = advance(world, make_proposal(world), "under_review")
    other = advance(world, make_proposal(world, actor=world.co1, submitter=world.co1, title="别人的提案"), "submitted")
    # A draft is its member's own until submitted (proposals/visibility.py): not listed for the office either.
    make_proposal(world, actor=world.co1, submitter=world.co1, title="别人的草稿")
    response = _get(f"/proposals/?organization={world.org.pk}", world.lead)
    assert response.status_code == 200
    assert [p["id"] for p in response.json()["items"]] == [mine.pk]
    response = _get(f"/proposals/?organization={world.org.pk}", world.staff)
    assert {p["id"] for p in response.json()["items"]} == {mine.pk, other.pk}
    response = _get(f"/proposals/?organization={world.org.pk}&state=under_review", world.staff)
    assert response.json()["count"] == 1 and response.json()["items"][0]["state_name"] == "审查中"
    assert _get("/proposals/", world.staff).status_code == 400  # no organization chosen


def test_list_refuses_other_organizations(world, other_organization):
    make_proposal(world)
    response = _get(f"/proposals/?organization={other_organization.pk}", world.staff)
    assert response.status_code == 400


def test_detail_with_history_and_access(world, other_organization):
    from tests.factories import make_user
    from xieshang.accounts.models import Role

    p = advance(world, make_proposal(world), "filed")
    data = _get(f"/proposals/{p.pk}", world.lead).json()
    assert [e["action"] for e in data["history"]] == ["创建", "提交", "预受理", "开始审查", "立案"]
    assert _get(f"/proposals/{p.pk}", world.outsider).status_code == 403
    stranger = make_user(Role.PROPOSALS_STAFF, other_organization)
    assert _get(f"/proposals/{p.pk}", stranger).status_code == 404
    assert _get("/proposals/999999", world.staff).status_code == 404


def test_transitions_and_taking_one(world):
    p = advance(world, make_proposal(world), "filed")
    rows = _get(f"/proposals/{p.pk}/transitions", world.staff).json()
    assert [(r["key"], r["allowed"]) for r in rows] == [("classify", True)]
    assert rows[0]["payload_schema"]["required"] == ["category"]
    lead_view = _get(f"/proposals/{p.pk}/transitions", world.lead).json()
    assert lead_view[0]["allowed"] is False and "提案工作人员" in lead_view[0]["reason"]

    url = f"/proposals/{p.pk}/transitions/classify"
    assert client.post(url, json={"payload": {}}, user=world.staff).status_code == 422  # category missing
    r = client.post(url, json={"payload": {"category": 0}}, user=world.staff)
    assert r.status_code == 422 and "category" in r.json()["detail"]
    r = client.post(url, json={"payload": {"category": categories_for(world.org).first().pk}}, user=world.lead)
    assert r.status_code == 403 and r.json()["code"] == "not_allowed"
    category = categories_for(world.org).first()
    r = client.post(url, json={"payload": {"category": category.pk}, "expected_state": "filed"}, user=world.staff)
    assert r.status_code == 200 and r.json()["state"] == "classified" and r.json()["category"] == category.name
    # the state moved on: a stale client is told so
    r = client.post(f"/proposals/{p.pk}/transitions/number", json={"expected_state": "filed"}, user=world.staff)
    assert r.status_code == 409 and r.json()["code"] == "conflict"
    r = client.post(f"/proposals/{p.pk}/transitions/assign", json={}, user=world.staff)
    assert r.status_code == 409 and r.json()["code"] == "invalid_edge"


def test_reason_required_and_condition_failed(world):
    p = advance(world, make_proposal(world), "under_review")
    r = client.post(f"/proposals/{p.pk}/transitions/convert", json={}, user=world.staff)
    assert r.status_code == 422 and r.json()["code"] == "reason_required"
    q = advance(world, make_proposal(world, title="办理中"), "handling")
    r = client.post(f"/proposals/{q.pk}/transitions/reply", json={}, user=world.officers[0])
    assert r.status_code == 409 and r.json()["code"] == "condition_failed" and "答复" in r.json()["detail"]


def test_router_paths():
    """The router's operations as mounted under /api/proposals/ (see the OpenAPI schema of xieshang/api/main.py)."""
    assert {"/", "/{int:proposal_id}", "/{int:proposal_id}/transitions", "/{int:proposal_id}/transitions/{key}"} <= set(
        router.path_operations
    )


def test_openapi_schema_lists_the_proposal_endpoints(world):
    from django.test import Client

    web = Client()
    web.force_login(world.lead)
    paths = set(web.get("/api/openapi.json").json()["paths"])
    for path in (
        "/api/proposals/",
        "/api/proposals/{proposal_id}",
        "/api/proposals/{proposal_id}/transitions",
        "/api/proposals/{proposal_id}/transitions/{key}",
        "/api/proposals/{proposal_id}/comments",
    ):
        assert path in paths, (path, sorted(p for p in paths if "proposals" in p))

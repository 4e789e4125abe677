"""Transition errors and Django's refusals become HTTP answers once, for every router (xieshang/api/errors.py);
every list endpoint validates its paging (core.api.Paging); the OpenAPI schema documents the error answers."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from ninja import NinjaAPI, Router
from ninja.testing import TestClient

from tests.factories import make_user
from xieshang.accounts.models import Role
from xieshang.api import errors
from xieshang.api.main import api as platform_api
from xieshang.workflow.exceptions import (
    ConditionFailed,
    Conflict,
    DeadlineError,
    InvalidEdge,
    InvalidPayload,
    NotAllowed,
    ReasonRequired,
    TransitionError,
)

RAISED = {
    "not_allowed": (NotAllowed("无权办理。"), 403, "not_allowed"),
    "invalid_edge": (InvalidEdge("当前状态下不能执行。"), 409, "invalid_edge"),
    "conflict": (Conflict("已被他人处理。"), 409, "conflict"),
    "condition": (ConditionFailed("尚未答复。"), 409, "condition_failed"),
    "deadline": (DeadlineError("超过最长期限。"), 409, "deadline_error"),
    "reason": (ReasonRequired("须填写理由。"), 422, "reason_required"),
    "payload": (InvalidPayload("缺少类别。"), 422, "invalid_payload"),
    "other_transition": (TransitionError("其他。"), 409, "transition_error"),
    "permission": (PermissionDenied("您没有执行此操作的权限。"), 403, "permission_denied"),
    "validation": (ValidationError({"title": ["请填写标题。"]}), 422, "invalid"),
    "not_found": (Http404("no such proposal"), 404, "not_found"),
}


@pytest.fixture(scope="module")
def raising_client():
    router = Router()

    @router.get("/{name}")
    def raise_it(request, name: str):
        raise RAISED[name][0]

    api = NinjaAPI(urls_namespace="errors-test")
    errors.register(api)
    api.add_router("/", router)
    return TestClient(api)


@pytest.mark.parametrize("name", sorted(RAISED))
def test_each_refusal_has_one_status(raising_client, name):
    _exc, status, code = RAISED[name]
    response = raising_client.get(f"/{name}")
    assert response.status_code == status
    body = response.json()
    assert body["code"] == code
    assert body["detail"]


def test_validation_error_keeps_the_reason_per_field(raising_client):
    assert raising_client.get("/validation").json()["detail"] == {"title": ["请填写标题。"]}


def test_the_platform_api_registers_the_handlers_once():
    for exc_class in (TransitionError, PermissionDenied, ValidationError, Http404):
        assert exc_class in platform_api._exception_handlers


@pytest.fixture
def signed_in(client, organization):
    client.force_login(make_user(Role.MEMBER, organization))
    return client


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/api/notifications/?offset=-1",
        "/api/notifications/?offset=1000000000000000000000",
        "/api/notifications/?limit=0",
        "/api/notifications/?limit=100000",
        "/api/deliberation/conversations?offset=-1",
        "/api/deliberation/conversations?offset=99999999999999",
        "/api/search/?q=停车&page=0",
        "/api/search/?q=停车&page=-1",
        "/api/proposals/?offset=-1",
        "/api/proposals/?offset=99999999999999",
        "/api/proposals/?limit=0",
        "/api/opinions/reports?offset=-1",
        "/api/opinions/reports?offset=99999999999999",
        "/api/opinions/issues?limit=100000",
        "/api/consultations/consultations?offset=-1",
        "/api/consultations/rooms?offset=-1",
        "/api/consultations/outcomes?limit=0",
    ],
)
def test_bad_paging_is_422_with_the_reason(signed_in, url):
    response = signed_in.get(url)
    assert response.status_code == 422, response.content
    reasons = response.json()["detail"]
    field = "page" if "page=" in url else ("limit" if "limit=" in url else "offset")
    assert any(field in (r.get("loc") or []) for r in reasons), reasons


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/api/notifications/?offset=0&limit=10",
        "/api/deliberation/conversations?offset=5&limit=200",
        "/api/proposals/?offset=10&limit=5",
        "/api/opinions/reports?offset=0&limit=5",
        "/api/consultations/consultations?offset=0&limit=5",
    ],
)
def test_valid_paging_answers(signed_in, url):
    assert signed_in.get(url).status_code == 200


@pytest.mark.django_db
def test_notifications_page_slices_the_inbox(signed_in, organization):
    from xieshang.notifications.models import Notification

    user = signed_in.get("/api/accounts/me").json()
    for n in range(5):
        Notification.objects.create(recipient_id=user["id"], title=f"通知{n}", body="x")
    page = signed_in.get("/api/notifications/?offset=1&limit=2").json()
    assert page["unread"] == 5
    assert len(page["items"]) == 2


def test_openapi_documents_the_error_answers():
    schema = platform_api.get_openapi_schema(path_prefix="/api/")
    assert "ErrorOut" in schema["components"]["schemas"]
    seen = set()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            assert 422 in responses, (method, path)
            assert {401, 403} <= set(responses), (method, path)
            if "{" in path:
                assert 404 in responses, (method, path)
            if method == "post":
                assert 409 in responses, (method, path)
            seen.add(path)
    assert any(p.startswith("/api/proposals/") for p in seen) and any(p.startswith("/api/search/") for p in seen)


@pytest.mark.django_db
def test_openapi_json_is_served(signed_in):
    response = signed_in.get("/api/openapi.json")
    assert response.status_code == 200
    errors_of_vote = response.json()["paths"]["/api/deliberation/conversations/{pk}/votes"]["post"]["responses"]
    assert set(errors_of_vote) >= {"200", "401", "403", "404", "409", "422"}

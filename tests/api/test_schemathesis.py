"""schemathesis over the whole OpenAPI schema, against the live Django WSGI app: for every operation, requests
generated from the schema (valid and invalid), sent with a personal access token and with a signed-in session; no
answer may be a server error, and every answer must be documented (status code, content type, headers, body).

Bounded (a fixed number of examples per operation, derandomized so a run is repeatable) to stay within a few minutes
on two cores; `make test` runs it on SQLite and on PostgreSQL with Redis."""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.factories import make_user
from xieshang.accounts.models import Role
from xieshang.api import scopes
from xieshang.api.main import api as platform_api
from xieshang.api.tokens import token_create
from xieshang.deliberation.services import conversation_create
from xieshang.proposals.services import proposal_create

EXAMPLES = 12
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]

schema = schemathesis.openapi.from_dict(platform_api.get_openapi_schema(path_prefix="/api/"))
schema.app = WSGIHandler()


@pytest.fixture(scope="module", autouse=True)
def _connections_stay_open():
    """The WSGI handler closes the database connection at the end of each request; inside a test's transaction that
    would lose it (Django's test client disconnects the same signal handlers)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(params=["token", "session"])
def credentials(request, db, organization, settings):
    # The fuzzer sends far more than an integration may: lift the token's rate limit (tests/api/test_tokens.py
    # proves it holds).
    settings.XIESHANG_ABUSE_LIMITS = {"api_token": {"token": [(0, 60)]}}
    member = make_user(Role.MEMBER, organization, username="fuzz")
    staff = make_user(Role.COMMITTEE_STAFF, organization)
    proposal = proposal_create(actor=member, organization=organization, title="关于加装电梯的建议", body="建议。" * 20)
    conversation = conversation_create(
        actor=staff, organization=organization, title="老旧小区加装电梯", seed_statements=["应征求全体住户意见。"]
    )
    # Objects the generated ids are pointed at half the time, so the answers of existing objects are checked too.
    known = {
        "/api/proposals/{proposal_id}": proposal.pk,
        "/api/deliberation/conversations/{pk}": conversation.pk,
        "/api/accounts/organizations/{org_id}": organization.pk,
    }
    if request.param == "token":
        every = [value for value, _label in scopes.choices()]
        _token, secret = token_create(actor=member, organization=organization, name="fuzz", scopes=every, days=1)
        return {"headers": {"Authorization": f"Bearer {secret}"}, "known": known}
    client = Client()
    client.force_login(member)
    csrf = _get_new_csrf_string()
    return {
        "headers": {"X-CSRFToken": csrf},
        "cookies": {"sessionid": client.cookies["sessionid"].value, "csrftoken": csrf},
        "known": known,
    }


def point_at_known(case, known: dict[str, int]) -> None:
    for prefix, pk in known.items():
        name = prefix.rsplit("{", 1)[1].rstrip("}")
        value = (case.path_parameters or {}).get(name)
        if case.operation.path.startswith(prefix) and isinstance(value, int) and value % 2 == 0:
            case.path_parameters[name] = pk


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_as_documented(case, credentials):
    if case.headers:
        # The schema names the bearer scheme, so schemathesis may send a made-up token: send ours, or none at all
        # beside the session (a bearer token is never combined with the session, see xieshang/api/auth.py).
        case.headers.pop("Authorization", None)
    point_at_known(case, credentials["known"])
    response = case.call(headers=credentials["headers"], cookies=credentials.get("cookies"))
    case.validate_response(response, checks=CHECKS)
    # The credentials hold for every request: the fuzzing reaches the operations, not only the authentication.
    assert response.status_code != 401, response.text
    assert "CSRF" not in response.text

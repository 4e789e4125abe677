"""Personal access tokens (decision 0035): created and revoked by their owner, a secret shown once and stored as a
hash, scopes per area enforced per request, a required expiry, a rate limit per token, audited; never a key to the
admin or to the pages; a deactivated owner's tokens stop working."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.utils import timezone

from tests.factories import make_user
from xieshang.accounts.models import Role
from xieshang.api import scopes
from xieshang.api.main import api as platform_api
from xieshang.api.models import AccessToken
from xieshang.api.tokens import hash_secret, token_create, token_revoke
from xieshang.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def bearer(secret):
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


@pytest.fixture
def member_token(member, organization):
    token, secret = token_create(
        actor=member,
        organization=organization,
        name="履职助手",
        scopes=["accounts:read", "notifications:write"],
        days=30,
    )
    return token, secret


def test_the_secret_is_stored_only_as_its_hash(member_token):
    token, secret = member_token
    row = AccessToken.objects.get(pk=token.pk)
    assert secret.startswith("xst_") and len(secret) > 40
    assert row.key_hash == hash_secret(secret) and secret not in (row.key_hash, row.prefix)
    assert secret.startswith(row.prefix) and len(row.prefix) == 12
    entry = AuditEntry.objects.get(action="api_token.created")
    assert entry.actor_id == token.user_id and secret not in str(entry.detail)


def test_a_token_answers_as_its_owner_in_its_organization(client, member, organization, member_token):
    _token, secret = member_token
    response = client.get("/api/accounts/me", **bearer(secret))
    assert response.status_code == 200, response.content
    assert response.json()["id"] == member.pk
    assert [o["id"] for o in response.json()["organizations"]] == [organization.pk]
    assert AccessToken.objects.get().last_used_at is not None


def test_write_needs_a_write_scope_and_writes_need_no_csrf(client, member, organization):
    _t, reader = token_create(actor=member, organization=organization, name="r", scopes=["notifications:read"], days=7)
    _t, writer = token_create(actor=member, organization=organization, name="w", scopes=["notifications:write"], days=7)
    client.handler.enforce_csrf_checks = True
    assert client.get("/api/notifications/", **bearer(reader)).status_code == 200
    refused = client.post("/api/notifications/read", {}, content_type="application/json", **bearer(reader))
    assert refused.status_code == 403 and refused.json()["code"] == "insufficient_scope"
    assert "insufficient_scope" in refused["WWW-Authenticate"]
    allowed = client.post("/api/notifications/read", {}, content_type="application/json", **bearer(writer))
    assert allowed.status_code == 200, allowed.content
    # write covers read
    assert client.get("/api/notifications/", **bearer(writer)).status_code == 200


def test_an_area_not_named_is_refused_and_audited(client, member_token):
    _token, secret = member_token
    response = client.get("/api/proposals/", **bearer(secret))
    assert response.status_code == 403
    entry = AuditEntry.objects.get(action="api_token.refused")
    assert entry.detail["reason"] == "insufficient_scope" and entry.detail["needed"] == "proposals:read"
    assert not AuditEntry.objects.filter(action="http.refused").exists()  # one row per refusal


@pytest.mark.parametrize(
    "spoil, code",
    [
        (lambda t: AccessToken.objects.filter(pk=t.pk).update(revoked_at=timezone.now()), "token_revoked"),
        (lambda t: AccessToken.objects.filter(pk=t.pk).update(expires_at=timezone.now()), "token_expired"),
        (lambda t: type(t.user).objects.filter(pk=t.user_id).update(is_active=False), "account_inactive"),
        (lambda t: t.user.role_grants.update(role=Role.CITIZEN), "account_inactive"),
        (lambda t: t.user.role_grants.all().delete(), "account_inactive"),
    ],
)
def test_a_spoiled_token_is_refused_401(client, member_token, spoil, code):
    token, secret = member_token
    assert client.get("/api/accounts/me", **bearer(secret)).status_code == 200
    spoil(token)
    response = client.get("/api/accounts/me", **bearer(secret))
    assert response.status_code == 401, response.content
    assert response.json()["code"] == code
    assert AuditEntry.objects.filter(action="api_token.refused", detail__reason=code).count() == 1


def test_an_unknown_token_is_401_and_never_falls_back_to_the_session(client, member):
    client.force_login(member)
    assert client.get("/api/accounts/me").status_code == 200
    response = client.get("/api/accounts/me", **bearer("xst_" + "A" * 43))
    assert response.status_code == 401 and response.json()["code"] == "invalid_token"
    assert response["WWW-Authenticate"].startswith("Bearer")
    entry = AuditEntry.objects.get(action="api_token.refused")
    assert entry.detail["prefix"] == "xst_AAAAAAAA" and entry.actor is None


def test_no_credentials_is_401_with_a_bearer_challenge(client):
    response = client.get("/api/accounts/me")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert response["WWW-Authenticate"].startswith("Bearer")


@override_settings(XIESHANG_ABUSE_LIMITS={"api_token": {"token": [(3, 60)]}})
def test_each_token_has_its_own_rate_limit(client, member, organization, member_token, held_limit_clock):
    _token, secret = member_token
    _other, other = token_create(actor=member, organization=organization, name="b", scopes=["accounts:read"], days=7)
    statuses = [client.get("/api/accounts/me", **bearer(secret)).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
    limited = client.get("/api/accounts/me", **bearer(secret))
    assert limited.json()["code"] == "rate_limited" and int(limited["Retry-After"]) > 0
    assert client.get("/api/accounts/me", **bearer(other)).status_code == 200
    assert AuditEntry.objects.filter(action="limits.exceeded", object_type="api_token").count() == 1


def test_tokens_open_neither_the_admin_nor_the_pages(client, organization):
    staff = make_user(Role.PROPOSALS_STAFF, organization, is_staff=True, is_superuser=True)
    _t, secret = token_create(actor=staff, organization=organization, name="s", scopes=["accounts:read"], days=7)
    assert client.get("/api/accounts/me", **bearer(secret)).status_code == 200
    for path in ("/admin/", "/workbench/", "/proposals/", "/audit/", "/accounts/tokens/", "/accounts/my-data/"):
        response = client.get(path, **bearer(secret))
        assert response.status_code == 302 and "login/" in response["Location"], path


def test_who_may_hold_tokens(organization):
    for role in (Role.MEMBER, Role.STANDING_MEMBER, Role.PROPOSALS_STAFF, Role.UNIT_OFFICER, Role.LEADER):
        token_create(
            actor=make_user(role, organization), organization=organization, name="x", scopes=["search:read"], days=1
        )
    for role in (Role.CITIZEN, Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN):
        with pytest.raises(PermissionDenied):
            token_create(
                actor=make_user(role, organization), organization=organization, name="x", scopes=["search:read"], days=1
            )


@pytest.mark.parametrize(
    "values, field",
    [
        ({"name": " "}, "name"),
        ({"scopes": []}, "scopes"),
        ({"scopes": ["proposals:admin"]}, "scopes"),
        ({"scopes": ["search:write"]}, "scopes"),  # search has no writes
        ({"days": 0}, "days"),
        ({"days": 366}, "days"),
    ],
)
def test_bad_creation_is_refused_per_field(member, organization, values, field):
    kwargs = {"name": "ok", "scopes": ["search:read"], "days": 30, **values}
    with pytest.raises(ValidationError) as caught:
        token_create(actor=member, organization=organization, **kwargs)
    assert field in caught.value.message_dict
    assert not AccessToken.objects.exists()


def test_an_organization_not_his_is_refused(member, other_organization):
    with pytest.raises(PermissionDenied):
        token_create(actor=member, organization=other_organization, name="x", scopes=["search:read"], days=1)


def test_only_the_owner_revokes_and_it_is_audited_once(member, organization, member_token):
    token, _secret = member_token
    with pytest.raises(PermissionDenied):
        token_revoke(actor=make_user(Role.MEMBER, organization), token_id=token.pk)
    token_revoke(actor=member, token_id=token.pk)
    token_revoke(actor=member, token_id=token.pk)
    assert AccessToken.objects.get().revoked_at is not None
    assert AuditEntry.objects.filter(action="api_token.revoked").count() == 1


@override_settings(XIESHANG_API_TOKENS_PER_USER=2)
def test_active_tokens_per_person_are_bounded(member, organization):
    for n in range(2):
        token_create(actor=member, organization=organization, name=f"t{n}", scopes=["search:read"], days=1)
    with pytest.raises(ValidationError):
        token_create(actor=member, organization=organization, name="t3", scopes=["search:read"], days=1)
    AccessToken.objects.filter(name="t0").update(expires_at=timezone.now() - timedelta(seconds=1))
    token_create(actor=member, organization=organization, name="t3", scopes=["search:read"], days=1)


def test_the_scope_table_names_every_router_and_its_writes():
    schema = platform_api.get_openapi_schema(path_prefix="/api/")
    areas: dict[str, set[str]] = {}
    for path, operations in schema["paths"].items():
        area = path.removeprefix("/api/").split("/", 1)[0]
        areas.setdefault(area, set()).update(m.upper() for m in operations)
    assert set(areas) == set(scopes.BY_KEY)
    for key, methods in areas.items():
        assert scopes.BY_KEY[key].writable == bool(methods - scopes.SAFE_METHODS), key


def test_the_schema_offers_both_ways_to_authenticate():
    schema = platform_api.get_openapi_schema(path_prefix="/api/")
    security = schema["components"]["securitySchemes"]
    assert {s["type"] for s in security.values()} >= {"http", "apiKey"}
    assert any(s.get("scheme") == "bearer" for s in security.values())


def test_his_tokens_are_in_his_personal_data_and_go_with_erasure(member, member_token):
    from xieshang.core.personal_data import Erased, sources

    token, secret = member_token
    source = next(s for s in sources() if s.key == "api_tokens")
    rows = source.export(member)
    assert [r["prefix"] for r in rows] == [token.prefix] and secret not in str(rows)
    assert source.anonymize(member, Erased(label="已注销用户", name="", phone="", placeholder=lambda org: None)) == 1
    assert not AccessToken.objects.exists()

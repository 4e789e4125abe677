"""接口访问令牌 page (/accounts/tokens/): a member or staff creates a token (the secret shown once), lists and revokes
his own; residents and administrators are refused; staff reach it only past the second factor."""

import pytest
from django.urls import reverse

from tests.factories import PASSWORD, make_user
from xieshang.accounts.models import Role
from xieshang.accounts.selectors import may_hold_api_tokens
from xieshang.api.models import AccessToken
from xieshang.api.tokens import hash_secret

pytestmark = pytest.mark.django_db
URL = "/accounts/tokens/"


def test_the_page_hangs_off_my_personal_data(client, member):
    client.force_login(member)
    body = client.get(reverse("accounts:personal_data")).content.decode()
    assert f'href="{URL}"' in body


def test_a_member_creates_a_token_and_sees_the_secret_once(client, member):
    client.force_login(member)
    response = client.post(
        URL,
        {
            "name": "履职助手",
            "days": "30",
            "scopes": ["proposals:read", "notifications:write"],
            "submission_token": "t" * 20,
        },
    )
    assert response.status_code == 302 and response.url == URL
    token = AccessToken.objects.get()
    assert (token.user, token.name, token.scopes) == (member, "履职助手", ["notifications:write", "proposals:read"])
    first = client.get(URL).content.decode()
    secret = first.split('data-testid="token-secret">', 1)[1].split("<", 1)[0]
    assert hash_secret(secret) == token.key_hash
    assert secret not in client.get(URL).content.decode()  # once
    # the same submission again acts once
    again = client.post(
        URL, {"name": "履职助手", "days": "30", "scopes": ["proposals:read"], "submission_token": "t" * 20}
    )
    assert again.status_code == 302 and AccessToken.objects.count() == 1


def test_a_rejected_form_keeps_what_was_typed(client, member):
    client.force_login(member)
    response = client.post(URL, {"name": "我的脚本", "days": "30", "scopes": []})
    assert response.status_code == 400
    body = response.content.decode()
    assert 'value="我的脚本"' in body and "请至少选择一项权限范围。" in body
    assert not AccessToken.objects.exists()
    assert client.post(URL, {"name": "x", "days": "999", "scopes": ["search:read"]}).status_code == 400


def test_he_revokes_only_his_own(client, member, organization):
    client.force_login(member)
    client.post(URL, {"name": "a", "days": "7", "scopes": ["search:read"]})
    token = AccessToken.objects.get()
    other = make_user(Role.MEMBER, organization)
    client.force_login(other)
    assert client.post(f"{URL}{token.pk}/revoke/").status_code == 404
    assert AccessToken.objects.get().revoked_at is None
    client.force_login(member)
    assert client.post(f"{URL}{token.pk}/revoke/").status_code == 302
    assert AccessToken.objects.get().revoked_at is not None
    assert "已撤销" in client.get(URL).content.decode()


def test_residents_hold_no_tokens(client, organization):
    client.force_login(make_user(Role.CITIZEN, organization))
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"name": "a", "days": "7", "scopes": ["search:read"]}).status_code == 403
    assert f'href="{URL}"' not in client.get(reverse("accounts:personal_data")).content.decode()
    assert not AccessToken.objects.exists()


@pytest.mark.parametrize(
    "role, may",
    [
        (Role.MEMBER, True),
        (Role.INFORMANT, True),
        (Role.PROPOSALS_STAFF, True),
        (Role.CITIZEN, False),
        (Role.SYSTEM_ADMIN, False),
        (Role.SECURITY_ADMIN, False),
        (Role.AUDIT_ADMIN, False),
    ],
)
def test_who_may_hold_tokens(organization, role, may):
    assert may_hold_api_tokens(make_user(role, organization)) is may


def test_staff_reach_the_page_only_past_the_second_factor(client, organization):
    make_user(Role.PROPOSALS_STAFF, organization, username="staff")
    client.post("/accounts/login/", {"username": "staff", "password": PASSWORD})
    response = client.get(URL)
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:otp_verify"))

"""三员分立: one account never holds two of the system, security and audit administrator duties."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from tests.accounts.test_admin_duties import admin_client
from tests.factories import make_user
from xieshang.accounts.models import Role, RoleGrant

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("held", [Role.SYSTEM_ADMIN, Role.AUDIT_ADMIN])
def test_a_second_administrator_duty_is_refused(organization, other_organization, held):
    user = make_user(held, organization)
    grant = RoleGrant(user=user, organization=other_organization, role=Role.SECURITY_ADMIN)
    with pytest.raises(ValidationError, match="三员分立"):
        grant.full_clean()
    # Other roles and the same duty elsewhere stay allowed.
    RoleGrant(user=user, organization=organization, role=Role.PROPOSALS_STAFF).full_clean()
    RoleGrant(user=user, organization=other_organization, role=held).full_clean()


def test_the_grant_page_refuses_with_a_clear_message_in_both_languages(client, organization):
    admin_client(client, Role.SECURITY_ADMIN, organization)
    system_admin = make_user(Role.SYSTEM_ADMIN, organization)
    form = {"user": system_admin.pk, "organization": organization.pk, "role": Role.AUDIT_ADMIN}
    response = client.post(reverse("admin:accounts_rolegrant_add"), form)
    assert response.status_code == 200
    assert "三员分立：该账户已是系统管理员，不能再授予审计管理员" in response.content.decode()
    client.cookies["xieshang_language"] = "en"
    with translation.override("en"):
        response = client.post(reverse("admin:accounts_rolegrant_add"), form, HTTP_ACCEPT_LANGUAGE="en")
    assert "Separation of duties" in response.content.decode()
    assert not RoleGrant.objects.filter(user=system_admin, role=Role.AUDIT_ADMIN).exists()


def test_two_duties_in_one_submission_of_the_account_page_are_refused(client, organization):
    admin_client(client, Role.SECURITY_ADMIN, organization)
    user = make_user(None)
    prefix = "role_grants"
    form = {
        "username": user.username,
        "name": user.name,
        "phone": user.phone or "",
        "email": "",
        "is_active": "on",
        "failed_logins": 0,
        f"{prefix}-TOTAL_FORMS": 2,
        f"{prefix}-INITIAL_FORMS": 0,
        f"{prefix}-0-organization": organization.pk,
        f"{prefix}-0-role": Role.SYSTEM_ADMIN,
        f"{prefix}-1-organization": organization.pk,
        f"{prefix}-1-role": Role.SECURITY_ADMIN,
    }
    response = client.post(reverse("admin:accounts_user_change", args=[user.pk]), form)
    assert "三员分立" in response.content.decode()
    assert not RoleGrant.objects.filter(user=user).exists()

"""Every admin write leaves an audit row: each registered admin carries the mixin, and the writes land in the trail."""

import pytest
from django.contrib import admin
from django.urls import reverse

from tests.accounts.test_admin_duties import admin_client
from tests.factories import make_user
from xieshang.accounts.models import Role, RoleGrant, SecurityPolicy
from xieshang.audit.admin import AuditedAdminMixin
from xieshang.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_every_registered_admin_is_audited():
    missing = [
        model._meta.label
        for model, model_admin in admin.site._registry.items()
        if not isinstance(model_admin, AuditedAdminMixin)
    ]
    assert admin.site._registry and not missing, missing


def test_a_security_policy_change_records_old_and_new_values(client, organization):
    user = admin_client(client, Role.SECURITY_ADMIN, organization)
    policy = SecurityPolicy.objects.create()
    url = reverse("admin:accounts_securitypolicy_change", args=[policy.pk])
    form = {
        "lockout_threshold": 3,
        "lockout_minutes": 30,
        "idle_timeout_minutes": 30,
        "password_max_age_days": 90,
        "staff_second_factor": "on",
        "audit_retention_days": 183,
    }
    response = client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    row = AuditEntry.objects.get(action="admin.changed")
    assert row.actor == user and row.object_type == "accounts.securitypolicy"
    assert row.detail["changes"]["lockout_threshold"] == ["5", "3"]


def test_a_deletion_in_the_admin_is_recorded(client, organization):
    admin_client(client, Role.SECURITY_ADMIN, organization)
    grant = make_user(Role.MEMBER, organization).role_grants.get()
    response = client.post(reverse("admin:accounts_rolegrant_delete", args=[grant.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not RoleGrant.objects.filter(pk=grant.pk).exists()
    row = AuditEntry.objects.get(action="admin.deleted")
    assert row.object_id == str(grant.pk) and row.detail["model"] == "accounts.rolegrant"

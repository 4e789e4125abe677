"""Issue #11 point 3: each administrator (三员分立) lands on the pages of his duty, and nowhere else."""

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import make_user
from xieshang.accounts.models import Role

SYSTEM = {
    "workflows": "admin:workflow_workflow_changelist",
    "calendar": "admin:workflow_calendarday_changelist",
    "categories": "admin:proposals_category_changelist",
    "proposal settings": "admin:proposals_proposalsettings_changelist",
}
SECURITY = {
    "accounts": "admin:accounts_user_changelist",
    "role grants": "admin:accounts_rolegrant_changelist",
    "security policy": "admin:accounts_securitypolicy_changelist",
}
AUDIT = {"audit": "audit:log"}
DUTIES = {Role.SYSTEM_ADMIN: SYSTEM, Role.SECURITY_ADMIN: SECURITY, Role.AUDIT_ADMIN: AUDIT}


def admin_client(client, role, organization):
    user = make_user(role, organization, is_staff=role != Role.AUDIT_ADMIN)
    client.force_login(user)
    device = TOTPDevice.objects.create(user=user, confirmed=True)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return user


@pytest.mark.parametrize("role", [Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN])
def test_the_admin_index_lists_the_administrators_duty(client, organization, role):
    admin_client(client, role, organization)
    response = client.get(reverse("admin:index"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "你没有查看或编辑的权限" not in body and "You don’t have permission" not in body
    for name in DUTIES[role].values():
        assert reverse(name) in body, name


@pytest.mark.parametrize("role", list(DUTIES))
def test_each_administrator_lands_on_his_duty(client, organization, role):
    """The workbench (where a login lands) and the menu link every page of the duty; each page opens."""
    admin_client(client, role, organization)
    body = client.get("/workbench/").content.decode()
    for label, name in DUTIES[role].items():
        assert f'href="{reverse(name)}"' in body, label
        assert client.get(reverse(name)).status_code == 200, label


@pytest.mark.parametrize("role", list(DUTIES))
def test_no_administrator_sees_anothers_pages(client, organization, role):
    admin_client(client, role, organization)
    body = client.get("/workbench/").content.decode()
    index = client.get(reverse("admin:index"))
    for other, pages in DUTIES.items():
        if other == role:
            continue
        for label, name in pages.items():
            url = reverse(name)
            assert f'href="{url}"' not in body, (role, label)
            assert url not in index.content.decode(), (role, label)
            assert client.get(url).status_code in (302, 403), (role, label)


def test_structures_are_the_system_administrators_to_change(client, organization):
    """Units, sectors and committees: the system administrator changes them; the security administrator only reads
    them, as a role grant names a unit or committee."""
    admin_client(client, Role.SYSTEM_ADMIN, organization)
    assert client.get(reverse("admin:accounts_handlingunit_add")).status_code == 200
    assert f'href="{reverse("admin:accounts_handlingunit_changelist")}"' in client.get("/workbench/").content.decode()
    client.logout()
    admin_client(client, Role.SECURITY_ADMIN, organization)
    assert client.get(reverse("admin:accounts_handlingunit_add")).status_code == 403

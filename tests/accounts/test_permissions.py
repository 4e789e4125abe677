"""Role × permission table for the base apps (三员分立 included). Each row is a claim a test can break."""

import pytest
import rules

from tests.factories import make_user
from xieshang.accounts.models import Role

ALL_ROLES = list(Role)

# permission -> roles that hold it (every other role must not)
TABLE = {
    "accounts.change_organization": {Role.SYSTEM_ADMIN},
    "accounts.change_handlingunit": {Role.SYSTEM_ADMIN},
    "accounts.view_handlingunit": {Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN},
    "accounts.change_user": {Role.SECURITY_ADMIN},
    "accounts.add_rolegrant": {Role.SECURITY_ADMIN},
    "accounts.unlock_user": {Role.SECURITY_ADMIN},
    "accounts.change_securitypolicy": {Role.SECURITY_ADMIN},
    "accounts.use_admin": {Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN},
    "accounts.view_sensitive_profile": {
        Role.SECURITY_ADMIN,
        Role.PROPOSALS_STAFF,
        Role.INFORMATION_STAFF,
        Role.COMMITTEE_STAFF,
    },
    "audit.view_auditentry": {Role.AUDIT_ADMIN},
}


@pytest.mark.parametrize("permission", sorted(TABLE))
@pytest.mark.parametrize("role", ALL_ROLES, ids=[r.value for r in ALL_ROLES])
def test_role_permission_table(permission, role, organization):
    user = make_user(role, organization)
    expected = role in TABLE[permission]
    assert user.has_perm(permission, organization) is expected
    assert rules.has_perm(permission, user, organization) is expected


@pytest.mark.parametrize(
    "permission", ["accounts.change_user", "audit.view_auditentry", "accounts.change_organization"]
)
def test_a_role_in_one_organization_gives_no_right_in_another(permission, organization, other_organization):
    role = next(iter(TABLE[permission]))
    user = make_user(role, organization)
    assert user.has_perm(permission, organization)
    assert not user.has_perm(permission, other_organization)


def test_superuser_flag_does_not_open_the_audit_trail(organization, client):
    user = make_user(Role.SYSTEM_ADMIN, organization, is_superuser=True, is_staff=True)
    client.force_login(user)
    # The second-factor gate applies to admins too; mark the session verified as django-otp would.
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=user, confirmed=True)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    assert client.get("/audit/").status_code == 403

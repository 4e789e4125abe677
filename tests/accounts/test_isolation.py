"""Every query is scoped to the user's organizations: one organization cannot read another's records."""

from tests.factories import HandlingUnitFactory, make_user
from xieshang.accounts.models import Role
from xieshang.accounts.selectors import handling_units_for_user, members_for_user, organizations_for_user
from xieshang.audit.selectors import audit_entries
from xieshang.audit.services import audit_record
from xieshang.notifications.selectors import inbox
from xieshang.notifications.services import notify


def test_member_directory_and_units_are_scoped(organization, other_organization):
    mine = make_user(Role.MEMBER, organization)
    make_user(Role.MEMBER, other_organization)
    HandlingUnitFactory(organization=organization)
    HandlingUnitFactory(organization=other_organization)
    assert list(organizations_for_user(mine)) == [organization]
    assert {p.organization_id for p in members_for_user(mine, organization)} == {organization.pk}
    assert members_for_user(mine, other_organization).count() == 0
    assert handling_units_for_user(mine, other_organization).count() == 0
    assert handling_units_for_user(mine, organization).count() == 1


def test_audit_admin_reads_only_own_organization(organization, other_organization):
    auditor = make_user(Role.AUDIT_ADMIN, organization)
    audit_record(actor=None, action="test.mine", organization=organization)
    audit_record(actor=None, action="test.theirs", organization=other_organization)
    from xieshang.accounts.selectors import user_organization_ids

    actions = set(audit_entries(organization_ids=user_organization_ids(auditor)).values_list("action", flat=True))
    assert "test.mine" in actions and "test.theirs" not in actions


def test_audit_page_shows_own_organization_only(client, organization, other_organization):
    auditor = make_user(Role.AUDIT_ADMIN, organization)
    audit_record(actor=None, action="visible.mine", organization=organization)
    audit_record(actor=None, action="hidden.theirs", organization=other_organization)
    _verified_login(client, auditor)
    body = client.get("/audit/").content.decode()
    assert "visible.mine" in body and "hidden.theirs" not in body


def test_inbox_is_personal(organization):
    a, b = make_user(Role.MEMBER, organization), make_user(Role.MEMBER, organization)
    notify(recipients=[a], kind="test", title="只给甲")
    assert inbox(b).count() == 0 and inbox(a).count() == 1


def test_api_units_of_another_organization_are_empty(client, organization, other_organization):
    user = make_user(Role.MEMBER, organization)
    HandlingUnitFactory(organization=other_organization)
    client.force_login(user)
    assert client.get(f"/api/accounts/organizations/{other_organization.pk}/units").json() == []


def _verified_login(client, user):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(user)
    device = TOTPDevice.objects.create(user=user, confirmed=True)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()


def test_system_and_security_admins_cannot_open_the_audit_log(client, organization):
    for role in (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN):
        admin = make_user(role, organization, is_staff=True)
        _verified_login(client, admin)
        assert client.get("/audit/").status_code == 403
    auditor = make_user(Role.AUDIT_ADMIN, organization)
    _verified_login(client, auditor)
    assert client.get("/audit/?result=failure").status_code == 200

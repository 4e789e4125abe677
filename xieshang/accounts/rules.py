"""Permissions of the accounts app, as django-rules predicates (one permission per action)."""

import rules

from .models import Role
from .selectors import has_role, user_organization_ids


def role_predicate(role: str) -> rules.Predicate:
    """True when the user holds `role` in the object's organization (or anywhere, when there is no object)."""

    @rules.predicate(name=f"has_role_{role}")
    def _has(user, obj=None):
        organization = _organization_of(obj)
        return has_role(user, role, organization)

    return _has


def _organization_of(obj):
    if obj is None:
        return None
    if hasattr(obj, "organization_id"):
        return obj.organization_id
    if obj.__class__.__name__ == "Organization":
        return obj.pk
    return None


@rules.predicate
def belongs_to_object_organization(user, obj=None) -> bool:
    org_id = _organization_of(obj)
    return org_id is not None and org_id in user_organization_ids(user)


is_member = role_predicate(Role.MEMBER)
is_standing_member = role_predicate(Role.STANDING_MEMBER)
is_proposals_staff = role_predicate(Role.PROPOSALS_STAFF)
is_information_staff = role_predicate(Role.INFORMATION_STAFF)
is_committee_staff = role_predicate(Role.COMMITTEE_STAFF)
is_unit_officer = role_predicate(Role.UNIT_OFFICER)
is_supervisor = role_predicate(Role.SUPERVISOR)
is_leader = role_predicate(Role.LEADER)
is_citizen = role_predicate(Role.CITIZEN)
is_system_admin = role_predicate(Role.SYSTEM_ADMIN)
is_security_admin = role_predicate(Role.SECURITY_ADMIN)
is_audit_admin = role_predicate(Role.AUDIT_ADMIN)
is_conference_staff = is_proposals_staff | is_information_staff | is_committee_staff

# Three separate administrator duties (三员分立): configuration, accounts and rights, audit.
# The system administrator configures organizations, sectors, committees, units and communities in the Django admin.
for model in ("organization", "partnership", "sector", "specialcommittee", "handlingunit", "community"):
    rules.add_perm(f"accounts.view_{model}", is_system_admin | is_security_admin)
    for action in ("add", "change", "delete"):
        rules.add_perm(f"accounts.{action}_{model}", is_system_admin)
# The security administrator manages accounts, roles, member profiles and the security policy.
for model in ("user", "rolegrant", "memberprofile", "residentprofile", "securitypolicy"):
    for action in ("view", "add", "change"):
        rules.add_perm(f"accounts.{action}_{model}", is_security_admin)
rules.add_perm("accounts.delete_rolegrant", is_security_admin)
rules.add_perm("accounts.unlock_user", is_security_admin)
rules.add_perm("accounts.view_member_directory", belongs_to_object_organization)
rules.add_perm("accounts.view_sensitive_profile", is_security_admin | is_conference_staff)
# Only the system administrator may enter the Django admin for configuration; the security administrator enters it
# for accounts. Both are "staff" in Django's sense; the audit administrator is not.
rules.add_perm("accounts.use_admin", is_system_admin | is_security_admin)
# Only the audit administrator reads the audit trail; the system and security administrators cannot (三员分立).
# Declared here, not in audit/, because audit sits below accounts: accounts writes audit rows, audit knows no roles.
rules.add_perm("audit.view_auditentry", is_audit_admin)

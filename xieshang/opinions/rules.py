"""Who may do what with opinion reports. The object is a Report, a BulletinIssue, a Forward, or the Organization
(for submitting, the desk and statistics). Views, templates and the API ask these same permissions."""

from __future__ import annotations

import rules

from xieshang.accounts.models import Role
from xieshang.accounts.rules import (
    is_committee_staff,
    is_information_staff,
    is_leader,
    is_member,
    is_standing_member,
    is_system_admin,
    role_predicate,
)
from xieshang.accounts.selectors import roles_by_organization

is_informant = role_predicate(Role.INFORMANT)


@rules.predicate
def is_author(user, report=None) -> bool:
    if report is None or not getattr(user, "is_authenticated", False):
        return False
    if report.submitter_id == user.pk:
        return True
    return report.author_links.filter(user_id=user.pk).exists()


@rules.predicate
def is_recipient_reader(user, report=None) -> bool:
    """The report was sent to a recipient whose inbox this user reads."""
    if report is None or not getattr(user, "is_authenticated", False):
        return False
    from .selectors import inbox_organization_ids

    return report.dispatches.filter(rules_q_recipient_reader(user, inbox_organization_ids(user))).exists()


def rules_q_recipient_reader(user, org_ids):
    from django.db.models import Q

    return Q(recipient__users=user) | Q(recipient__target_organization_id__in=org_ids)


@rules.predicate
def is_forwarded_unit_officer(user, report=None) -> bool:
    if report is None or not getattr(user, "is_authenticated", False):
        return False
    from xieshang.accounts.models import RoleGrant

    units = RoleGrant.objects.filter(user=user, role=Role.UNIT_OFFICER, handling_unit__isnull=False).values(
        "handling_unit_id"
    )
    return report.forwards.filter(unit_id__in=units).exists()


@rules.predicate
def is_officer_of_forward_unit(user, forward=None) -> bool:
    if forward is None:
        return False
    from xieshang.accounts.models import RoleGrant

    return RoleGrant.objects.filter(
        user=user,
        role=Role.UNIT_OFFICER,
        handling_unit_id=forward.unit_id,
        organization_id=forward.unit.organization_id,
    ).exists()


@rules.predicate
def reads_an_inbox(user, obj=None) -> bool:
    from django.db.models import Q

    from .models import Recipient
    from .selectors import inbox_organization_ids

    if not getattr(user, "is_authenticated", False):
        return False
    # The Q of rules_q_recipient_reader is written from Dispatch's side (recipient__...); here we query Recipient.
    return Recipient.objects.filter(Q(users=user) | Q(target_organization_id__in=inbox_organization_ids(user))).exists()


@rules.predicate
def is_any_unit_officer(user, obj=None) -> bool:
    return any(Role.UNIT_OFFICER in roles for roles in roles_by_organization(user).values())


is_proposals_staff = role_predicate(Role.PROPOSALS_STAFF)


@rules.predicate
def came_from_a_proposal(user, report=None) -> bool:
    """The report is a proposal converted to a suggestion (转为意见建议); the proposals staff who handed it over
    may follow it."""
    if report is None or not report.source_content_type_id:
        return False
    from django.contrib.contenttypes.models import ContentType

    content_type = ContentType.objects.get_for_id(report.source_content_type_id)
    return (content_type.app_label, content_type.model) == ("proposals", "proposal")


may_submit = is_member | is_standing_member | is_informant | is_committee_staff | is_information_staff

rules.add_perm("opinions.submit_report", may_submit)
rules.add_perm(
    "opinions.view_report",
    is_author
    | is_information_staff
    | is_leader
    | is_recipient_reader
    | is_forwarded_unit_officer
    | (is_proposals_staff & came_from_a_proposal),
)
# The desk: editing, closing, issues, sending up, forwarding, recording instructions and adoptions.
rules.add_perm("opinions.manage_report", is_information_staff)
rules.add_perm("opinions.manage_issue", is_information_staff)
rules.add_perm("opinions.view_issue", is_information_staff | is_leader)
rules.add_perm("opinions.view_statistics", is_information_staff | is_leader)
rules.add_perm("opinions.reply_forward", is_officer_of_forward_unit)
rules.add_perm("opinions.view_inbox", reads_an_inbox)
rules.add_perm("opinions.view_forwards", is_any_unit_officer)
# Django admin: the system administrator configures limits and recipients.
for model in ("opinionsettings", "recipient"):
    for action in ("view", "add", "change", "delete"):
        rules.add_perm(f"opinions.{action}_{model}", is_system_admin)

"""Who may do what with opinion reports. The object is a Report, a BulletinIssue, a Forward, or the Organization
(for submitting, the desk and statistics). Views, templates and the API ask these same permissions. Who may open a
report is visibility.REPORT, from which the list filter and the search readers come too."""

from __future__ import annotations

import rules
from django.core.cache import cache
from django.db.models import Q

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
from xieshang.core import generations, navigation

from .visibility import REPORT, inbox_organization_ids

is_informant = role_predicate(Role.INFORMANT)


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
    from .models import Recipient

    if not getattr(user, "is_authenticated", False):
        return False
    # Asked on every page (the menu's inbox entry): the answer is cached per user and per the conferences whose inbox
    # the user's roles read, under a version that every change of a recipient or its users moves (apps.py).
    orgs = sorted(inbox_organization_ids(user))
    version = cache.get_or_set(RECIPIENTS_VERSION, 1, None)
    key = f"xieshang:inbox-reader:{version}:{user.pk}:{','.join(map(str, orgs))}"
    answer = cache.get(key)
    if answer is None:
        answer = Recipient.objects.filter(Q(users=user) | Q(target_organization_id__in=orgs)).exists()
        cache.set(key, answer, 3600)
    return bool(answer)


RECIPIENTS_VERSION = "xieshang:recipients-version"


def forget_recipients(**kwargs) -> None:
    """Every cached "reads an inbox" answer is stale once a recipient or its list of users changed (and the menus
    that show the inbox by that answer)."""
    generations.advance(navigation.NAVIGATION_GENERATION, using=kwargs.get("using") or "default")
    try:
        cache.incr(RECIPIENTS_VERSION)
    except ValueError:
        cache.set(RECIPIENTS_VERSION, 1, None)


@rules.predicate
def is_any_unit_officer(user, obj=None) -> bool:
    return any(Role.UNIT_OFFICER in roles for roles in roles_by_organization(user).values())


may_submit = is_member | is_standing_member | is_informant | is_committee_staff | is_information_staff

rules.add_perm("opinions.submit_report", may_submit)
rules.add_perm("opinions.view_report", REPORT.predicate)
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

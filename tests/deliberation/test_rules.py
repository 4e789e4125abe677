"""Permissions as tables: role × action, for a conversation of one's own organization and of another."""

import pytest
import rules
from django.contrib.auth.models import AnonymousUser

from tests.deliberation.factories import ConversationFactory
from tests.factories import make_user
from xieshang.accounts.models import Role

STAFF = (Role.COMMITTEE_STAFF, Role.PROPOSALS_STAFF, Role.INFORMATION_STAFF)
PARTICIPANTS = (Role.MEMBER, Role.STANDING_MEMBER, Role.CITIZEN)
OTHERS = (Role.UNIT_OFFICER, Role.SUPERVISOR, Role.LEADER, Role.INFORMANT, Role.SYSTEM_ADMIN, Role.AUDIT_ADMIN)
ALL_ROLES = STAFF + PARTICIPANTS + OTHERS

# action → roles allowed on a conversation of their own organization (closed to anonymous participants)
TABLE = {
    "add_conversation": STAFF,
    "change_conversation": STAFF,
    "moderate_conversation": STAFF,
    "export_conversation": STAFF,
    "import_polis": STAFF,
    "view_conversation": ALL_ROLES,
    "view_map": ALL_ROLES,
    "vote": PARTICIPANTS,
    "add_statement": PARTICIPANTS,
}


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("action", sorted(TABLE))
def test_own_organization(organization, role, action):
    user = make_user(role, organization)
    conversation = ConversationFactory(organization=organization)
    obj = organization if action == "add_conversation" else conversation
    assert rules.has_perm(f"deliberation.{action}", user, obj) is (role in TABLE[action])


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("action", sorted(TABLE))
def test_other_organization_may_do_nothing(organization, other_organization, role, action):
    user = make_user(role, other_organization)
    conversation = ConversationFactory(organization=organization)
    obj = organization if action == "add_conversation" else conversation
    assert rules.has_perm(f"deliberation.{action}", user, obj) is False


# With anonymous participation on, anyone may see, vote and write; staff rights stay with the organization's staff.
ANONYMOUS_TABLE = {
    "view_conversation": True,
    "view_map": True,
    "vote": True,
    "add_statement": True,
    "change_conversation": False,
    "moderate_conversation": False,
    "export_conversation": False,
    "import_polis": False,
}


@pytest.mark.parametrize("action", sorted(ANONYMOUS_TABLE))
def test_anonymous_when_allowed(organization, action):
    conversation = ConversationFactory(organization=organization, allow_anonymous=True)
    assert rules.has_perm(f"deliberation.{action}", AnonymousUser(), conversation) is ANONYMOUS_TABLE[action]


@pytest.mark.parametrize("action", sorted(ANONYMOUS_TABLE))
def test_anonymous_when_not_allowed(organization, action):
    conversation = ConversationFactory(organization=organization)
    assert rules.has_perm(f"deliberation.{action}", AnonymousUser(), conversation) is False


def test_no_statements_when_submissions_are_off(organization):
    conversation = ConversationFactory(organization=organization, participants_can_submit=False)
    member = make_user(Role.MEMBER, organization)
    assert not rules.has_perm("deliberation.add_statement", member, conversation)
    assert rules.has_perm("deliberation.vote", member, conversation)

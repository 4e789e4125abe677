"""Who may do what with conversations. The object is a Conversation, or the Organization for creating one."""

import rules

from xieshang.accounts.rules import (
    is_citizen,
    is_committee_staff,
    is_information_staff,
    is_member,
    is_proposals_staff,
    is_standing_member,
)

# Staff who run conversations: committee staff organize consultations; proposals and information staff gather
# opinions too.
is_deliberation_staff = is_committee_staff | is_proposals_staff | is_information_staff
is_participant_of_organization = is_member | is_standing_member | is_citizen


@rules.predicate
def allows_anonymous(user, conversation=None) -> bool:
    return bool(conversation is not None and getattr(conversation, "allow_anonymous", False))


@rules.predicate
def allows_submissions(user, conversation=None) -> bool:
    return bool(conversation is not None and getattr(conversation, "participants_can_submit", False))


@rules.predicate
def belongs_to_organization(user, conversation=None) -> bool:
    from xieshang.accounts.selectors import user_organization_ids

    org_id = getattr(conversation, "organization_id", None)
    return org_id is not None and org_id in user_organization_ids(user)


may_take_part = is_participant_of_organization | allows_anonymous

rules.add_perm("deliberation.add_conversation", is_deliberation_staff)
rules.add_perm("deliberation.change_conversation", is_deliberation_staff)
rules.add_perm("deliberation.moderate_conversation", is_deliberation_staff)
rules.add_perm("deliberation.export_conversation", is_deliberation_staff)
rules.add_perm("deliberation.import_polis", is_deliberation_staff)
# Seeing a conversation: anyone of its organization, or anyone at all when it is open to anonymous participants
# (its link is public then). Lists and staff pages stay within the organization.
rules.add_perm("deliberation.view_conversation", belongs_to_organization | allows_anonymous)
rules.add_perm("deliberation.view_map", belongs_to_organization | allows_anonymous)
rules.add_perm("deliberation.vote", may_take_part)
rules.add_perm("deliberation.add_statement", may_take_part & allows_submissions)

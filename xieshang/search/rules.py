"""Permissions of the search app. Searching itself needs no permission beyond signing in: what each person finds is
limited row by row (services.visibility_condition)."""

import rules

from xieshang.accounts.models import Role
from xieshang.accounts.rules import (
    is_committee_staff,
    is_information_staff,
    is_proposals_staff,
    is_system_admin,
)
from xieshang.accounts.selectors import has_role


@rules.predicate
def is_platform_word(user, obj=None) -> bool:
    return obj is not None and obj.__class__.__name__ == "DictionaryWord" and obj.organization_id is None


@rules.predicate
def is_system_admin_anywhere(user, obj=None) -> bool:
    return has_role(user, Role.SYSTEM_ADMIN)


@rules.predicate
def is_signed_in(user, obj=None) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


dictionary_editor = is_proposals_staff | is_information_staff | is_committee_staff | is_system_admin
# A platform-wide word changes segmentation for every organization: only a system administrator sets one.
can_edit_word = (~is_platform_word & dictionary_editor) | (is_platform_word & is_system_admin_anywhere)

for action in ("add", "change", "delete"):
    rules.add_perm(f"search.{action}_dictionaryword", can_edit_word)
rules.add_perm("search.view_dictionaryword", can_edit_word)
rules.add_perm("search.search", is_signed_in)
rules.add_perm("search.view_routing_report", is_proposals_staff | is_system_admin)

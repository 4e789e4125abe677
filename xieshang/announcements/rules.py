"""Permissions of announcements: the conference's staff write, publish and follow them up; a recipient reads his."""

import rules

from xieshang.accounts.rules import is_conference_staff

from . import selectors


@rules.predicate
def is_recipient(user, announcement=None) -> bool:
    return announcement is not None and selectors.is_recipient(user, announcement)


# object: the organization (add) or the announcement
rules.add_perm("announcements.add_announcement", is_conference_staff)
rules.add_perm("announcements.manage_announcement", is_conference_staff)
rules.add_perm("announcements.view_announcement", is_conference_staff | is_recipient)

"""Permissions of the activities app, one per action. Organizers are the organization's committee staff (专委会
工作人员, who organize members' activities and record attendance); a member acts only on their own participation."""

import rules

from xieshang.accounts.rules import is_committee_staff, is_system_admin

from .visibility import ACTIVITY, ORGANIZER, PARTICIPANT

is_organizer = ORGANIZER.predicate  # object: an activity, or a participation (its activity)
is_own_participation = PARTICIPANT.predicate


# object: the organization
rules.add_perm("activities.add_activity", is_committee_staff)
# object: the activity
rules.add_perm("activities.view_activity", ACTIVITY.predicate)
for action in (
    "change_activity",
    "invite",
    "publish",
    "cancel",
    "mark_held",
    "close",
    "record_attendance",
    "show_checkin_code",
    "add_output",
):
    rules.add_perm(f"activities.{action}", is_organizer)
# object: a participation
rules.add_perm("activities.sign_up", is_own_participation)
rules.add_perm("activities.request_leave", is_own_participation)
rules.add_perm("activities.check_in", is_own_participation)
rules.add_perm("activities.decide_leave", is_organizer)
rules.add_perm("activities.record_amounts", is_organizer)

# Kinds are configuration: the system administrator edits them in the admin (a staff page is for later).
for action in ("view", "add", "change", "delete"):
    rules.add_perm(f"activities.{action}_activitykind", is_system_admin)

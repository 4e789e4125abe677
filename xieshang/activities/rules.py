"""Permissions of the activities app, one per action. Organizers are the organization's committee staff (专委会
工作人员, who organize members' activities and record attendance); a member acts only on their own participation."""

import rules

from xieshang.accounts.rules import belongs_to_object_organization, is_citizen, is_committee_staff, is_system_admin

from .visibility import ACTIVITY, ORGANIZER, PARTICIPANT

is_organizer = ORGANIZER.predicate  # object: an activity, or a participation (its activity)
is_own_participation = PARTICIPANT.predicate


# object: the organization
rules.add_perm("activities.add_activity", is_committee_staff)
# Object: the organization. The kinds of activity and their points (the points through duties.manage_rules).
rules.add_perm("activities.manage_kinds", is_committee_staff)
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


@rules.predicate
def is_on_duty(user, obj) -> bool:
    """A member on duty at the reception (or at the issue's reception): invited to its activity."""
    reception = getattr(obj, "reception", obj)
    return reception is not None and reception.activity.participations.filter(member_id=user.pk).exists()


@rules.predicate
def is_own_booking(user, booking) -> bool:
    return booking is not None and booking.resident_id == user.pk


# object: the organization (experts, studios), the activity (groups, visits), a studio, a reception, an issue
rules.add_perm("activities.manage_experts", is_committee_staff)
rules.add_perm("activities.manage_groups", is_committee_staff)
rules.add_perm("activities.record_visit", is_committee_staff)
rules.add_perm("activities.manage_studios", is_committee_staff)
rules.add_perm("activities.view_studio", belongs_to_object_organization)
rules.add_perm("activities.book_reception", is_citizen)
rules.add_perm("activities.cancel_booking", is_own_booking)
rules.add_perm("activities.record_issue", is_on_duty | is_committee_staff)
rules.add_perm("activities.turn_issue", is_on_duty)

# Kinds are configuration: the system administrator edits them in the admin (a staff page is for later).
for action in ("view", "add", "change", "delete"):
    rules.add_perm(f"activities.{action}_activitykind", is_system_admin)

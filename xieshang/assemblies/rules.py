"""Permissions of the sessions app, one per action. Committee staff (专委会工作人员, who run the meetings and record
attendance) manage; an invited member acts on their own attendance and submits speeches."""

import rules

from xieshang.accounts.rules import is_committee_staff

from .visibility import SESSION


@rules.predicate
def is_own_attendance(user, attendance) -> bool:
    return attendance is not None and attendance.member_id == user.pk


@rules.predicate
def is_staff_of_attendance(user, attendance) -> bool:
    return attendance is not None and is_committee_staff.test(user, attendance.session)


@rules.predicate
def is_invited(user, session) -> bool:
    return session is not None and session.attendances.filter(member_id=user.pk).exists()


@rules.predicate
def is_staff_of_speech(user, speech) -> bool:
    return speech is not None and is_committee_staff.test(user, speech.session)


# object: the organization
rules.add_perm("assemblies.add_session", is_committee_staff)
# object: the session
rules.add_perm("assemblies.view_session", SESSION.predicate)
for action in (
    "change_session",
    "invite",
    "publish",
    "close",
    "add_agenda",
    "add_document",
    "record_attendance",
    "show_checkin_code",
    "record_vote",
):
    rules.add_perm(f"assemblies.{action}", is_committee_staff)
rules.add_perm("assemblies.submit_speech", is_invited)
# object: an attendance
rules.add_perm("assemblies.request_leave", is_own_attendance)
rules.add_perm("assemblies.check_in", is_own_attendance)
rules.add_perm("assemblies.decide_leave", is_staff_of_attendance)
# object: a speech
rules.add_perm("assemblies.select_speech", is_staff_of_speech)
rules.add_perm("assemblies.deliver_speech", is_staff_of_speech)

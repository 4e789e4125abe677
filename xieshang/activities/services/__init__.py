"""Every write of the activities app, by topic; callers write `from xieshang.activities import services`."""

from .attendance import (
    amounts_record,
    attendance_record,
    checkin_activity,
    checkin_token,
    checkin_window,
    participation_check_in,
)
from .credit import credit_attendance
from .groups import expert_add, group_create
from .importing import attendance_import
from .kinds import KindValues, kind_save
from .outputs import output_add
from .planning import (
    activity_cancel,
    activity_close,
    activity_create,
    activity_invite,
    activity_mark_held,
    activity_publish,
)
from .signup import participation_decide_leave, participation_request_leave, participation_sign_up
from .studios import (
    booking_cancel,
    booking_make,
    issue_record,
    issue_turn,
    reception_schedule,
    studio_create,
)
from .visits import Recommendation, visit_recommend, visit_record

__all__ = [
    "KindValues",
    "Recommendation",
    "booking_cancel",
    "booking_make",
    "expert_add",
    "group_create",
    "issue_record",
    "kind_save",
    "issue_turn",
    "reception_schedule",
    "studio_create",
    "visit_recommend",
    "visit_record",
    "activity_cancel",
    "activity_close",
    "activity_create",
    "activity_invite",
    "activity_mark_held",
    "activity_publish",
    "amounts_record",
    "attendance_import",
    "attendance_record",
    "checkin_activity",
    "checkin_token",
    "checkin_window",
    "credit_attendance",
    "output_add",
    "participation_check_in",
    "participation_decide_leave",
    "participation_request_leave",
    "participation_sign_up",
]

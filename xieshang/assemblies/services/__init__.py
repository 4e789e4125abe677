"""Every write of the sessions app, by topic; callers write `from xieshang.assemblies import services`."""

from .attendance import (
    attendance_check_in,
    attendance_decide_leave,
    attendance_record,
    attendance_request_leave,
    checkin_session,
    checkin_token,
    checkin_window,
)
from .credit import credit_absence, credit_attendance, credit_speech_delivered, credit_speech_submitted
from .meeting import agenda_add, document_add
from .planning import absences_record, session_close, session_create, session_invite, session_publish
from .speeches import speech_deliver, speech_select, speech_submit
from .votes import vote_record

__all__ = [
    "absences_record",
    "agenda_add",
    "attendance_check_in",
    "attendance_decide_leave",
    "attendance_record",
    "attendance_request_leave",
    "checkin_session",
    "checkin_token",
    "checkin_window",
    "credit_absence",
    "credit_attendance",
    "credit_speech_delivered",
    "credit_speech_submitted",
    "document_add",
    "session_close",
    "session_create",
    "session_invite",
    "session_publish",
    "speech_deliver",
    "speech_select",
    "speech_submit",
    "vote_record",
]

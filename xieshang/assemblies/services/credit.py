"""Duty credit for sessions, through the duties app's one service, dated at the meeting's date whatever day it was
recorded: attending, unexcused absence (a negative entry), a written speech and an oral one. Idempotent: duties keeps
one entry per (member, rule, source), and the source is the attendance or the speech."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from xieshang.duties.services import duty_credit

from ..defaults import ABSENT_RULE, ATTEND_RULE, SPEECH_DELIVERED_RULE, SPEECH_SUBMITTED_RULE
from ..models import Attendance, Speech

if TYPE_CHECKING:
    from xieshang.duties.services import DutyEntry  # the services return its rows; the models are not ours to import


def _credit(source: Attendance | Speech, rule_key: str, label: str, actor: Any) -> DutyEntry | None:
    session = source.session
    return duty_credit(
        member=source.member,
        organization=session.organization_id,
        rule_key=rule_key,
        source=source,
        occurred_on=session.occurred_on,
        source_label=f"{session.get_kind_display()}：{session.title}{label}",
        source_url=session.get_absolute_url(),
        actor=actor,
    )


def credit_attendance(attendance: Attendance, *, actor: Any = None) -> DutyEntry | None:
    return _credit(attendance, ATTEND_RULE[attendance.session.kind], "", actor)


def credit_absence(attendance: Attendance, *, actor: Any = None) -> DutyEntry | None:
    """The duty rules' penalty for an unexcused absence: a negative entry, once per attendance."""
    return _credit(attendance, ABSENT_RULE[attendance.session.kind], "", actor)


def credit_speech_submitted(speech: Speech, *, actor: Any = None) -> DutyEntry | None:
    return _credit(speech, SPEECH_SUBMITTED_RULE, f"（{speech.title}）", actor)


def credit_speech_delivered(speech: Speech, *, actor: Any = None) -> DutyEntry | None:
    return _credit(speech, SPEECH_DELIVERED_RULE, f"（{speech.title}）", actor)

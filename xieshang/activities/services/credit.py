"""Duty credit for an attended activity, through the duties app's one service: the kind's attendance rule, plus its
leader rule for the organizer or group leader; dated at the activity's date, whatever day attendance was recorded.
Idempotent: duties keeps one entry per (member, rule, source), and the source is the participation."""

from __future__ import annotations

from typing import TYPE_CHECKING

from xieshang.duties.services import Credit, credit_many, duty_credit

from ..models import Activity, Participation

if TYPE_CHECKING:
    from xieshang.accounts.models import User
    from xieshang.duties.services import DutyEntry  # the services return its rows; the models are not ours to import


def _rule_keys(participation: Participation) -> list[str]:
    kind = participation.activity.kind
    keys = [kind.attendance_rule_key]
    if participation.part == Participation.Part.LEADER and kind.leader_rule_key:
        keys.append(kind.leader_rule_key)
    return keys


def credit_attendances(activity: Activity, participations: list[Participation], *, actor: User | None = None) -> int:
    """credit_attendance for many participations of one activity, in a constant number of queries (an imported
    sheet); returns how many entries were written."""
    label, url = f"{activity.kind.name}：{activity.title}", activity.get_absolute_url()
    credits: list[Credit] = []
    for participation in participations:
        participation.activity = activity
        credits.extend(
            Credit(participation.member, key, participation, activity.occurred_on, label, url)
            for key in _rule_keys(participation)
        )
    return len(credit_many(organization=activity.organization_id, credits=credits, actor=actor))


def credit_attendance(participation: Participation, *, actor: User | None = None) -> list[DutyEntry]:
    activity = participation.activity
    kind = activity.kind
    entries: list[DutyEntry] = []
    for key in _rule_keys(participation):
        entry = duty_credit(
            member=participation.member,
            organization=activity.organization_id,
            rule_key=key,
            source=participation,
            occurred_on=activity.occurred_on,
            source_label=f"{kind.name}：{activity.title}",
            source_url=activity.get_absolute_url(),
            actor=actor,
        )
        if entry is not None:
            entries.append(entry)
    return entries

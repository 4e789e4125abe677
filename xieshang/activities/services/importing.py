"""Attendance imported from an Excel sheet (a paper sign-in list typed up, or another system's export): every row is
checked first, and one wrong row refuses the whole file with the row's number and what is wrong — nothing saved.

The sheet: the first row is a header; then one row per member with the columns
    A 委员 (name, username or phone)   B 出勤 (出席 / 缺席)   C 捐款（元）   D 捐物折价（元）   E 志愿服务（小时）
    F 动员社会捐赠（元） (optional)
C–F only where the activity's kind records donations or volunteer hours; empty cells leave the amounts as they are."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from xieshang.audit.services import audit_record
from xieshang.core.names import named
from xieshang.core.uploads import validate_upload

from ..models import Activity, ActivityKind, Participation
from ._base import now, require
from .attendance import ATTENDABLE, checkin_window
from .credit import credit_attendances

if TYPE_CHECKING:
    from xieshang.accounts.models import User

Status = Participation.Status
ATTENDED_WORDS = {"出席", "已出席", "参加", "是", "1", "attended", "present", "yes"}
ABSENT_WORDS = {"缺席", "未出席", "否", "0", "absent", "no"}
MAX_ROWS = 5000


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _amount(value: object, label: str, problems: list[str]) -> Decimal | None:
    text = _text(value)
    if not text:
        return None
    try:
        amount = Decimal(text)
    except InvalidOperation:
        problems.append(_("%(label)s“%(value)s”不是数字") % {"label": label, "value": text})
        return None
    if amount < 0:
        problems.append(_("%(label)s不能为负数") % {"label": label})
    return amount


def _rows(file: Any) -> list[tuple[Any, ...]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any unreadable workbook is the same refusal for the user
        raise ValidationError({"file": _("无法读取该 Excel 文件，请上传 .xlsx 格式的出勤表。")}) from None
    sheet = workbook.worksheets[0]
    rows = list(sheet.iter_rows(min_row=2, max_col=6, values_only=True))
    workbook.close()
    return rows


def attendance_import(*, actor: User, activity: Activity, file: Any) -> dict[str, int]:
    """Check every row, then record them all (attendance credited as a check-in is); returns the counts."""
    require(actor, "activities.record_attendance", activity)
    if activity.state not in ATTENDABLE:
        raise ValidationError(_("活动%(state)s，不能登记出勤。") % {"state": activity.get_state_display()})
    if now() < checkin_window(activity)[0]:
        raise ValidationError(_("活动尚未开始，不能登记出勤。"))
    validate_upload(file, allowed=("xlsx",), max_mb=10)
    rows = _rows(file)
    if len(rows) > MAX_ROWS:
        raise ValidationError({"file": _("一次最多导入 %(n)d 行。") % {"n": MAX_ROWS}})
    plan = _plan(activity, rows)
    with transaction.atomic():
        counts = _record(actor, activity, plan)
        audit_record(actor=actor, action="activities.import_attendance", obj=activity, detail=counts)
    return counts


Planned = tuple[Participation, bool, dict[str, Decimal]]


def _members_by_key(activity: Activity) -> dict[str, list[Participation]]:
    """The invited members' participations by each way a sheet may name them (username, phone, name)."""
    by_key: dict[str, list[Participation]] = {}
    for p in activity.participations.select_related("member"):
        for key in {p.member.username, p.member.phone, p.member.name}:
            if key:
                by_key.setdefault(key, []).append(p)
    return by_key


def _plan(activity: Activity, rows: Sequence[Sequence[Any]]) -> list[Planned]:
    """Every row checked; ValidationError listing each wrong row, or what to record."""
    by_key = _members_by_key(activity)
    errors: list[str] = []
    plan: list[Planned] = []
    seen: dict[int, int] = {}
    for number, row in enumerate(rows, start=2):
        row = tuple(row) + (None,) * (6 - len(row))
        if all(_text(v) == "" for v in row):
            continue
        problems: list[str] = []
        participation = _member(_text(row[0]), by_key, seen, number, problems)
        attended = _attendance(_text(row[1]), participation, problems)
        amounts = _amounts(activity.kind, row, problems)
        if problems:
            errors.append(_("第 %(n)d 行：%(problems)s。") % {"n": number, "problems": "；".join(problems)})
        else:
            # No problem reported: _member found the participation and _attendance read the status.
            assert participation is not None and attended is not None
            plan.append((participation, attended, amounts))
    if errors:
        raise ValidationError({"file": errors})
    if not plan:
        raise ValidationError({"file": _("表中没有出勤记录：第一行为表头，从第二行起每行一位委员。")})
    return plan


def _member(
    who: str, by_key: dict[str, list[Participation]], seen: dict[int, int], number: int, problems: list[str]
) -> Participation | None:
    found = by_key.get(who, [])
    if not who:
        problems.append(_("未填写委员"))
    elif not found:
        problems.append(_("“%(who)s”不在本次活动的邀请名单中") % {"who": who})
    elif len({p.pk for p in found}) > 1:
        problems.append(_("“%(who)s”对应多位委员，请改填手机号") % {"who": who})
    else:
        participation = found[0]
        if participation.pk in seen:
            problems.append(_("与第 %(n)d 行是同一位委员") % {"n": seen[participation.pk]})
        seen.setdefault(participation.pk, number)
        return participation
    return None


def _attendance(status: str, participation: Participation | None, problems: list[str]) -> bool | None:
    if status.lower() in ATTENDED_WORDS:
        return True
    if status.lower() not in ABSENT_WORDS:
        problems.append(_("出勤应填“出席”或“缺席”"))
        return None
    if participation is not None and participation.status == Status.ATTENDED:
        problems.append(_("%(name)s 已出席并记入履职档案，不能改为缺席") % {"name": participation.member})
    return False


def _amounts(kind: ActivityKind, row: Sequence[Any], problems: list[str]) -> dict[str, Decimal]:
    amounts = {
        "donation_money": _amount(row[2], _("捐款"), problems),
        "donation_goods": _amount(row[3], _("捐物"), problems),
        "volunteer_hours": _amount(row[4], _("志愿服务时长"), problems),
        "donation_mobilised": _amount(row[5], _("动员社会捐赠"), problems),
    }
    gifts = ("donation_money", "donation_goods", "donation_mobilised")
    if not kind.uses_donation and any(amounts[k] is not None for k in gifts):
        problems.append(_("“%(kind)s”类活动不登记捐款捐物") % {"kind": named(kind.name)})
    if not kind.uses_volunteer and amounts["volunteer_hours"] is not None:
        problems.append(_("“%(kind)s”类活动不登记志愿服务时长") % {"kind": named(kind.name)})
    return {k: v for k, v in amounts.items() if v is not None}


def _record(actor: User, activity: Activity, plan: list[Planned]) -> dict[str, int]:
    """Lock the activity's participation rows once, write the statuses in two statements and the amounts in one
    bulk update, then credit the new attendances in one batch (duties.credit_many keeps one entry per member, rule
    and source): a constant number of queries whatever the sheet's length. An absence recorded for a member whose
    leave was approved keeps the approved leave: it is not counted as an absence."""
    counts = {"attended": 0, "absent": 0, "on_leave": 0}
    current = dict(activity.participations.select_for_update().values_list("pk", "status"))
    newly_attended = [p for p, attended, _a in plan if attended and current[p.pk] != Status.ATTENDED]
    newly_absent = [
        p.pk for p, attended, _a in plan if not attended and current[p.pk] not in (Status.ABSENT, Status.LEAVE_APPROVED)
    ]
    Participation.objects.filter(pk__in=[p.pk for p in newly_attended]).update(
        status=Status.ATTENDED, checked_in_at=None, recorded_by=actor
    )
    Participation.objects.filter(pk__in=newly_absent).update(status=Status.ABSENT, recorded_by=actor)
    by_field: dict[str, list[Participation]] = {}
    for participation, attended, amounts in plan:
        if attended:
            counts["attended"] += 1
        else:
            counts["on_leave" if current[participation.pk] == Status.LEAVE_APPROVED else "absent"] += 1
        for name, value in amounts.items():
            setattr(participation, name, value)
            by_field.setdefault(name, []).append(participation)
    for name, rows in by_field.items():
        Participation.objects.bulk_update(rows, [name], batch_size=500)
    for participation in newly_attended:
        participation.status = Status.ATTENDED
    credit_attendances(activity, newly_attended, actor=actor)
    return counts

"""Sending up and instructions: 报送 to recipients (the organization's party committee and government, the
conferences above it), 转办 to bureaus and their replies, and the leaders' instructions (批示) on what was sent.

Each writes its rows first and then takes the transition that records them: the transitions' conditions
(roles.py) check that rows back what the event says, so they cannot be taken anywhere else without them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xieshang.accounts.models import HandlingUnit, Organization, Role, User
from xieshang.accounts.selectors import users_with_role
from xieshang.core import services as core
from xieshang.instructions.models import Instruction
from xieshang.workflow import services as workflow

from ..models import BulletinIssue, Dispatch, Forward, Level, Recipient, Report
from ..selectors import instruction_leader
from ._base import lock, notify_after_commit, published, refresh, require
from .adoption import check_recordable, credit_authors


def recipients_ensure_defaults(organization: Organization) -> list[Recipient]:
    """The organization's recipients; the first call creates the usual ones from the hierarchy: its own party
    committee and government, then each conference up the parent chain."""
    org = organization if isinstance(organization, Organization) else Organization.objects.get(pk=organization)
    existing = list(Recipient.objects.filter(organization=org).order_by("order", "id"))
    if existing:
        return existing
    region = org.region.split("省")[-1] if org.region else org.short_name
    specs: list[tuple[str, Level, Organization | None]] = [
        (_("中共%(region)s委员会") % {"region": region}, Level.OWN, None),
        (_("%(region)s人民政府") % {"region": region}, Level.OWN, None),
    ]
    level_of = {"city": Level.CITY, "provincial": Level.PROVINCIAL, "national": Level.NATIONAL}
    for ancestor in org.ancestors():
        if ancestor.level in level_of:
            specs.append((ancestor.name, level_of[ancestor.level], ancestor))
    with transaction.atomic():
        return [
            Recipient.objects.get_or_create(
                organization=org, name=name, defaults={"level": level, "target_organization": target, "order": i * 10}
            )[0]
            for i, (name, level, target) in enumerate(specs)
        ]


def _inbox_users(recipients: Iterable[Recipient]) -> list[User]:
    people = {}
    for recipient in recipients:
        for user in recipient.users.all():
            people[user.pk] = user
        if recipient.target_organization_id:
            for user in users_with_role(recipient.target_organization_id, Role.INFORMATION_STAFF):
                people[user.pk] = user
    return list(people.values())


def _new_dispatches(
    locked: Report, recipients: Iterable[Recipient], *, actor: User, now: datetime, note: str
) -> list[Dispatch]:
    already = set(locked.dispatches.values_list("recipient_id", flat=True))
    new = []
    for recipient in recipients:
        if recipient.organization_id != locked.organization_id or not recipient.is_active:
            raise ValidationError({"recipients": _("“%(name)s”不是本组织的报送对象。") % {"name": recipient}})
        if recipient.pk not in already:
            new.append(
                Dispatch(
                    report=locked, recipient=recipient, level=recipient.level, sent_at=now, sent_by=actor, note=note
                )
            )
    if not new:
        raise ValidationError({"recipients": _("已报送过所选对象。")})
    return new


def report_send(
    *, actor: User, report: Report, recipients: Iterable[Recipient], note: str = "", sent_at: datetime | None = None
) -> list[Dispatch]:
    """报送 to recipients it has not gone to yet; returns the new Dispatch rows."""
    require("opinions.manage_report", actor, report)
    recipients = list(recipients)
    if not recipients:
        raise ValidationError({"recipients": _("请选择报送对象。")})
    now = sent_at or timezone.now()
    with transaction.atomic():
        locked = lock(report)
        if not published(locked):
            raise ValidationError(
                {"recipients": _("信息刊发后才能报送（当前状态：%(state)s）。") % {"state": locked.state}}
            )
        new = _new_dispatches(locked, recipients, actor=actor, now=now, note=note[:200])
        Dispatch.objects.bulk_create(new)
        workflow.transition(
            actor=actor,
            obj=locked,
            transition_key="send_up",
            payload={"recipients": "、".join(d.recipient.name for d in new)},
        )
        notify_after_commit(
            recipients=lambda: _inbox_users([d.recipient for d in new]),
            kind="opinions.received",
            title=lambda: _("收到社情民意信息：%(title)s") % {"title": locked.title},
            url=locked.get_absolute_url(),
            organization=locked.organization_id,
        )
    refresh(report, locked)
    return new


def issue_send(*, actor: User, issue: BulletinIssue, recipients: Iterable[Recipient], note: str = "") -> int:
    """Send every report of a published issue to the recipients; returns how many dispatches were made."""
    require("opinions.manage_issue", actor, issue)
    recipients = list(recipients)
    if not recipients:
        raise ValidationError({"recipients": _("请选择报送对象。")})
    if issue.status != BulletinIssue.Status.PUBLISHED:
        raise ValidationError({"recipients": _("刊物刊发后才能报送。")})
    made = 0
    with transaction.atomic():
        for report in Report.objects.filter(issue=issue).select_related("state"):
            todo = [r for r in recipients if not report.dispatches.filter(recipient=r).exists()]
            if todo and published(report):
                made += len(report_send(actor=actor, report=report, recipients=todo, note=note))
    if not made:
        raise ValidationError({"recipients": _("本期信息已报送过所选对象。")})
    return made


def report_forward(
    *, actor: User, report: Report, units: Iterable[HandlingUnit], note: str = "", forwarded_at: datetime | None = None
) -> list[Forward]:
    """转办 to bureaus, which reply on their own page."""
    require("opinions.manage_report", actor, report)
    units = list(units)
    if not units:
        raise ValidationError({"units": _("请选择承办单位。")})
    now = forwarded_at or timezone.now()
    with transaction.atomic():
        locked = lock(report)
        if not published(locked):
            raise ValidationError({"units": _("信息刊发后才能转办（当前状态：%(state)s）。") % {"state": locked.state}})
        already = set(locked.forwards.values_list("unit_id", flat=True))
        new = []
        for unit in units:
            if unit.organization_id != locked.organization_id:
                raise ValidationError({"units": _("“%(name)s”不是本组织的承办单位。") % {"name": unit}})
            if unit.pk not in already:
                new.append(Forward(report=locked, unit=unit, forwarded_at=now, forwarded_by=actor, note=note[:300]))
        if not new:
            raise ValidationError({"units": _("已转办过所选单位。")})
        Forward.objects.bulk_create(new)
        workflow.transition(
            actor=actor, obj=locked, transition_key="forward", payload={"units": "、".join(f.unit.name for f in new)}
        )
    refresh(report, locked)
    return new


def forward_reply(*, actor: User, forward: Forward, text: str, replied_at: datetime | None = None) -> Forward:
    require("opinions.reply_forward", actor, forward)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"reply": _("请填写办理回复。")})
    with transaction.atomic():
        locked = core.lock(forward)
        if locked.replied_at is not None:
            at = timezone.localtime(locked.replied_at).strftime("%Y-%m-%d")
            raise ValidationError({"reply": _("本单位已于 %(at)s 回复。") % {"at": at}})
        locked.reply, locked.replied_at, locked.replied_by = text, replied_at or timezone.now(), actor
        locked.save(update_fields=["reply", "replied_at", "replied_by"])
        workflow.transition(actor=actor, obj=locked.report, transition_key="reply", payload={"unit": locked.unit.name})
    return locked


def _instruction_errors(level: str, text: str, leader_name: str, instructed_on: date) -> dict[str, str]:
    errors = {}
    if not leader_name:
        errors["leader_name"] = _("请填写批示领导（选择平台用户或填写姓名）。")
    if level not in Level.values:
        errors["level"] = _("请选择领导层级。")
    if not (text or "").strip():
        errors["text"] = _("请填写批示内容。")
    if instructed_on > timezone.localdate():
        errors["instructed_on"] = _("批示日期不能晚于今天。")
    return errors


def instruction_record(
    *,
    actor: User,
    report: Report,
    level: str,
    text: str,
    instructed_on: date | None = None,
    leader: Any = None,
    leader_name: str = "",
    leader_title: str = "",
) -> Instruction:
    """批示 by a leader (a platform user, or a leader named with level and title); credits every author."""
    require("opinions.manage_report", actor, report)
    leader_name = (leader_name or "").strip() or (leader.display_name if leader is not None else "")
    instructed_on = instructed_on or timezone.localdate()
    errors = _instruction_errors(level, text, leader_name, instructed_on)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = lock(report)
        check_recordable(locked, "text", instruction=True)
        reached = set(locked.dispatches.values_list("level", flat=True))
        if locked.forwards.exists():
            reached.add(Level.OWN)  # the bureaus of its own government
        if level not in reached:
            raise ValidationError(
                {"level": _("本信息未曾报送“%(level)s”，不能记录该层级领导的批示。") % {"level": Level(level).label}}
            )
        instruction = Instruction.objects.create(
            subject=locked,
            leader=leader,
            leader_name=leader_name[:60],
            leader_title=(leader_title or "").strip()[:80],
            level=level,
            text=text.strip(),
            instructed_on=instructed_on,
            recorded_by=actor,
        )
        workflow.transition(
            actor=actor,
            obj=locked,
            transition_key="instruct",
            payload={"leader": instruction_leader(instruction), "level": str(Level(level).label)},
        )
        credit_authors(
            actor=actor,
            report=locked,
            rule_key=f"opinion_instruction_{level}",
            source=instruction,
            occurred_on=instructed_on,
            note=_("%(leader)s批示") % {"leader": instruction.leader_name},
        )
    refresh(report, locked)
    return instruction

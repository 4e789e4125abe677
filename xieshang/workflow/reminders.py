"""Deadline warnings and overdue escalation (催办) for every model that runs through a workflow.

Run once a day (manage.py workflow_reminders, or the send_due_reminders task). Rules, per object in a state with a
due date:
- warning: once per (state, due date), on the first working day when at most state.warn_before working days remain;
  in-app to the state's responsible roles;
- overdue: on the first working day after the due date, then again every state.warn_after_every working days
  (never again when 0); the object is flagged overdue, an escalation event joins its timeline, and the responsible
  and escalate roles are told in-app and by SMS.
Each reminder sent is a Reminder row, unique per object/state/kind/day, so reruns the same day send nothing and a
concurrent run loses on the unique constraint. Nothing is sent on days off."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xieshang.core.names import named
from xieshang.notifications.services import notify

from .calendar import is_workday, working_days_between
from .models import Reminder, WorkflowEvent
from .selectors import workflow_models
from .services import object_url, record_event, users_for_roles

logger = logging.getLogger(__name__)


@dataclass
class ReminderReport:
    day: date
    warnings: int = 0
    overdue: int = 0
    skipped_day_off: bool = False
    errors: list[str] = field(default_factory=list)


def send_due_reminders(today: date | None = None, *, force: bool = False) -> ReminderReport:
    today = today or timezone.localdate()
    report = ReminderReport(day=today)
    if not force and not is_workday(today):
        report.skipped_day_off = True
        return report
    for model in workflow_models():
        candidates = (
            model._default_manager.filter(due_on__isnull=False, state__isnull=False, state__is_final=False)
            .select_related("state", "workflow")
            .order_by("pk")
        )
        ct = ContentType.objects.get_for_model(model, for_concrete_model=True)
        for obj in candidates.iterator(chunk_size=500):
            try:
                kind = _due_kind(obj, ct, today)
                if kind is not None and _send(obj, ct, kind, today):
                    if kind == Reminder.Kind.WARNING:
                        report.warnings += 1
                    else:
                        report.overdue += 1
            except Exception as exc:  # one broken object must not stop everyone else's reminders
                logger.exception("workflow reminder failed for %s %s", model._meta.label, obj.pk)
                report.errors.append(f"{model._meta.label}:{obj.pk}: {exc}")
    return report


def _due_kind(obj: Any, ct: Any, today: date) -> str | None:
    state = obj.state
    if obj.due_on < today:
        previous = (
            Reminder.objects.filter(
                content_type=ct, object_id=obj.pk, state=state, kind=Reminder.Kind.OVERDUE, due_on=obj.due_on
            )
            .order_by("-day")
            .values_list("day", flat=True)
            .first()
        )
        if previous is None:
            return Reminder.Kind.OVERDUE
        if state.warn_after_every and working_days_between(previous, today) >= state.warn_after_every:
            return Reminder.Kind.OVERDUE
        return None
    if state.warn_before and working_days_between(today, obj.due_on) <= state.warn_before:
        already = Reminder.objects.filter(
            content_type=ct, object_id=obj.pk, state=state, kind=Reminder.Kind.WARNING, due_on=obj.due_on
        ).exists()
        return None if already else Reminder.Kind.WARNING
    return None


def _send(obj: Any, ct: Any, kind: str, today: date) -> bool:
    state = obj.state
    overdue = kind == Reminder.Kind.OVERDUE
    roles = list(state.responsible_roles or ())
    if overdue:
        roles += [r for r in state.escalate_roles or () if r not in roles]
    recipients = users_for_roles(obj, roles)
    try:
        with transaction.atomic():
            model = type(obj)
            # Lock and re-check: a transition committed since the scan must not be nagged about.
            locked = model._default_manager.select_for_update().get(pk=obj.pk)
            if locked.state_id != obj.state_id or locked.due_on != obj.due_on:
                return False
            Reminder.objects.create(
                content_type=ct,
                object_id=obj.pk,
                state=state,
                kind=kind,
                day=today,
                due_on=obj.due_on,
                recipients=len(recipients),
            )
            if overdue:
                days_late = working_days_between(obj.due_on, today)
                if not locked.overdue:
                    locked.overdue = True
                    locked.save(update_fields=["overdue"])
                record_event(
                    obj=locked,
                    kind=WorkflowEvent.Kind.ESCALATION,
                    actor=None,
                    from_state=state,
                    to_state=state,
                    transition_obj=None,
                    payload={"due_on": obj.due_on.isoformat(), "working_days_late": days_late},
                    reason="",
                    at=timezone.now(),
                )
                title, body = partial(_overdue_title, obj), partial(_overdue_body, state.name, obj.due_on, days_late)
            else:
                left = working_days_between(today, obj.due_on)
                title, body = partial(_warning_title, obj), partial(_warning_body, state.name, obj.due_on, left)
            if recipients:
                notify(
                    recipients=recipients,
                    kind=f"workflow.{obj.workflow.key}.{kind}",
                    title=title,
                    body=body,
                    url=object_url(obj),
                    organization=getattr(obj, "organization_id", None),
                    force_sms=overdue,
                )
    except IntegrityError:
        # Another run sent this reminder today.
        return False
    return True


# Reminder texts, rendered by notify in each recipient's language (the state's name through core.names.named).
def _overdue_title(obj: Any) -> str:
    return _("催办：%(obj)s 已超期") % {"obj": obj}


def _overdue_body(state_name: str, due: date, days: int) -> str:
    names = {"state": named(state_name), "due": due.isoformat(), "days": days}
    return _("“%(state)s”环节应于 %(due)s 前办结，已超期 %(days)s 个工作日。") % names


def _warning_title(obj: Any) -> str:
    return _("到期提醒：%(obj)s") % {"obj": obj}


def _warning_body(state_name: str, due: date, days: int) -> str:
    names = {"state": named(state_name), "due": due.isoformat(), "days": days}
    return _("“%(state)s”环节将于 %(due)s 到期，还剩 %(days)s 个工作日。") % names

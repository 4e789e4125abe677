"""Recording in the registers. Staff record by hand; a domain app records a matter done from its own record
(record_matter_from), idempotently."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xieshang.accounts.models import Organization, User
from xieshang.core.services import lock, require, text_error

from ..models import Matter, PartyReport, VisitorGroup


def _text(value: str, limit: int, label: str) -> str:
    value = (value or "").strip()
    message = text_error(value, limit, label)
    if message:
        raise ValidationError(message)
    return value


def _not_future(day: date, label: str) -> date:
    if day > timezone.localdate():
        raise ValidationError(_("%(label)s不能晚于今天。") % {"label": label})
    return day


def record_party_report(
    actor: User,
    organization: Organization,
    *,
    reported_on: date,
    subject: str,
    form: str,
    reported_to: str,
    summary: str = "",
) -> PartyReport:
    require(actor, "registers.record", organization)
    return PartyReport.objects.create(
        organization=organization,
        reported_on=_not_future(reported_on, _("报告日期")),
        subject=_text(subject, 200, _("报告事项")),
        form=form,
        reported_to=_text(reported_to, 120, _("报告对象")),
        summary=(summary or "").strip(),
        recorded_by=actor,
    )


def record_reply(actor: User, report: PartyReport, *, reply: str, replied_on: date) -> PartyReport:
    require(actor, "registers.record", report.organization)
    with transaction.atomic():
        locked = lock(report)
        if replied_on < locked.reported_on:
            raise ValidationError(_("答复日期不能早于报告日期。"))
        locked.reply = _text(reply, 4000, _("批复或答复"))
        locked.replied_on = _not_future(replied_on, _("答复日期"))
        locked.save(update_fields=["reply", "replied_on"])
    return locked


def record_matter(
    actor: User,
    organization: Organization,
    *,
    title: str,
    done_on: date,
    source: str = Matter.Source.OTHER,
    place: str = "",
    note: str = "",
) -> Matter:
    require(actor, "registers.record", organization)
    return Matter.objects.create(
        organization=organization,
        title=_text(title, 200, _("事项")),
        done_on=_not_future(done_on, _("办结日期")),
        source=source,
        place=(place or "").strip()[:80],
        note=(note or "").strip(),
        recorded_by=actor,
    )


def record_matter_from(
    record: Any, *, organization_id: int, title: str, done_on: date, source: str, place: str = ""
) -> Matter:
    """The matter a domain record stands for (a room topic carried out …), once: a second call returns the row."""
    source_type = ContentType.objects.get_for_model(record)
    existing = Matter.objects.filter(source_type=source_type, source_id=record.pk).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            return Matter.objects.create(
                organization_id=organization_id,
                title=title[:200],
                done_on=done_on,
                source=source,
                place=place[:80],
                source_type=source_type,
                source_id=record.pk,
                source_url=record.get_absolute_url(),
            )
    except IntegrityError:  # recorded at the same moment by another transaction
        return Matter.objects.get(source_type=source_type, source_id=record.pk)


def record_visitor_group(
    actor: User,
    organization: Organization,
    *,
    visited_on: date,
    name: str,
    people: int,
    origin: str = VisitorGroup.Origin.LOCAL,
    received_by: str = "",
    note: str = "",
) -> VisitorGroup:
    """A visitor group received at the culture-and-history hall (文史馆), recorded by staff."""
    require(actor, "registers.record", organization)
    if origin not in VisitorGroup.Origin.values:
        raise ValidationError(_("请选择来访团组来自哪里。"))
    if not people or people < 1:
        raise ValidationError(_("参观人数至少为 1 人。"))
    return VisitorGroup.objects.create(
        organization=organization,
        visited_on=_not_future(visited_on, _("参观日期")),
        name=_text(name, 120, _("来访单位或团组")),
        origin=origin,
        people=people,
        received_by=(received_by or "").strip()[:40],
        note=(note or "").strip(),
        recorded_by=actor,
    )

"""Writing and publishing an announcement. Publishing fixes its recipients (one row per person) and tells each one
once: the notification key names the announcement, so a publish run again (a retried request, a worker restarted)
tells nobody twice."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xieshang.accounts.models import Organization, Sector, SpecialCommittee, User
from xieshang.audit.services import audit_record

from .. import selectors
from ..models import Announcement, Recipient
from ._base import AnnouncementRefusal, lock, refresh, require, send, text_error

Audience = Announcement.Audience


def _narrowing_errors(
    organization_id: int, audience: str, committee: Any, sector: Any, district: str, room: Any
) -> dict[str, str]:
    """Only the narrowings that apply to the audience, and only the organization's own rows."""
    errors: dict[str, str] = {}
    for field, row, label in (
        ("committee", committee, _("专委会")),
        ("sector", sector, _("界别")),
        ("room", room, _("协商议事室")),
    ):
        if row is not None and row.organization_id != organization_id:
            errors[field] = _("请选择本会的%(label)s。") % {"label": label}
    if audience != Audience.MEMBERS:
        if committee is not None:
            errors["committee"] = _("只有发给委员的通知可以按专委会选择。")
        if sector is not None:
            errors["sector"] = _("只有发给委员的通知可以按界别选择。")
    if audience == Audience.UNITS:
        if district:
            errors["district"] = _("发给承办单位的通知不能按区县选择。")
        if room is not None:
            errors["room"] = _("发给承办单位的通知不能按议事室选择。")
    return errors


def _fields(
    organization_id: int,
    *,
    title: str,
    body: str,
    audience: str,
    committee: SpecialCommittee | None,
    sector: Sector | None,
    district: str,
    room: Any,
    urgent: bool,
) -> dict[str, Any]:
    """The announcement's fields, checked: texts, an audience that exists, and only the narrowings that apply to it
    (committee and sector to members, a district to members or residents, a room to members or residents)."""
    errors: dict[str, str] = {}
    title = (title or "").strip()
    body = (body or "").strip()
    for field, value, limit, label in (("title", title, 120, _("标题")), ("body", body, 5000, _("正文"))):
        message = text_error(value, limit, label)
        if message:
            errors[field] = message
    if audience not in Audience.values:
        errors["audience"] = _("请选择发送对象。")
    errors.update(_narrowing_errors(organization_id, audience, committee, sector, district, room))
    if errors:
        raise ValidationError(errors)
    return {
        "title": title,
        "body": body,
        "audience": audience,
        "committee": committee,
        "sector": sector,
        "district": (district or "").strip()[:40],
        "room": room,
        "urgent": bool(urgent),
    }


def create_announcement(
    *,
    actor: User,
    organization: Organization,
    title: str,
    body: str,
    audience: str,
    committee: SpecialCommittee | None = None,
    sector: Sector | None = None,
    district: str = "",
    room: Any = None,
    urgent: bool = False,
) -> Announcement:
    """A draft: nobody is told until it is published."""
    require(actor, "announcements.add_announcement", organization)
    fields = _fields(
        organization.pk,
        title=title,
        body=body,
        audience=audience,
        committee=committee,
        sector=sector,
        district=district,
        room=room,
        urgent=urgent,
    )
    with transaction.atomic():
        announcement = Announcement.objects.create(organization=organization, created_by=actor, **fields)
        audit_record(actor=actor, action="announcements.create", obj=announcement)
    return announcement


def update_announcement(
    *,
    actor: User,
    announcement: Announcement,
    title: str,
    body: str,
    audience: str,
    committee: SpecialCommittee | None = None,
    sector: Sector | None = None,
    district: str = "",
    room: Any = None,
    urgent: bool = False,
) -> Announcement:
    require(actor, "announcements.manage_announcement", announcement)
    fields = _fields(
        announcement.organization_id,
        title=title,
        body=body,
        audience=audience,
        committee=committee,
        sector=sector,
        district=district,
        room=room,
        urgent=urgent,
    )
    with transaction.atomic():
        locked = lock(announcement)
        if not locked.is_draft:
            raise AnnouncementRefusal(_("通知已发布，不能再修改。"))
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.save()
        audit_record(actor=actor, action="announcements.update", obj=locked)
    return refresh(announcement, locked)


def publish_announcement(*, actor: User, announcement: Announcement) -> int:
    """Publish the draft: its audience resolved now into recipient rows, each told in the inbox (and by email or SMS
    as he chose; by SMS to all when urgent). Run again on a published announcement, it tells only those of its fixed
    recipients not told yet (normally nobody). Returns how many were told this time."""
    require(actor, "announcements.manage_announcement", announcement)
    with transaction.atomic():
        locked = lock(announcement)
        if locked.is_draft:
            people = list(selectors.audience(locked))
            if not people:
                raise AnnouncementRefusal(_("发送对象中没有人，请调整发送范围后再发布。"))
            now = timezone.now()
            Recipient.objects.bulk_create(
                [Recipient(announcement=locked, user=person, created_at=now) for person in people],
                ignore_conflicts=True,
            )
            locked.status = Announcement.Status.PUBLISHED
            locked.published_at = now
            locked.published_by = actor
            locked.save(update_fields=["status", "published_at", "published_by"])
            audit_record(actor=actor, action="announcements.publish", obj=locked, detail={"recipients": len(people)})
        else:
            people = [r.user for r in locked.recipients.select_related("user")]
        told = send(people, locked, kind="published", key=f"announcement:{locked.pk}", title=locked.title)
    refresh(announcement, locked)
    return told

"""The meeting: check-in by signed QR code, the agenda, the materials and live statements and questions."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

import rules
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xieshang.accounts.models import Role
from xieshang.accounts.selectors import has_role
from xieshang.audit.context import current_ip
from xieshang.audit.services import audit_record
from xieshang.core import limits
from xieshang.core.services import lock, require
from xieshang.core.windows import Window, around, whole_day
from xieshang.duties.services import duty_credit

from .. import search_wiring
from ..models import Consultation, Invitation, LiveMessage, Material, Segment
from ._base import NOT_PERMITTED, settings_for
from .cross_region import host_people, inviting_org

if TYPE_CHECKING:
    from xieshang.accounts.models import User

CHECKIN_SALT = "consultations.checkin"


def checkin_token(consultation: Consultation) -> str:
    return signing.TimestampSigner(salt=CHECKIN_SALT).sign(str(consultation.pk))


def checkin_consultation(token: str) -> Consultation:
    """The consultation a check-in code names, or a ValidationError saying why the code is refused."""
    signer = signing.TimestampSigner(salt=CHECKIN_SALT)
    try:
        # Without max_age only the signature is checked; the age limit is the consultation's own setting.
        pk = int(signer.unsign(token))
    except (signing.BadSignature, ValueError):
        raise ValidationError({"code": _("签到码无效，请扫描会场显示的二维码。")}) from None
    consultation = Consultation.objects.select_related("state").filter(pk=pk).first()
    if consultation is None:
        raise ValidationError({"code": _("签到码无效，请扫描会场显示的二维码。")})
    hours = int(settings_for(consultation).get("checkin_hours", 12))
    try:
        signer.unsign(token, max_age=timedelta(hours=hours))
    except signing.SignatureExpired:
        raise ValidationError({"code": _("签到码已过期，请扫描会场现在显示的二维码。")}) from None
    return consultation


def meeting_window(consultation: Consultation) -> Window:
    """When check-in and live posts are accepted (core.windows, the primitive activities use too): from
    `checkin_before_minutes` before the start to `checkin_after_minutes` after the meeting ends (the start plus
    `meeting_minutes`), by the organization's copy of the consultation workflow's settings; the whole planned day
    while no start time is set."""
    if consultation.starts_at is None:
        return whole_day(consultation.planned_date)
    conf = settings_for(consultation)
    ends_at = consultation.starts_at + timedelta(minutes=int(conf.get("meeting_minutes", 180)))
    return around(
        consultation.starts_at,
        ends_at,
        before_minutes=int(conf.get("checkin_before_minutes", 60)),
        after_minutes=int(conf.get("checkin_after_minutes", 0)),
    )


def live_refusal(consultation: Consultation) -> str:
    """ "" while live statements and questions are accepted; otherwise the message saying when they open."""
    return meeting_window(consultation).refusal(
        early=_("现场发言和提问将于 %(opens)s 开放，%(closes)s 截止。"),
        late=_("现场发言和提问已于 %(closes)s 截止。"),
    )


def check_in(*, actor: User, token: str) -> Invitation:
    consultation = checkin_consultation(token)
    invitation = Invitation.objects.filter(consultation=consultation, user=actor).first()
    if invitation is None:
        raise ValidationError({"code": _("您不在本次协商活动的邀请名单中，此签到码不适用于您。")})
    if not rules.has_perm("consultations.check_in", actor, consultation):
        raise ValidationError({"code": _("本次协商活动当前不在签到时间。")})
    refusal = meeting_window(consultation).refusal()
    if refusal and invitation.checked_in_at is None:
        raise ValidationError({"code": refusal})
    with transaction.atomic():
        invitation = lock(invitation)
        if invitation.checked_in_at is not None:
            return invitation
        invitation.checked_in_at = timezone.now()
        invitation.registered_at = invitation.registered_at or invitation.checked_in_at
        invitation.save(update_fields=["checked_in_at", "registered_at"])
        if has_role(actor, Role.MEMBER, invitation.organization_id) or has_role(
            actor, Role.STANDING_MEMBER, invitation.organization_id
        ):
            duty_credit(
                member=actor,
                organization=invitation.organization_id,
                rule_key="consultation_attendance",
                source=consultation,
                occurred_on=consultation.planned_date,  # the meeting's day, not the day of the check-in
                actor=actor,
            )
        audit_record(actor=actor, action="consultations.check_in", obj=consultation)
    return invitation


def segment_add(
    *, actor: User, consultation: Consultation, kind: str, title: str, speaker: Any = None, speaker_name: str = ""
) -> Segment:
    require(actor, "consultations.edit_agenda", consultation, NOT_PERMITTED)
    errors = {}
    if kind not in Segment.Kind.values:
        errors["kind"] = _("请选择环节。")
    if not (title or "").strip():
        errors["title"] = _("请填写内容。")
    if speaker is not None and speaker.pk not in host_people(consultation):
        errors["speaker"] = _("发言人须为主办组织的人员。")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        order = consultation.segments.count() + 1
        segment = Segment.objects.create(
            consultation=consultation,
            order=order,
            kind=kind,
            title=title.strip(),
            speaker=speaker,
            speaker_name=speaker_name or (speaker.display_name if speaker else ""),
        )
        search_wiring.index_agenda(consultation.pk)
        audit_record(actor=actor, action="consultations.segment_add", obj=consultation, detail={"kind": kind})
    return segment


MATERIAL_MAX_MB = 20


# Documents are recognized by their content as well as their name (xieshang.core.uploads): a file whose extension
# is not listed, or whose first bytes are not of that type (a script renamed .pdf), is refused.
MATERIAL_TYPES = ("pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "jpg", "jpeg", "png")


def material_add(*, actor: User, consultation: Consultation, title: str, upload: Any) -> Material:
    """A document of the meeting's materials. Checked by content and size; stored under a name of ours (the
    original file name is kept for the download)."""
    import os
    import uuid

    require(actor, "consultations.add_material", consultation, NOT_PERMITTED)
    title = (title or "").strip()
    errors = {}
    if not title:
        errors["title"] = _("请填写材料名称。")
    if upload is None:
        errors["file"] = _("请选择文件。")
    else:
        from xieshang.core.uploads import upload_problem

        problem = upload_problem(upload, allowed=MATERIAL_TYPES, max_mb=MATERIAL_MAX_MB)
        if problem:
            errors["file"] = problem
    if errors:
        raise ValidationError(errors)
    original = os.path.basename(upload.name or "material")[:200]
    ext = os.path.splitext(original)[1].lower()[:8]
    material = Material(
        consultation=consultation,
        organization_id=inviting_org(actor, consultation),
        title=title[:120],
        filename=original,
        size=upload.size,
        uploaded_by=actor,
    )
    material.file.save(f"{uuid.uuid4().hex}{ext}", upload, save=False)
    try:
        with transaction.atomic():
            material.save()
            search_wiring.index_material(material.pk)
            audit_record(actor=actor, action="consultations.material_add", obj=consultation, detail={"title": title})
    except Exception:
        material.file.delete(save=False)
        raise
    return material


def live_post(
    *, actor: User, consultation: Consultation, text: str, kind: str = LiveMessage.Kind.STATEMENT
) -> LiveMessage:
    require(actor, "consultations.post_live", consultation, NOT_PERMITTED)
    refusal = live_refusal(consultation)
    if refusal:
        raise ValidationError({"text": refusal})
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("请填写内容。")})
    if len(text) > 500:
        raise ValidationError({"text": _("最多 500 字，当前 %(n)d 字。") % {"n": len(text)}})
    if kind not in LiveMessage.Kind.values:
        raise ValidationError({"kind": _("请选择发言或提问。")})
    flood = limits.hit("live_post", account=actor.pk, address=current_ip.get())
    if flood:
        raise ValidationError({"text": limits.wait_text(flood)})
    invitation = consultation.invitations.filter(user=actor).first()
    org_id = invitation.organization_id if invitation else inviting_org(actor, consultation)
    with transaction.atomic():
        message = LiveMessage.objects.create(
            consultation=consultation, author=actor, organization_id=org_id, kind=kind, text=text
        )
        audit_record(actor=actor, action="consultations.live_post", obj=consultation)
    return message

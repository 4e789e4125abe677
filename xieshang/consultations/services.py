"""Every write of consultations, outcomes and community rooms. Each service checks permission, validates, writes
inside one transaction (workflow transition, duty credit, audit row) and leaves delivery to after the commit.

Refusals are ValidationErrors keyed by form field, so pages show them beside the field that caused them and keep
what was typed; PermissionDenied means the person may not do this at all."""

from __future__ import annotations

import contextvars
from contextlib import contextmanager
from datetime import date, datetime, timedelta

import rules
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from xieshang.accounts.models import Role
from xieshang.accounts.selectors import has_role, roles_by_organization
from xieshang.audit.services import audit_record
from xieshang.duties.services import duty_credit
from xieshang.notifications.services import notify
from xieshang.workflow import services as workflow
from xieshang.workflow.calendar import add_working_days
from xieshang.workflow.exceptions import TransitionError
from xieshang.workflow.selectors import workflow_for

from .models import (
    Article,
    Consultation,
    Dispatch,
    Follow,
    Form,
    Invitation,
    Kind,
    LiveMessage,
    Material,
    Outcome,
    Photo,
    Progress,
    Rating,
    Room,
    Segment,
    Support,
    Topic,
)
from .rules import host_ids
from .search_wiring import index_consultation
from .workflows import CONSULTATION_WORKFLOW, OUTCOME_WORKFLOW, TOPIC_WORKFLOW

CHECKIN_SALT = "consultations.checkin"
MEMBER_ROLES = (Role.MEMBER, Role.STANDING_MEMBER)

_quiet = contextvars.ContextVar("consultations_quiet", default=False)


@contextmanager
def quiet():
    """No notifications while loading history (the demo's past year must not flood today's inboxes)."""
    token = _quiet.set(True)
    try:
        yield
    finally:
        _quiet.reset(token)


def is_quiet() -> bool:
    return _quiet.get()


def _require(perm: str, actor, obj) -> None:
    if not rules.has_perm(perm, actor, obj):
        raise PermissionDenied(_("您没有办理此项的权限。"))


def _tell(recipients, *, kind: str, title: str, body: str = "", url: str = "", organization=None) -> None:
    if not is_quiet():
        notify(recipients=recipients, kind=kind, title=title, body=body, url=url, organization=organization)


def _settings(consultation) -> dict:
    merged = dict(CONSULTATION_WORKFLOW["settings"])
    wf = consultation.workflow or workflow_for(consultation.organization_id, CONSULTATION_WORKFLOW["key"])
    if wf is not None:
        merged.update(wf.settings or {})
    return merged


# ---------------------------------------------------------------------------------------------------- consultations
def _check_consultation(kind, title, venue, video_link, hosts, organization) -> None:
    errors = {}
    if not (title or "").strip():
        errors["title"] = _("请填写协商议题。")
    if kind not in Kind.values:
        errors["kind"] = _("请选择协商形式。")
    if kind == Kind.ONLINE:
        if venue:
            errors["venue"] = _("网络议政不设会场，请清空地点。")
        if not video_link:
            errors["video_link"] = _("网络议政须填写视频会议链接。")
    if kind == Kind.CROSS_REGION and len({h.pk for h in hosts} | {organization.pk}) < 2:
        errors["hosts"] = _("跨区域协商须至少有一个合作方共同主办。")
    if errors:
        raise ValidationError(errors)


def consultation_create(
    *,
    actor,
    organization,
    kind: str,
    title: str,
    planned_date: date,
    hosts=(),
    description: str = "",
    venue: str = "",
    video_link: str = "",
    committee=None,
    participants_note: str = "",
    starts_at: datetime | None = None,
    is_public: bool = True,
) -> Consultation:
    _require("consultations.add_consultation", actor, organization)
    hosts = list(hosts)
    _check_consultation(kind, title, venue, video_link, hosts, organization)
    consultation = Consultation(
        organization=organization,
        kind=kind,
        title=title.strip(),
        description=description,
        plan_year=planned_date.year,
        planned_date=planned_date,
        starts_at=starts_at,
        venue=venue,
        video_link=video_link,
        committee=committee,
        participants_note=participants_note,
        is_public=is_public,
        created_by=actor,
    )
    with transaction.atomic():
        workflow.start(actor=actor, obj=consultation, workflow_key=CONSULTATION_WORKFLOW["key"])
        consultation.hosts.set({organization, *hosts})
        audit_record(actor=actor, action="consultations.create", obj=consultation, detail={"kind": kind})
    return consultation


def consultation_transition(*, actor, consultation: Consultation, key: str, reason: str = "", payload=None):
    return workflow.transition(actor=actor, obj=consultation, transition_key=key, reason=reason, payload=payload)


def _payload_text(payload, name: str, model_field: str, label) -> str:
    """A typed value of a workflow form, refused (not cut short) when longer than the field that keeps it."""
    value = str(payload.get(name, "") or "").strip()
    limit = Consultation._meta.get_field(model_field).max_length
    if len(value) > limit:
        raise ValidationError(
            {
                name: _("%(label)s不能超过 %(limit)d 字（现为 %(n)d 字）。")
                % {"label": label, "limit": limit, "n": len(value)}
            }
        )
    return value


def _record_chairs_meeting(consultation: Consultation, event, payload) -> None:
    consultation.chairs_meeting = _payload_text(payload, "meeting", "chairs_meeting", _("主席会议"))
    consultation.save(update_fields=["chairs_meeting"])


def _record_approval(consultation: Consultation, event, payload) -> None:
    """The party committee's approval as staff recorded it: body, document reference and date (validated by the
    transition's condition), kept on the consultation for the plan page and in the event's payload for the record."""
    consultation.approval_body = _payload_text(payload, "body", "approval_body", _("批准机关"))
    consultation.approval_document = _payload_text(payload, "document", "approval_document", _("批准文号"))
    consultation.approved_on = date.fromisoformat(str(payload["approved_on"]).strip())
    consultation.save(update_fields=["approval_body", "approval_document", "approved_on"])


def plan_record_approval(
    *, actor, organization, year: int, body: str, document: str, approved_on: date | str
) -> list[Consultation]:
    """One party-committee document usually approves the whole annual plan: record it on every consultation of
    the year that the lead organization has proposed, in one transaction (all or none)."""
    _require("consultations.record_approval", actor, organization)
    errors = {}
    if not (body or "").strip():
        errors["body"] = _("请填写批准机关。")
    if not (document or "").strip():
        errors["document"] = _("请填写批准文件文号。")
    if not approved_on:
        errors["approved_on"] = _("请填写批准日期。")
    elif isinstance(approved_on, date) and approved_on > timezone.localdate():
        errors["approved_on"] = _("批准日期不能晚于今天：请在党委批准后登记。")
    if errors:
        raise ValidationError(errors)
    pending = list(
        Consultation.objects.filter(organization=organization, plan_year=year, state__key="proposed").order_by(
            "planned_date", "id"
        )
    )
    if not pending:
        raise ValidationError({"document": _("%(year)s 年度没有待批准的协商议题。") % {"year": year}})
    payload = {"body": body.strip(), "document": document.strip(), "approved_on": str(approved_on)}
    try:
        with transaction.atomic():
            for consultation in pending:
                workflow.transition(actor=actor, obj=consultation, transition_key="approve", payload=payload)
            audit_record(
                actor=actor,
                action="consultations.plan_approval",
                obj=organization,
                organization=organization,
                detail={"year": year, "document": payload["document"], "count": len(pending)},
            )
    except TransitionError as exc:
        raise ValidationError({"approved_on": str(exc)}) from None
    return pending


def _schedule_dispatches(consultation: Consultation, event, payload) -> None:
    """On approval: the notice and the materials fall due so many working days before the meeting."""
    conf = _settings(consultation)
    for kind, days in (
        (Dispatch.Kind.NOTICE, conf["notice_working_days"]),
        (Dispatch.Kind.MATERIALS, conf["materials_working_days"]),
    ):
        due = add_working_days(consultation.planned_date, -int(days))
        Dispatch.objects.update_or_create(consultation=consultation, kind=kind, defaults={"due_on": due})


def _credit_speakers(consultation: Consultation, event, payload) -> None:
    for segment in consultation.segments.filter(speaker__isnull=False).select_related("speaker"):
        org_id = _member_org(segment.speaker, consultation)
        if org_id is not None:
            duty_credit(
                member=segment.speaker,
                organization=org_id,
                rule_key="consultation_speech",
                source=consultation,
                note=segment.get_kind_display(),
                occurred_on=consultation.planned_date,
                actor=event.actor,
            )


def _record_minutes_sent(consultation: Consultation, event, payload) -> None:
    consultation.minutes_sent_at = event.at
    consultation.save(update_fields=["minutes_sent_at"])


def _member_org(user, consultation) -> int | None:
    roles = roles_by_organization(user)
    for org_id in sorted(host_ids(consultation)):
        if roles.get(org_id, set()) & set(MEMBER_ROLES):
            return org_id
    return None


def send_due_dispatches(today: date | None = None) -> int:
    """The daily run: send every notice and set of materials that has fallen due, once. Returns how many."""
    today = today or timezone.localdate()
    sent = 0
    due = Dispatch.objects.filter(
        sent_at__isnull=True, due_on__lte=today, consultation__state__key__in=["approved"]
    ).select_related("consultation")
    for dispatch in due:
        with transaction.atomic():
            locked = Dispatch.objects.select_for_update().get(pk=dispatch.pk)
            if locked.sent_at is not None:
                continue
            consultation = dispatch.consultation
            titles = list(consultation.materials.values_list("title", flat=True))
            if dispatch.kind == Dispatch.Kind.MATERIALS and not titles:
                # Nothing to send yet: the dispatch stays due (shown late on the page) until materials are uploaded.
                continue
            people = [i.user for i in consultation.invitations.select_related("user")]
            label = dispatch.get_kind_display()
            _tell(
                people,
                kind=f"consultations.{dispatch.kind}",
                title=_("%(what)s：%(title)s") % {"what": label, "title": consultation.title},
                body=(
                    _("会议日期 %(date)s，%(where)s。")
                    % {"date": consultation.planned_date, "where": consultation.venue or _("网络会议")}
                )
                + (
                    _("会议材料：%(titles)s。请登录平台查阅。") % {"titles": "、".join(titles)}
                    if dispatch.kind == Dispatch.Kind.MATERIALS
                    else ""
                ),
                url=consultation.get_absolute_url(),
                organization=consultation.organization_id,
            )
            locked.sent_at = timezone.now()
            locked.recipients = len(people)
            locked.save(update_fields=["sent_at", "recipients"])
            audit_record(actor=None, action=f"consultations.{dispatch.kind}_sent", obj=consultation)
            sent += 1
    return sent


MATERIAL_MAX_MB = 20
# Documents are recognized by their content as well as their name (xieshang.core.uploads): a file whose extension
# is not listed, or whose first bytes are not of that type (a script renamed .pdf), is refused.
MATERIAL_TYPES = ("pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "jpg", "jpeg", "png")


def material_add(*, actor, consultation: Consultation, title: str, upload) -> Material:
    """A document of the meeting's materials. Checked by content and size; stored under a name of ours (the
    original file name is kept for the download)."""
    import os
    import uuid

    _require("consultations.add_material", actor, consultation)
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
        organization_id=_inviting_org(actor, consultation),
        title=title[:120],
        filename=original,
        size=upload.size,
        uploaded_by=actor,
    )
    material.file.save(f"{uuid.uuid4().hex}{ext}", upload, save=False)
    try:
        with transaction.atomic():
            material.save()
            audit_record(actor=actor, action="consultations.material_add", obj=consultation, detail={"title": title})
    except Exception:
        material.file.delete(save=False)
        raise
    return material


MILESTONE_WARN_WORKING_DAYS = 3


def send_milestone_reminders(today: date | None = None) -> int:
    """The daily run for outcomes being carried out: the owners hear that the milestone they set falls due within
    three working days, and the owners and the staff that it was missed. Only the latest progress entry of an
    outcome counts (a later report replaces its milestone); each reminder is sent once. Returns how many."""
    from xieshang.workflow.calendar import working_days_between

    from .wiring import _owner_members

    today = today or timezone.localdate()
    sent = 0
    # The latest entry of each outcome being carried out, whose missed-milestone notice is still to come (a warned
    # entry stays a candidate until it is due): one query, however many outcomes and reports there are.
    later = Progress.objects.filter(outcome_id=models.OuterRef("outcome_id"), pk__gt=models.OuterRef("pk"))
    candidates = Progress.objects.filter(
        milestone_due__isnull=False,
        milestone_overdue_at__isnull=True,
        outcome__state__key__in=["adopted", "implementing"],
    ).filter(~models.Exists(later))
    for entry in candidates.select_related("outcome", "outcome__consultation", "outcome__topic__room"):
        outcome = entry.outcome
        due = entry.milestone_due
        missed = today > due and entry.milestone_overdue_at is None
        warn = (
            not missed
            and entry.milestone_warned_at is None
            and today <= due
            and working_days_between(today, due) <= MILESTONE_WARN_WORKING_DAYS
        )
        if not (missed or warn):
            continue
        with transaction.atomic():
            locked = Progress.objects.select_for_update().get(pk=entry.pk)
            field = "milestone_overdue_at" if missed else "milestone_warned_at"
            if getattr(locked, field) is not None:
                continue
            people = list(_owner_members(outcome))
            if missed:
                people += list(_outcome_staff(outcome))
            _tell(
                people,
                kind="consultations.milestone_overdue" if missed else "consultations.milestone_due",
                title=(_("落实节点已超期：%(m)s") if missed else _("落实节点即将到期：%(m)s")) % {"m": entry.milestone},
                body=_("%(title)s，节点日期 %(due)s。请及时报告落实进展。") % {"title": outcome.title, "due": due},
                url=outcome.get_absolute_url(),
                organization=outcome.organization_id,
            )
            setattr(locked, field, timezone.now())
            locked.save(update_fields=[field])
            sent += 1
    return sent


def _outcome_staff(outcome):
    from xieshang.accounts.models import User

    org_ids = host_ids(outcome.consultation) if outcome.consultation_id else {outcome.organization_id}
    return User.objects.filter(
        is_active=True, role_grants__role=Role.COMMITTEE_STAFF, role_grants__organization_id__in=org_ids
    ).distinct()


def _inviting_org(actor, consultation) -> int:
    roles = roles_by_organization(actor)
    for org_id in sorted(host_ids(consultation)):
        if Role.COMMITTEE_STAFF in roles.get(org_id, ()):
            return org_id
    raise PermissionDenied(_("您没有办理此项的权限。"))


def invite(*, actor, consultation: Consultation, users, mode: str = Invitation.Mode.PRESENT, organization=None):
    """Each host invites its own people only: the invitation belongs to the inviting host."""
    _require("consultations.invite", actor, consultation)
    org_id = getattr(organization, "pk", organization) or _inviting_org(actor, consultation)
    if Role.COMMITTEE_STAFF not in roles_by_organization(actor).get(org_id, ()):
        raise PermissionDenied(_("您没有办理此项的权限。"))
    users = list(users)
    outsiders = [u for u in users if org_id not in roles_by_organization(u)]
    if outsiders:
        raise ValidationError(
            {"users": _("%(names)s 不是本组织人员，请由其所在组织邀请。") % {"names": "、".join(map(str, outsiders))}}
        )
    created = []
    with transaction.atomic():
        existing = set(consultation.invitations.values_list("user_id", flat=True))
        for user in users:
            if user.pk in existing:
                continue
            created.append(
                Invitation.objects.create(consultation=consultation, organization_id=org_id, user=user, mode=mode)
            )
        audit_record(actor=actor, action="consultations.invite", obj=consultation, detail={"count": len(created)})
        _tell(
            [i.user for i in created],
            kind="consultations.invitation",
            title=_("协商活动邀请：%(title)s") % {"title": consultation.title},
            body=_("会议日期 %(date)s。请在平台上报名。") % {"date": consultation.planned_date},
            url=consultation.get_absolute_url(),
            organization=org_id,
        )
    return created


def register(*, actor, consultation: Consultation, mode: str) -> Invitation:
    _require("consultations.register", actor, consultation)
    if mode not in Invitation.Mode.values:
        raise ValidationError({"mode": _("请选择参加方式。")})
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(consultation=consultation, user=actor)
        invitation.mode = mode
        invitation.registered_at = invitation.registered_at or timezone.now()
        invitation.save(update_fields=["mode", "registered_at"])
        audit_record(actor=actor, action="consultations.register", obj=consultation, detail={"mode": mode})
    return invitation


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
    hours = int(_settings(consultation).get("checkin_hours", 12))
    try:
        signer.unsign(token, max_age=timedelta(hours=hours))
    except signing.SignatureExpired:
        raise ValidationError({"code": _("签到码已过期，请扫描会场现在显示的二维码。")}) from None
    return consultation


def check_in(*, actor, token: str) -> Invitation:
    consultation = checkin_consultation(token)
    invitation = Invitation.objects.filter(consultation=consultation, user=actor).first()
    if invitation is None:
        raise ValidationError({"code": _("您不在本次协商活动的邀请名单中，此签到码不适用于您。")})
    if not rules.has_perm("consultations.check_in", actor, consultation):
        raise ValidationError({"code": _("本次协商活动当前不在签到时间。")})
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
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
                occurred_on=timezone.localdate(invitation.checked_in_at),
                actor=actor,
            )
        audit_record(actor=actor, action="consultations.check_in", obj=consultation)
    return invitation


def segment_add(*, actor, consultation, kind: str, title: str, speaker=None, speaker_name: str = "") -> Segment:
    _require("consultations.edit_agenda", actor, consultation)
    errors = {}
    if kind not in Segment.Kind.values:
        errors["kind"] = _("请选择环节。")
    if not (title or "").strip():
        errors["title"] = _("请填写内容。")
    if speaker is not None and speaker.pk not in _host_people(consultation):
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
        audit_record(actor=actor, action="consultations.segment_add", obj=consultation, detail={"kind": kind})
    return segment


def _host_people(consultation) -> set[int]:
    from xieshang.accounts.models import RoleGrant

    return set(RoleGrant.objects.filter(organization_id__in=host_ids(consultation)).values_list("user_id", flat=True))


def live_post(*, actor, consultation, text: str, kind: str = LiveMessage.Kind.STATEMENT) -> LiveMessage:
    _require("consultations.post_live", actor, consultation)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("请填写内容。")})
    if len(text) > 500:
        raise ValidationError({"text": _("最多 500 字，当前 %(n)d 字。") % {"n": len(text)}})
    if kind not in LiveMessage.Kind.values:
        raise ValidationError({"kind": _("请选择发言或提问。")})
    invitation = consultation.invitations.filter(user=actor).first()
    org_id = invitation.organization_id if invitation else _inviting_org(actor, consultation)
    with transaction.atomic():
        message = LiveMessage.objects.create(
            consultation=consultation, author=actor, organization_id=org_id, kind=kind, text=text
        )
        audit_record(actor=actor, action="consultations.live_post", obj=consultation)
    return message


def minutes_save(*, actor, consultation, minutes: str) -> Consultation:
    _require("consultations.write_minutes", actor, consultation)
    minutes = (minutes or "").strip()
    if not minutes:
        raise ValidationError({"minutes": _("请填写纪要正文。")})
    with transaction.atomic():
        Consultation.objects.filter(pk=consultation.pk).update(minutes=minutes)
        consultation.minutes = minutes
        # A queryset update sends no signal: name the consultation to search (its minutes are a document).
        index_consultation(consultation.pk)
        audit_record(actor=actor, action="consultations.minutes_save", obj=consultation)
    return consultation


# ---------------------------------------------------------------------------------------------------- outcomes
def _check_owner(owner_unit, owner_leader, organization_ids) -> None:
    if owner_unit is None and owner_leader is None:
        raise ValidationError({"owner_unit": _("请指定责任单位或责任领导。")})
    if owner_unit is not None and owner_unit.organization_id not in organization_ids:
        raise ValidationError({"owner_unit": _("责任单位须属于本组织。")})


def _outcome_create(*, actor, organization_id, source, title, body, owner_unit, owner_leader, **links) -> Outcome:
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("请填写事项。")})
    outcome = Outcome(
        organization_id=organization_id,
        source=source,
        title=title,
        body=body or "",
        owner_unit=owner_unit,
        owner_leader=owner_leader,
        **links,
    )
    workflow.start(actor=actor, obj=outcome, workflow_key=OUTCOME_WORKFLOW["key"], organization=organization_id)
    audit_record(actor=actor, action="consultations.outcome_create", obj=outcome, detail={"source": source})
    return outcome


def recommendation_add(*, actor, consultation, title: str, body: str = "", owner_unit=None, owner_leader=None):
    _require("consultations.add_recommendation", actor, consultation)
    _check_owner(owner_unit, owner_leader, host_ids(consultation))
    with transaction.atomic():
        return _outcome_create(
            actor=actor,
            organization_id=consultation.organization_id,
            source=Outcome.Source.RECOMMENDATION,
            title=title,
            body=body,
            owner_unit=owner_unit,
            owner_leader=owner_leader,
            consultation=consultation,
        )


def outcome_transition(*, actor, outcome: Outcome, key: str, reason: str = "", payload=None):
    return workflow.transition(actor=actor, obj=outcome, transition_key=key, reason=reason, payload=payload)


def _on_instruct(outcome, event, payload):
    outcome.instruction = str(payload.get("instruction", ""))
    outcome.save(update_fields=["instruction"])


def _on_reject(outcome, event, payload):
    outcome.not_adopted_reason = event.reason
    outcome.save(update_fields=["not_adopted_reason"])


def _on_complete(outcome, event, payload):
    outcome.done_at = event.at
    outcome.save(update_fields=["done_at"])
    if outcome.topic_id:
        _tell(
            _followers(outcome.topic.room),
            kind="consultations.outcome_done",
            title=_("议事成果已办结：%(title)s") % {"title": outcome.title},
            body=_("欢迎对落实效果进行评价。"),
            url=outcome.get_absolute_url(),
            organization=outcome.organization_id,
        )


def outcome_set_public(*, actor, outcome: Outcome, public: bool) -> Outcome:
    """Whether the outcome's handling status appears on the public portal (《郑在协商》)."""
    _require("consultations.publish_outcome", actor, outcome)
    with transaction.atomic():
        if Outcome.objects.filter(pk=outcome.pk).exclude(is_public=bool(public)).update(is_public=bool(public)):
            audit_record(
                actor=actor,
                action="consultations.outcome_public" if public else "consultations.outcome_private",
                obj=outcome,
            )
    outcome.is_public = bool(public)
    return outcome


def progress_add(
    *, actor, outcome, text: str, percent: int = 0, milestone: str = "", milestone_due: date | None = None
) -> Progress:
    _require("consultations.add_progress", actor, outcome)
    text = (text or "").strip()
    errors = {}
    if not text:
        errors["text"] = _("请填写进展情况。")
    if not 0 <= int(percent or 0) <= 100:
        errors["percent"] = _("完成比例应在 0 到 100 之间。")
    if milestone_due and not milestone:
        errors["milestone"] = _("填写了节点日期，请同时填写节点名称。")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        entry = Progress.objects.create(
            outcome=outcome,
            author=actor,
            text=text,
            percent=int(percent or 0),
            milestone=milestone,
            milestone_due=milestone_due,
        )
        audit_record(actor=actor, action="consultations.progress_add", obj=outcome, detail={"percent": percent})
    return entry


# ---------------------------------------------------------------------------------------------------- rooms
def room_create(*, actor, community, convener, name: str = "", address: str = "") -> Room:
    """One room per town or community, with a convener of the organization."""
    if community is None:
        raise ValidationError({"community": _("请选择街道或社区。")})
    _require("consultations.add_room", actor, community.organization)
    errors = {}
    if convener is None:
        errors["convener"] = _("请指定召集人。")
    elif community.organization_id not in roles_by_organization(convener):
        errors["convener"] = _("召集人须为本组织人员。")
    if Room.objects.filter(community=community).exists():
        errors["community"] = _("该街道社区已设有协商议事室。")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        room = Room.objects.create(
            organization_id=community.organization_id,
            community=community,
            convener=convener,
            name=name or _("%(place)s有事好商量协商议事室") % {"place": community.name},
            address=address,
        )
        audit_record(actor=actor, action="consultations.room_create", obj=room)
    return room


def _followers(room):
    return [f.user for f in room.follows.select_related("user")]


def topic_raise(*, actor, room: Room, title: str, body: str = "") -> Topic:
    _require("consultations.raise_topic", actor, room)
    title = (title or "").strip()
    errors = {}
    if not title:
        errors["title"] = _("请填写议题标题，一句话说清要商量的事。")
    elif len(title) > 80:
        errors["title"] = _("标题最多 80 字，当前 %(n)d 字。") % {"n": len(title)}
    if len(body or "") > 2000:
        errors["body"] = _("具体情况最多 2000 字。")
    if errors:
        raise ValidationError(errors)
    topic = Topic(
        organization_id=room.organization_id, room=room, title=title, body=(body or "").strip(), raised_by=actor
    )
    with transaction.atomic():
        workflow.start(actor=actor, obj=topic, workflow_key=TOPIC_WORKFLOW["key"], organization=room.organization_id)
        audit_record(actor=actor, action="consultations.topic_raise", obj=topic)
        _tell(
            [room.convener, *_followers(room)],
            kind="consultations.topic_new",
            title=_("%(room)s有新议题：%(title)s") % {"room": room.name, "title": title},
            url=topic.get_absolute_url(),
            organization=room.organization_id,
        )
    return topic


def topic_support(*, actor, topic: Topic) -> Support:
    _require("consultations.raise_topic", actor, topic.room)
    if topic.state.key != "raised":
        raise ValidationError(_("该议题已不在征集阶段，不能再表示支持。"))
    if topic.supports.filter(user=actor).exists():
        raise ValidationError(_("您已经支持过这个议题，每人只能支持一次。"))
    try:
        with transaction.atomic():
            support = Support.objects.create(topic=topic, user=actor)
            Topic.objects.filter(pk=topic.pk).update(support_count=F("support_count") + 1)
            audit_record(actor=actor, action="consultations.topic_support", obj=topic)
    except IntegrityError:
        raise ValidationError(_("您已经支持过这个议题，每人只能支持一次。")) from None
    topic.support_count += 1
    return support


def topic_prepare(*, actor, topic: Topic, participants, form: str, meeting_at: datetime | None = None) -> Topic:
    """The convener picks the participants (the residents affected among them) and the form, then selects it."""
    _require("consultations.prepare_topic", actor, topic)
    participants = list(participants)
    errors = {}
    if form not in Form.values:
        errors["form"] = _("请选择协商方式。")
    if not participants:
        errors["participants"] = _("请至少选择一名参加人员（包括受影响的居民）。")
    elif any(topic.organization_id not in roles_by_organization(p) for p in participants):
        errors["participants"] = _("参加人员须为本组织的居民、委员或工作人员。")
    if form in (Form.MEETING, Form.BOTH) and meeting_at is None:
        errors["meeting_at"] = _("会议协商须填写协商时间。")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        Topic.objects.filter(pk=topic.pk).update(form=form, meeting_at=meeting_at)
        topic.form, topic.meeting_at = form, meeting_at
        topic.participants.set(participants)
        workflow.transition(actor=actor, obj=topic, transition_key="select")
    return topic


def topic_transition(*, actor, topic: Topic, key: str, reason: str = ""):
    return workflow.transition(actor=actor, obj=topic, transition_key=key, reason=reason)


def topic_open_conversation(*, actor, topic: Topic, seed_statements=()):
    from xieshang.deliberation.services import SystemActor, conversation_create

    _require("consultations.open_conversation", actor, topic)
    with transaction.atomic():
        conversation = conversation_create(
            # The convener may be a resident without deliberation staff rights; the room's permission suffices.
            actor=SystemActor(f"room:{topic.room_id}:{actor.pk}"),
            organization=topic.organization,
            title=topic.title,
            description=topic.body[:500],
            owner=topic,
            seed_statements=list(seed_statements),
        )
        Topic.objects.filter(pk=topic.pk).update(conversation=conversation)
        topic.conversation = conversation
        audit_record(actor=actor, action="consultations.topic_conversation", obj=topic)
    return conversation


def _credit_room_members(topic, event, payload) -> None:
    for user in topic.participants.all():
        if has_role(user, Role.MEMBER, topic.organization_id):
            duty_credit(
                member=user,
                organization=topic.organization_id,
                rule_key="room_activity",
                source=topic,
                occurred_on=timezone.localdate(event.at),
                actor=event.actor,
            )


def _on_topic_done(topic, event, payload) -> None:
    topic.done_at = event.at
    topic.save(update_fields=["done_at"])


def topic_outcome_add(*, actor, topic: Topic, title: str, body: str = "", owner_unit=None, owner_leader=None):
    _require("consultations.add_outcome", actor, topic)
    _check_owner(owner_unit, owner_leader, {topic.organization_id})
    with transaction.atomic():
        return _outcome_create(
            actor=actor,
            organization_id=topic.organization_id,
            source=Outcome.Source.ROOM,
            title=title,
            body=body,
            owner_unit=owner_unit,
            owner_leader=owner_leader,
            topic=topic,
        )


def outcome_rate(*, actor, outcome: Outcome, score, comment: str = "") -> Rating:
    if outcome.topic_id is None or not has_role(actor, Role.CITIZEN, outcome.organization_id):
        raise PermissionDenied(_("只有本地居民可以评价议事成果。"))
    if outcome.state.key != "done":
        raise ValidationError({"score": _("该成果尚未落实完成，办结后才能评价效果。")})
    try:
        score = int(score)
    except (TypeError, ValueError):
        score = 0
    if score not in Rating.Score.values:
        raise ValidationError({"score": _("请选择满意、基本满意或不满意。")})
    if Rating.objects.filter(outcome=outcome, user=actor).exists():
        raise ValidationError({"score": _("您已经评价过该成果，每人只能评价一次。")})
    try:
        with transaction.atomic():
            rating = Rating.objects.create(outcome=outcome, user=actor, score=score, comment=(comment or "")[:200])
            audit_record(actor=actor, action="consultations.outcome_rate", obj=outcome, detail={"score": score})
    except IntegrityError:
        raise ValidationError({"score": _("您已经评价过该成果，每人只能评价一次。")}) from None
    return rating


def room_follow(*, actor, room: Room, follow: bool = True) -> bool:
    _require("consultations.follow_room", actor, room)
    with transaction.atomic():
        if follow:
            Follow.objects.get_or_create(room=room, user=actor)
        else:
            Follow.objects.filter(room=room, user=actor).delete()
        audit_record(actor=actor, action="consultations.follow" if follow else "consultations.unfollow", obj=room)
    return follow


# ---------------------------------------------------------------------------------------------------- portal media
PHOTO_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
PHOTO_MIN_SIDE = 200
PHOTO_MAX_PIXELS = 40_000_000


def photo_max_mb() -> int:
    from django.conf import settings

    return int(getattr(settings, "CONSULTATIONS_PHOTO_MAX_MB", 5))


def _media_organization(actor, parent) -> int:
    """The organization an article or photo is written under: the room's, or the actor's own host (the lead host
    first) for a co-hosted consultation."""
    if isinstance(parent, Room):
        return parent.organization_id
    roles = roles_by_organization(actor)
    for org_id in [parent.organization_id, *sorted(host_ids(parent) - {parent.organization_id})]:
        if Role.COMMITTEE_STAFF in roles.get(org_id, ()):
            return org_id
    raise PermissionDenied(_("您没有办理此项的权限。"))


def _parent_links(parent) -> dict:
    if isinstance(parent, Consultation):
        return {"consultation": parent, "room": None}
    if isinstance(parent, Room):
        return {"consultation": None, "room": parent}
    raise ValueError("an article or photo belongs to a consultation or a room")


def _check_article(title, body) -> tuple[str, str]:
    title, body = (title or "").strip(), (body or "").strip()
    errors = {}
    if not title:
        errors["title"] = _("请填写标题。")
    elif len(title) > 120:
        errors["title"] = _("标题最多 120 字，当前 %(n)d 字。") % {"n": len(title)}
    if not body:
        errors["body"] = _("请填写正文。")
    elif len(body) > 20000:
        errors["body"] = _("正文最多 20000 字，当前 %(n)d 字。") % {"n": len(body)}
    if errors:
        raise ValidationError(errors)
    return title, body


def article_create(*, actor, parent, title: str, body: str, publish: bool = True) -> Article:
    """A report on a consultation or a room, written by committee staff; published at once or kept as a draft."""
    _require("consultations.add_media", actor, parent)
    title, body = _check_article(title, body)
    organization_id = _media_organization(actor, parent)
    with transaction.atomic():
        article = Article.objects.create(
            organization_id=organization_id,
            title=title,
            body=body,
            is_published=bool(publish),
            created_by=actor,
            **_parent_links(parent),
        )
        audit_record(
            actor=actor,
            action="consultations.article_create",
            obj=article,
            organization=organization_id,
            detail={"published": bool(publish)},
        )
    return article


def article_update(*, actor, article: Article, title: str, body: str) -> Article:
    _require("consultations.change_media", actor, article)
    title, body = _check_article(title, body)
    with transaction.atomic():
        Article.objects.filter(pk=article.pk).update(title=title, body=body, updated_at=timezone.now())
        article.title, article.body = title, body
        audit_record(actor=actor, action="consultations.article_update", obj=article, organization=article.organization)
    return article


def article_set_published(*, actor, article: Article, published: bool) -> Article:
    """Publish (again) or take off the portal; publishing for the first time after a draft dates it today."""
    _require("consultations.change_media", actor, article)
    with transaction.atomic():
        locked = Article.objects.select_for_update().get(pk=article.pk)
        if locked.is_published != bool(published):
            locked.is_published = bool(published)
            fields = ["is_published"]
            if published:
                locked.published_at = timezone.now()
                fields.append("published_at")
            locked.save(update_fields=fields)
            audit_record(
                actor=actor,
                action="consultations.article_publish" if published else "consultations.article_unpublish",
                obj=locked,
                organization=locked.organization_id,
            )
    article.is_published, article.published_at = locked.is_published, locked.published_at
    return article


def clean_photo(upload):
    """Check an upload by its content (never its name or declared type) and return it re-encoded without metadata
    (EXIF may carry the GPS position of a resident's home) under a name of ours. ValidationError keyed "image"."""
    import uuid
    from io import BytesIO

    from django.core.files.base import ContentFile
    from PIL import Image, ImageOps, UnidentifiedImageError

    if upload is None:
        raise ValidationError({"image": _("请选择要上传的图片。")})
    limit = photo_max_mb()
    if upload.size > limit * 1024 * 1024:
        raise ValidationError(
            {
                "image": _("图片不能超过 %(mb)s MB，这张有 %(size).1f MB。")
                % {"mb": limit, "size": upload.size / 1024 / 1024}
            }
        )
    unreadable = ValidationError({"image": _("无法识别这张图片，请上传 JPEG、PNG 或 WebP 格式的照片。")})
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            fmt = probe.format
            width, height = probe.size
            probe.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise unreadable from None
    if fmt not in PHOTO_FORMATS:
        raise ValidationError(
            {"image": _("不支持 %(fmt)s 格式，请上传 JPEG、PNG 或 WebP 格式的照片。") % {"fmt": fmt or "?"}}
        )
    if width * height > PHOTO_MAX_PIXELS:
        raise ValidationError({"image": _("图片尺寸过大（%(w)d×%(h)d），请缩小后再上传。") % {"w": width, "h": height}})
    if min(width, height) < PHOTO_MIN_SIDE:
        raise ValidationError(
            {
                "image": _("图片太小（%(w)d×%(h)d），短边至少 %(min)d 像素。")
                % {"w": width, "h": height, "min": PHOTO_MIN_SIDE}
            }
        )
    try:
        upload.seek(0)
        with Image.open(upload) as img:
            img = ImageOps.exif_transpose(img)
            if fmt == "JPEG" and img.mode not in ("RGB", "L"):
                img = img.convert("RGB")
            out = BytesIO()
            options = {"quality": 88, "optimize": True} if fmt in ("JPEG", "WEBP") else {"optimize": True}
            img.save(out, format=fmt, **options)
    except (OSError, ValueError, SyntaxError):
        raise unreadable from None
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.{PHOTO_FORMATS[fmt]}")


def photo_add(*, actor, parent, image, alt_text: str, caption: str, publish: bool = True) -> Photo:
    """A photo for the portal: validated by content, size-limited, with a description read out by screen readers
    (alt text) and a caption shown beneath it. Nothing is stored when anything is refused."""
    _require("consultations.add_media", actor, parent)
    alt_text, caption = (alt_text or "").strip(), (caption or "").strip()
    errors = {}
    if not alt_text:
        errors["alt_text"] = _("请描述图片内容（如“委员在会上发言”），供视障读者的读屏软件朗读。")
    elif len(alt_text) > 200:
        errors["alt_text"] = _("图片描述最多 200 字。")
    if not caption:
        errors["caption"] = _("请填写图片说明。")
    elif len(caption) > 120:
        errors["caption"] = _("图片说明最多 120 字。")
    try:
        cleaned = clean_photo(image)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    organization_id = _media_organization(actor, parent)
    with transaction.atomic():
        photo = Photo(
            organization_id=organization_id,
            alt_text=alt_text,
            caption=caption,
            is_published=bool(publish),
            created_by=actor,
            **_parent_links(parent),
        )
        photo.image.save(cleaned.name, cleaned, save=False)
        # The file is written before the row; if the row fails, remove the file so nothing is left half-saved.
        try:
            photo.save()
            audit_record(actor=actor, action="consultations.photo_add", obj=photo, organization=organization_id)
        except Exception:
            photo.image.delete(save=False)
            raise
    return photo


def photo_set_published(*, actor, photo: Photo, published: bool) -> Photo:
    _require("consultations.change_media", actor, photo)
    with transaction.atomic():
        updated = (
            Photo.objects.filter(pk=photo.pk).exclude(is_published=bool(published)).update(is_published=bool(published))
        )
        if updated:
            audit_record(
                actor=actor,
                action="consultations.photo_publish" if published else "consultations.photo_unpublish",
                obj=photo,
                organization=photo.organization_id,
            )
    photo.is_published = bool(published)
    return photo

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
from django.db import IntegrityError, transaction
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
            people = [i.user for i in consultation.invitations.select_related("user")]
            label = dispatch.get_kind_display()
            _tell(
                people,
                kind=f"consultations.{dispatch.kind}",
                title=_("%(what)s：%(title)s") % {"what": label, "title": consultation.title},
                body=_("会议日期 %(date)s，%(where)s。")
                % {
                    "date": consultation.planned_date,
                    "where": consultation.venue or _("网络会议"),
                },
                url=consultation.get_absolute_url(),
                organization=consultation.organization_id,
            )
            locked.sent_at = timezone.now()
            locked.recipients = len(people)
            locked.save(update_fields=["sent_at", "recipients"])
            audit_record(actor=None, action=f"consultations.{dispatch.kind}_sent", obj=consultation)
            sent += 1
    return sent


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
    _require("consultations.add_room", actor, community.organization)
    if community.organization_id not in roles_by_organization(convener):
        raise ValidationError({"convener": _("召集人须为本组织人员。")})
    if Room.objects.filter(community=community).exists():
        raise ValidationError({"community": _("该街道社区已设有协商议事室。")})
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


# ---------------------------------------------------------------------------------------------------- portal
def article_publish(*, actor, organization, title: str, body: str, consultation=None, room=None) -> Article:
    _require("consultations.add_consultation", actor, organization)
    errors = {}
    if not (title or "").strip():
        errors["title"] = _("请填写标题。")
    if not (body or "").strip():
        errors["body"] = _("请填写正文。")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        article = Article.objects.create(
            organization=organization, title=title.strip(), body=body.strip(), consultation=consultation, room=room
        )
        audit_record(actor=actor, action="consultations.article_publish", obj=article, organization=organization)
    return article


def photo_add(*, actor, organization, image, caption: str, consultation=None, room=None) -> Photo:
    _require("consultations.add_consultation", actor, organization)
    if not (caption or "").strip():
        raise ValidationError({"caption": _("请填写图片说明。")})
    with transaction.atomic():
        photo = Photo.objects.create(
            organization=organization, image=image, caption=caption.strip(), consultation=consultation, room=room
        )
        audit_record(actor=actor, action="consultations.photo_add", obj=photo, organization=organization)
    return photo

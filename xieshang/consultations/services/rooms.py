"""Community rooms (协商议事室): rooms, topics raised and supported by residents, prepared by the convener, and the
conversation opened on a topic."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from xieshang.accounts.selectors import roles_by_organization
from xieshang.audit.context import current_ip
from xieshang.audit.services import audit_record
from xieshang.core import limits
from xieshang.core.services import lock, require
from xieshang.moderation import selectors as moderation
from xieshang.notifications import services as notifications
from xieshang.notifications.replies import Reply
from xieshang.notifications.services import notify
from xieshang.workflow import services as workflow
from xieshang.workflow.models import WorkflowEvent
from xieshang.workflow.selectors import state_has

from .. import following, search_wiring
from ..models import Form, Room, Support, Topic
from ..selectors import room_followers
from ..workflows import COLLECTING, TOPIC_WORKFLOW
from ._base import NOT_PERMITTED

if TYPE_CHECKING:
    from xieshang.accounts.models import User


# The room topics' kind in the one moderation queue (consultations.moderation registers it).
TOPIC_KIND = "consultations.topic"


def room_create(*, actor: User, community: Any, convener: Any, name: str = "", address: str = "") -> Room:
    """One room per town or community, with a convener of the organization."""
    if community is None:
        raise ValidationError({"community": _("请选择街道或社区。")})
    require(actor, "consultations.add_room", community.organization, NOT_PERMITTED)
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


def topic_raise(*, actor: User, room: Room, title: str, body: str = "") -> Topic:
    require(actor, "consultations.raise_topic", room, NOT_PERMITTED)
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
    refusal = limits.hit("resident_post", account=actor.pk, address=current_ip.get(), target=f"room{room.pk}")
    if refusal:
        raise ValidationError(limits.wait_text(refusal))
    screening = moderation.screen(f"{title}\n{body or ''}", room.organization_id, key=TOPIC_KIND)
    topic = Topic(
        organization_id=room.organization_id,
        room=room,
        title=title,
        body=(body or "").strip(),
        raised_by=actor,
        status=Topic.Moderation.PENDING if screening.held else Topic.Moderation.PUBLISHED,
        flagged=screening.flagged,
    )
    with transaction.atomic():
        workflow.start(actor=actor, obj=topic, workflow_key=TOPIC_WORKFLOW["key"], organization=room.organization_id)
        audit_record(
            actor=actor,
            action="consultations.topic_raise",
            obj=topic,
            detail={"status": topic.status, "flagged": screening.words},
        )
        if not screening.held:
            _announce_topic(topic, actor)
    return topic


def _announce_topic(topic: Topic, author: User) -> None:
    """A published topic: searchable, the convener told at once, each follower too up to his daily cap of such
    texts ("follower_sms" in core.limits: past it the topic reaches him in his digest instead; issue #17: 437 SMS
    from ~35 topics). The SMS asks for a reply: "回复NNN1支持" supports the topic (topic_sms_reply)."""
    room = topic.room
    search_wiring.index_topic(topic.pk)
    told = [room.convener]
    for follower in room_followers(room):
        if follower.pk == author.pk:
            continue
        if limits.hit("follower_sms", recipient=follower.pk):
            following.topic_raised_for(room, topic, author, only_for=follower)
        else:
            told.append(follower)
    title = topic.title
    notify(
        recipients=told,
        kind="consultations.topic_new",
        title=lambda: _("%(room)s有新议题：%(title)s") % {"room": room.name, "title": title},
        url=topic.get_absolute_url(),
        organization=room.organization_id,
        reply=Reply(TOPIC_REPLY_ACTION, topic.pk, expires_at=timezone.now() + TOPIC_REPLY_DAYS),
    )


def topic_moderate(*, actor: User, topic: Topic, decision: str, reason: str = "") -> Topic:
    """Committee staff publish a topic awaiting moderation (it is then announced as if just raised) or reject it with
    a reason its author reads. A stale decision is refused; one audit row."""
    require(actor, "consultations.manage_topic", topic, NOT_PERMITTED)
    reason = (reason or "").strip()
    if decision not in ("approve", "reject"):
        raise ValidationError({"decision": _("请选择处理方式。")})
    if decision == "reject" and not reason:
        raise ValidationError({"reason": _("不予通过时须给出理由，作者会看到这一理由。")})
    with transaction.atomic():
        locked = lock(topic)
        if locked.status != Topic.Moderation.PENDING:
            raise ValidationError(_("这条内容已由他人处理，请刷新后再看。"))
        locked.status = Topic.Moderation.PUBLISHED if decision == "approve" else Topic.Moderation.REJECTED
        locked.reason = reason if decision == "reject" else ""
        locked.moderated_by = actor
        locked.moderated_at = timezone.now()
        locked.save(update_fields=["status", "reason", "moderated_by", "moderated_at"])
        audit_record(
            actor=actor,
            action=f"consultations.topic_{decision}",
            obj=locked,
            detail={"from": Topic.Moderation.PENDING, "to": locked.status, "reason": reason},
        )
        if decision == "approve":
            _announce_topic(locked, locked.raised_by)
        values = {"t": locked.title, "r": reason}
        notify(
            recipients=[locked.raised_by],
            kind="consultations.topic_decided",
            title=(
                (lambda: _("您提出的议题“%(t)s”已公开。") % values)
                if decision == "approve"
                else (lambda: _("您提出的议题“%(t)s”未通过审核：%(r)s") % values)
            ),
            url=locked.get_absolute_url(),
            organization=locked.organization_id,
        )
    for field in ("status", "reason", "moderated_by_id", "moderated_at"):
        setattr(topic, field, getattr(locked, field))
    return topic


def topic_support(*, actor: User, topic: Topic) -> Support:
    require(actor, "consultations.raise_topic", topic.room, NOT_PERMITTED)
    if topic.status != Topic.Moderation.PUBLISHED:
        raise ValidationError(_("该议题尚未公开，不能表示支持。"))
    if not state_has(topic, COLLECTING):
        raise ValidationError(_("该议题已不在征集阶段，不能再表示支持。"))
    if topic.raised_by_id == actor.pk:
        raise ValidationError(_("这是您提出的议题，不能再为它表示支持。"))
    if topic.supports.filter(user=actor).exists():
        raise ValidationError(_("您已经支持过这个议题，每人只能支持一次。"))
    flood = limits.hit("resident_support", account=actor.pk, address=current_ip.get())
    if flood:
        raise ValidationError(limits.wait_text(flood))
    try:
        with transaction.atomic():
            support = Support.objects.create(topic=topic, user=actor)
            Topic.objects.filter(pk=topic.pk).update(support_count=F("support_count") + 1)
            audit_record(actor=actor, action="consultations.topic_support", obj=topic)
    except IntegrityError:
        raise ValidationError(_("您已经支持过这个议题，每人只能支持一次。")) from None
    topic.support_count += 1
    return support


TOPIC_REPLY_ACTION = "consultations.topic"
TOPIC_REPLY_DAYS = timedelta(days=14)


def topic_sms_reply(user: User, topic_id: int, option: str) -> str:
    """A resident's SMS answer to a room's new topic (notifications.replies): 1 supports it, through the same
    service as the page (its permission, its once-only rule, its audit row)."""
    topic = Topic.objects.select_related("room", "state").filter(pk=topic_id).first()
    if topic is None:
        raise ValidationError(_("该议题已不存在。"))
    try:
        topic_support(actor=user, topic=topic)
    except PermissionDenied as exc:
        raise ValidationError(str(exc) or _("您不能支持这个议题。")) from exc
    return _("已支持议题“%(t)s”，目前共 %(n)d 人支持。") % {"t": topic.title, "n": topic.support_count}


def topic_sms_reply_options() -> dict[str, Any]:
    return {"1": lambda: _("支持")}


def topic_prepare(
    *, actor: User, topic: Topic, participants: Any, form: str, meeting_at: datetime | None = None
) -> Topic:
    """The convener picks the participants (the residents affected among them) and the form, then selects it."""
    require(actor, "consultations.prepare_topic", topic, NOT_PERMITTED)
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


def topic_transition(*, actor: User, topic: Topic, key: str, reason: str = "") -> WorkflowEvent:
    return workflow.transition(actor=actor, obj=topic, transition_key=key, reason=reason)


def topic_open_conversation(*, actor: User, topic: Topic, seed_statements: Any = ()) -> Any:
    from xieshang.deliberation.services import SystemActor, conversation_create

    require(actor, "consultations.open_conversation", topic, NOT_PERMITTED)
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


def room_follow(*, actor: User, room: Room, follow: bool = True) -> bool:
    require(actor, "consultations.follow_room", room, NOT_PERMITTED)
    with transaction.atomic():
        # The room's follow is the platform's one follow (notifications.follows): texts of new topics, and digests.
        if follow:
            notifications.follow(user=actor, obj=room)
        else:
            notifications.unfollow(user=actor, obj=room)
        audit_record(actor=actor, action="consultations.follow" if follow else "consultations.unfollow", obj=room)
    return follow

"""Community rooms (协商议事室): rooms, topics raised and supported by residents, prepared by the convener, and the
conversation opened on a topic."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from xieshang.accounts.selectors import roles_by_organization
from xieshang.audit.context import current_ip
from xieshang.audit.services import audit_record
from xieshang.core import limits
from xieshang.core.services import require
from xieshang.notifications import services as notifications
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
    topic = Topic(
        organization_id=room.organization_id, room=room, title=title, body=(body or "").strip(), raised_by=actor
    )
    with transaction.atomic():
        workflow.start(actor=actor, obj=topic, workflow_key=TOPIC_WORKFLOW["key"], organization=room.organization_id)
        search_wiring.index_topic(topic.pk)
        audit_record(actor=actor, action="consultations.topic_raise", obj=topic)
        # The convener is told at once; each follower too, up to his daily cap of such texts ("follower_sms" in
        # core.limits): past it the topic reaches him in his digest instead (issue #17: 437 SMS from ~35 topics).
        told = [room.convener]
        for follower in room_followers(room):
            if follower.pk == actor.pk:
                continue
            if limits.hit("follower_sms", recipient=follower.pk):
                following.topic_raised_for(room, topic, actor, only_for=follower)
            else:
                told.append(follower)
        notify(
            recipients=told,
            kind="consultations.topic_new",
            title=lambda: _("%(room)s有新议题：%(title)s") % {"room": room.name, "title": title},
            url=topic.get_absolute_url(),
            organization=room.organization_id,
        )
    return topic


def topic_support(*, actor: User, topic: Topic) -> Support:
    require(actor, "consultations.raise_topic", topic.room, NOT_PERMITTED)
    if not state_has(topic, COLLECTING):
        raise ValidationError(_("该议题已不在征集阶段，不能再表示支持。"))
    if topic.raised_by_id == actor.pk:
        raise ValidationError(_("这是您提出的议题，不能再为它表示支持。"))
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

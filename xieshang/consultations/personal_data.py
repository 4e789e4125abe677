"""What the consultations domain stores about a person, for the PIPL download and erasure (core.personal_data).

Erasure keeps the record and drops the person: a topic, a call entry, a live question or statement keeps its text
but is reassigned to the organization's "已注销用户" placeholder (the author columns are not nullable, and this app's
migrations are not ours to change: decision 0032), with his name and phone replaced inside the text. Supports and
ratings keep counting: they stay on his erased account, which no longer names anyone (their unique constraints allow
one row per account, so they cannot all move to the one placeholder). Room follows are the platform's follows now
(notifications.personal_data, removed on erasure); his seat among a topic's participants passes to the placeholder."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy

from xieshang.core.personal_data import Erased, Row, Source, register

from .models import Entry, EntrySupport, LiveMessage, Progress, Rating, Support, Topic


def _topics(user: Any) -> list[Row]:
    return [
        {
            "id": t.pk,
            "room": t.room.name,
            "title": t.title,
            "body": t.body,
            "raised_at": t.raised_at,
            "support_count": t.support_count,
        }
        for t in Topic.objects.filter(raised_by=user).select_related("room").order_by("raised_at", "pk")
    ]


def _erase_topics(user: Any, erased: Erased) -> int:
    from .search_wiring import index_topic

    changed = 0
    for topic in Topic.objects.filter(raised_by=user):
        topic.raised_by = erased.placeholder(topic.organization_id)
        topic.title = erased.scrub(topic.title)[:80]
        topic.body = erased.scrub(topic.body)
        topic.save(update_fields=["raised_by", "title", "body"])
        index_topic(topic.pk)  # the search index holds the text too: indexed again after the commit
        changed += 1
    for topic in Topic.objects.filter(participants=user):
        topic.participants.remove(user)
        topic.participants.add(erased.placeholder(topic.organization_id))
        changed += 1
    return changed


def _entries(user: Any) -> list[Row]:
    return [
        {
            "id": e.pk,
            "call": e.call.question,
            "text": e.text,
            "status": e.get_status_display(),
            "appeal": e.appeal,
            "created_at": e.created_at,
            "support_count": e.support_count,
        }
        for e in Entry.objects.filter(author=user).select_related("call").order_by("created_at", "pk")
    ]


def _erase_entries(user: Any, erased: Erased) -> int:
    changed = 0
    for entry in Entry.objects.filter(author=user).select_related("call"):
        entry.author = erased.placeholder(entry.call.organization_id)
        entry.text = erased.scrub(entry.text)
        entry.appeal = erased.scrub(entry.appeal)[:500]
        entry.save(update_fields=["author", "text", "appeal"])
        changed += 1
    return changed


def _live(user: Any) -> list[Row]:
    return [
        {
            "id": m.pk,
            "consultation": m.consultation.title,
            "kind": m.get_kind_display(),
            "text": m.text,
            "created_at": m.created_at,
        }
        for m in LiveMessage.objects.filter(author=user).select_related("consultation").order_by("pk")
    ]


def _erase_live(user: Any, erased: Erased) -> int:
    changed = 0
    for message in LiveMessage.objects.filter(author=user):
        message.author = erased.placeholder(message.organization_id)
        message.text = erased.scrub(message.text)
        message.save(update_fields=["author", "text"])
        changed += 1
    for progress in Progress.objects.filter(author=user):
        progress.author = None
        progress.text = erased.scrub(progress.text)
        progress.save(update_fields=["author", "text"])
        changed += 1
    return changed


def _supports(user: Any) -> list[Row]:
    rows: list[Row] = [
        {"kind": "topic", "target": s.topic.title, "created_at": s.created_at, "score": "", "comment": ""}
        for s in Support.objects.filter(user=user).select_related("topic").order_by("created_at", "pk")
    ]
    rows += [
        {"kind": "entry", "target": s.entry.text[:60], "created_at": s.created_at, "score": "", "comment": ""}
        for s in EntrySupport.objects.filter(user=user).select_related("entry").order_by("created_at", "pk")
    ]
    rows += [
        {
            "kind": "rating",
            "target": r.outcome.title,
            "created_at": r.created_at,
            "score": r.get_score_display(),
            "comment": r.comment,
        }
        for r in Rating.objects.filter(user=user).select_related("outcome").order_by("created_at", "pk")
    ]
    return rows


def _erase_supports(user: Any, erased: Erased) -> int:
    # The rows stay on the erased account (they keep counting); only a rating's comment may name him.
    changed = 0
    for rating in Rating.objects.filter(user=user).exclude(comment=""):
        scrubbed = erased.scrub(rating.comment)[:200]
        if scrubbed != rating.comment:
            rating.comment = scrubbed
            rating.save(update_fields=["comment"])
            changed += 1
    return changed


def register_sources() -> None:
    for source in (
        Source(
            key="room_topics",
            title=gettext_lazy("我提出的议事议题"),
            description=gettext_lazy("您在协商议事室提出的议题。删除后：议题内容保留，提出人显示为“已注销用户”。"),
            fields={
                "id": gettext_lazy("编号"),
                "room": gettext_lazy("议事室"),
                "title": gettext_lazy("议题"),
                "body": gettext_lazy("具体情况"),
                "raised_at": gettext_lazy("提出时间"),
                "support_count": gettext_lazy("支持人数"),
            },
            export=_topics,
            anonymize=_erase_topics,
            order=20,
        ),
        Source(
            key="call_entries",
            title=gettext_lazy("我的征集留言"),
            description=gettext_lazy("您对公开征集的留言。删除后：留言内容保留，作者显示为“已注销用户”。"),
            fields={
                "id": gettext_lazy("编号"),
                "call": gettext_lazy("征集问题"),
                "text": gettext_lazy("内容"),
                "status": gettext_lazy("状态"),
                "appeal": gettext_lazy("申诉理由"),
                "created_at": gettext_lazy("时间"),
                "support_count": gettext_lazy("支持人数"),
            },
            export=_entries,
            anonymize=_erase_entries,
            order=21,
        ),
        Source(
            key="live_messages",
            title=gettext_lazy("我在网络议政中的发言和提问"),
            description=gettext_lazy("您在协商直播页面的发言和提问。删除后：内容保留，发言人显示为“已注销用户”。"),
            fields={
                "id": gettext_lazy("编号"),
                "consultation": gettext_lazy("协商议题"),
                "kind": gettext_lazy("类型"),
                "text": gettext_lazy("内容"),
                "created_at": gettext_lazy("时间"),
            },
            export=_live,
            anonymize=_erase_live,
            order=22,
        ),
        Source(
            key="supports_and_ratings",
            title=gettext_lazy("我的支持和评价"),
            description=gettext_lazy("您支持的议题和留言、对协商成果的评价。删除后：仍计入人数，但不再与您关联。"),
            fields={
                "kind": gettext_lazy("类型"),
                "target": gettext_lazy("对象"),
                "created_at": gettext_lazy("时间"),
                "score": gettext_lazy("评价"),
                "comment": gettext_lazy("意见"),
            },
            export=_supports,
            anonymize=_erase_supports,
            order=23,
        ),
    ):
        register(source)

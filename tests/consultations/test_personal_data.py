"""The consultations' personal-data sources (decision 0032): the export holds the person's topics, entries, live
messages, supports and follows and nobody else's; erasure keeps the texts and the counts, drops his name and phone,
and a second run changes nothing."""

import datetime
import json

import pytest
from django.utils import timezone

from tests.factories import make_user
from xieshang.accounts.models import Role
from xieshang.accounts.personal_data import erase
from xieshang.consultations import services
from xieshang.consultations.models import Call, Entry, EntrySupport, LiveMessage, Support, Topic
from xieshang.core import personal_data
from xieshang.notifications.models import Follow
from xieshang.workflow.models import WorkflowEvent


def _source(key):
    return next(s for s in personal_data.sources() if s.key == key)


@pytest.fixture
def setting(organization, room, consultation, resident, neighbour):
    resident.name, resident.phone = "钱多多", "13911112222"
    resident.save()
    topic = services.topic_raise(
        actor=resident, room=room, title="小区门口路灯坏了", body="钱多多反映：路灯坏了三个月，电话13911112222。"
    )
    other_topic = services.topic_raise(actor=neighbour, room=room, title="垃圾分类点太远")
    services.topic_support(actor=resident, topic=other_topic)
    services.topic_support(actor=neighbour, topic=topic)
    services.room_follow(actor=resident, room=room)
    now = timezone.now()
    call = Call.objects.create(
        consultation=consultation,
        organization=organization,
        question="老旧小区改造，您最关心什么？",
        opens_at=now - datetime.timedelta(days=1),
        closes_at=now + datetime.timedelta(days=7),
    )
    entry = Entry.objects.create(call=call, author=resident, text="希望先加装电梯。", status=Entry.Status.PUBLISHED)
    other_entry = Entry.objects.create(call=call, author=neighbour, text="停车难。", status=Entry.Status.PUBLISHED)
    EntrySupport.objects.create(entry=other_entry, user=resident)
    LiveMessage.objects.create(
        consultation=consultation, author=resident, organization=organization, kind="question", text="何时开工？"
    )
    return {"topic": topic, "other_topic": other_topic, "entry": entry, "other_entry": other_entry}


def test_export_holds_his_rows_and_nobody_elses(setting, resident, neighbour, room):
    topics = _source("room_topics").export(resident)
    assert [t["title"] for t in topics] == ["小区门口路灯坏了"]
    assert [e["text"] for e in _source("call_entries").export(resident)] == ["希望先加装电梯。"]
    assert [m["text"] for m in _source("live_messages").export(resident)] == ["何时开工？"]
    supports = _source("supports_and_ratings").export(resident)
    assert sorted(s["kind"] for s in supports) == ["entry", "topic"]
    assert [f["target"] for f in _source("follows").export(resident)] == [room.name]
    assert [e["action"] for e in _source("workflow_events").export(resident)]
    dumped = json.dumps([s.export(resident) for s in personal_data.sources()], default=str, ensure_ascii=False)
    assert "垃圾分类点太远" not in [t["title"] for t in topics]
    assert "停车难。" not in [e["text"] for e in _source("call_entries").export(resident)]
    assert neighbour.name not in dumped


def test_erasure_keeps_texts_and_counts_drops_name_and_phone_and_is_idempotent(setting, resident, room):
    topic, other_topic = setting["topic"], setting["other_topic"]
    counts = (Support.objects.count(), EntrySupport.objects.count(), Topic.objects.count(), Entry.objects.count())
    first = erase(resident)
    assert first["room_topics"] == 1 and first["call_entries"] == 1 and first["live_messages"] == 1
    assert first["follows"] == 1

    topic.refresh_from_db()
    assert topic.raised_by_id != resident.pk
    assert str(topic.raised_by) == "已注销用户"
    assert topic.title == "小区门口路灯坏了"
    assert "路灯坏了三个月" in topic.body
    assert "钱多多" not in topic.body and "13911112222" not in topic.body
    entry = Entry.objects.get(pk=setting["entry"].pk)
    assert entry.text == "希望先加装电梯。" and entry.author_id == topic.raised_by_id
    message = LiveMessage.objects.get()
    assert message.text == "何时开工？" and message.author_id == topic.raised_by_id
    # Supports keep counting; the follow (an SMS subscription) is gone.
    assert (Support.objects.count(), EntrySupport.objects.count(), Topic.objects.count(), Entry.objects.count()) == (
        counts
    )
    other_topic.refresh_from_db()
    assert other_topic.supports.count() == 1 and other_topic.support_count == 1
    assert not Follow.objects.filter(object_id=room.pk, user=resident).exists()
    resident.refresh_from_db()
    for row in Topic.objects.values("title", "body", "raised_by__name", "raised_by__phone", "raised_by__username"):
        assert "钱多多" not in json.dumps(row, ensure_ascii=False)
        assert "13911112222" not in json.dumps(row, ensure_ascii=False)

    # The workflow's record of his "创建" stays, by the placeholder.
    events = WorkflowEvent.objects.filter(object_id=topic.pk, content_type__model="topic")
    assert first["workflow_events"] >= 1
    assert set(events.values_list("actor_name", flat=True)) == {"已注销用户"}
    assert not WorkflowEvent.objects.filter(actor_id=resident.pk).exists()

    assert all(n == 0 for n in erase(resident).values())
    topic.refresh_from_db()
    assert topic.title == "小区门口路灯坏了"


def test_each_organization_has_one_placeholder(setting, resident, neighbour):
    erase(resident)
    erase(neighbour)
    authors = set(Topic.objects.values_list("raised_by_id", flat=True))
    assert len(authors) == 1
    placeholder = Topic.objects.first().raised_by
    assert not placeholder.is_active and not placeholder.has_usable_password() and not placeholder.phone


def test_a_bystander_keeps_his_rows(setting, resident, neighbour):
    erase(resident)
    assert setting["other_topic"].__class__.objects.get(pk=setting["other_topic"].pk).raised_by_id == neighbour.pk
    assert Entry.objects.get(pk=setting["other_entry"].pk).author_id == neighbour.pk
    assert Support.objects.filter(user=neighbour).count() == 1


def test_member_participants_pass_to_the_placeholder(setting, organization, resident):
    topic = setting["topic"]
    member = make_user(Role.MEMBER, organization)
    topic.participants.add(resident, member)
    erase(resident)
    names = sorted(str(u) for u in topic.participants.all())
    assert names == sorted([str(member), "已注销用户"])

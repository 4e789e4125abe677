"""The one moderation queue (decision 0040): call entries, room topics and opinion-map statements wait side by side
for committee staff; a decision goes through each kind's own service (its permission, its audit row, its notice);
reasons come from the office's list and the moderator's words; the blocklist holds what it catches under
post-moderation too; limits per account and per client address on every resident write; an opinion map attached to a
call goes into its summary; a room's new topic can be supported by SMS reply."""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings

from tests.factories import make_user
from xieshang.accounts.models import Role
from xieshang.audit.context import current_ip
from xieshang.audit.models import AuditEntry
from xieshang.consultations import services
from xieshang.consultations.models import Call, Entry, Material, Support, Topic
from xieshang.deliberation import services as deliberation
from xieshang.deliberation.models import Statement
from xieshang.moderation import registry, selectors
from xieshang.moderation import services as moderation
from xieshang.moderation.models import Reason
from xieshang.notifications import inbound
from xieshang.notifications.models import InboundSms, Notification, SmsMessage, SmsPrompt

from .test_calls import open_call


@pytest.fixture
def reason(organization):
    return Reason.objects.create(organization=organization, text="与征集或议题无关", text_en="Not about the question")


@pytest.fixture
def conversation(staff, organization):
    return deliberation.conversation_create(
        actor=staff, organization=organization, title="小区停车怎么管", seed_statements=["车位先给本小区住户"]
    )


def _keys(user, organization):
    return {(i.kind.key, i.obj.pk) for i in selectors.queue(user, organization)}


def test_one_queue_holds_every_kind_and_only_staff_see_it(
    staff, resident, organization, consultation, room, conversation
):
    moderation.blocklist_save(actor=staff, organization=organization, words="赌博")
    call = open_call(staff, consultation, moderation="post")
    entry = services.entry_submit(actor=resident, call=call, text="小区里有人聚众赌博，请管一管")
    topic = services.topic_raise(actor=resident, room=room, title="门口赌博摊点")
    statement = deliberation.statement_submit(actor=resident, conversation=conversation, text="赌博摊点要清理")
    clean = services.topic_raise(actor=resident, room=room, title="加装路灯")
    # Under post-moderation the blocklist holds what it catches; the clean topic is out at once.
    assert entry.status == Entry.Status.PENDING and entry.flagged == "赌博"
    assert topic.status == Topic.Moderation.PENDING and clean.status == Topic.Moderation.PUBLISHED
    assert statement.flagged == "赌博" and not statement.is_visible()
    assert _keys(staff, organization) == {
        ("consultations.entry", entry.pk),
        ("consultations.topic", topic.pk),
        ("deliberation.statement", statement.pk),
    }
    assert {k.key: n for k, n in selectors.counts(staff, organization)} == {
        "consultations.entry": 1,
        "consultations.topic": 1,
        "deliberation.statement": 1,
        "consultations.question": 0,  # the live questions: none asked
    }
    assert selectors.queue(resident, organization) == [] and selectors.counts(resident, organization) == []
    assert not registry.may_moderate_any(resident, organization) and registry.may_moderate_any(staff, organization)
    # The held topic is not on the room's public list, but its author sees it.
    from xieshang.consultations import selectors as consultation_selectors

    assert topic not in consultation_selectors.public_topics(room)
    assert topic in consultation_selectors.topics_for_room(room, resident)


def test_a_rejection_carries_the_chosen_reason_and_own_words_and_leaves_one_audit_row(
    staff, resident, organization, consultation, reason
):
    call = open_call(staff, consultation)
    entry = services.entry_submit(actor=resident, call=call, text="这条意见与小区改造无关的内容")
    with pytest.raises(ValidationError):  # no reason at all: refused, nothing changed
        moderation.decide(actor=staff, key="consultations.entry", pk=entry.pk, decision="reject")
    assert Entry.objects.get(pk=entry.pk).status == Entry.Status.PENDING
    moderation.decide(
        actor=staff, key="consultations.entry", pk=entry.pk, decision="reject", reason=reason, text="请写在别的栏目"
    )
    entry.refresh_from_db()
    assert entry.status == Entry.Status.REJECTED and entry.reason == "与征集或议题无关：请写在别的栏目"
    rows = AuditEntry.objects.filter(action="consultations.entry_reject", object_id=str(entry.pk))
    assert rows.count() == 1 and rows.get().detail["reason"] == entry.reason
    assert "与征集或议题无关" in Notification.objects.get(recipient=resident).title
    # A second decision on the same entry (someone else was quicker): refused, no second audit row.
    with pytest.raises(ValidationError, match="已由他人处理"):
        moderation.decide(actor=staff, key="consultations.entry", pk=entry.pk, decision="approve")
    assert AuditEntry.objects.filter(action__startswith="consultations.entry_", object_id=str(entry.pk)).count() == 2


def test_a_resident_cannot_decide_and_nothing_changes(staff, resident, neighbour, organization, room):
    moderation.mode_save(actor=staff, organization=organization, key="consultations.topic", mode="pre")
    topic = services.topic_raise(actor=resident, room=room, title="楼道堆物清理")
    assert topic.status == Topic.Moderation.PENDING
    with pytest.raises(PermissionDenied):
        moderation.decide(actor=neighbour, key="consultations.topic", pk=topic.pk, decision="approve")
    with pytest.raises(PermissionDenied):
        moderation.mode_save(actor=resident, organization=organization, key="consultations.topic", mode="post")
    assert Topic.objects.get(pk=topic.pk).status == Topic.Moderation.PENDING
    assert AuditEntry.objects.filter(action="moderation.mode_save").count() == 1


def test_approving_a_held_topic_publishes_and_announces_it_with_an_sms_reply_code(
    staff, resident, neighbour, organization, room
):
    neighbour.phone = "13800000021"
    neighbour.save(update_fields=["phone"])
    services.room_follow(actor=neighbour, room=room, follow=True)
    moderation.mode_save(actor=staff, organization=organization, key="consultations.topic", mode="pre")
    topic = services.topic_raise(actor=resident, room=room, title="小区加装充电桩")
    assert not SmsPrompt.objects.filter(action="consultations.topic").exists()  # held: nobody told yet
    moderation.decide(actor=staff, key="consultations.topic", pk=topic.pk, decision="approve")
    topic.refresh_from_db()
    assert topic.status == Topic.Moderation.PUBLISHED and topic.moderated_by == staff
    assert AuditEntry.objects.filter(action="consultations.topic_approve", object_id=str(topic.pk)).count() == 1
    prompt = SmsPrompt.objects.get(user=neighbour, action="consultations.topic", object_id=topic.pk)
    assert f"回复{prompt.code}1支持" in SmsMessage.objects.get(pk=prompt.message_id).text

    # The neighbour answers by SMS: the support is recorded once, through the page's service; a repeat does nothing.
    row = inbound.receive(provider_id="t-1", phone=neighbour.phone, text=f"{prompt.code}1")
    assert row.result == InboundSms.Result.DONE and "小区加装充电桩" in row.detail
    again = inbound.receive(provider_id="t-2", phone=neighbour.phone, text=f"{prompt.code}1")
    assert again.result != InboundSms.Result.DONE
    assert Support.objects.filter(topic=topic, user=neighbour).count() == 1
    assert Topic.objects.get(pk=topic.pk).support_count == 1
    assert AuditEntry.objects.filter(action="consultations.topic_support", object_id=str(topic.pk)).count() == 1


def test_simple_kinds_register_in_a_few_lines_and_decide_with_an_audit_row(staff, resident, organization, conversation):
    """What a live-question model (status/reason/moderated_by/moderated_at) writes to join the queue; proven here on
    the statement model, which has those fields."""
    from xieshang.deliberation.rules import is_deliberation_staff

    kind = registry.Kind(
        key="test.statement",
        label="观点",
        model="deliberation.statement",
        pending=lambda user, org: Statement.objects.filter(conversation__organization=org, status="pending"),
        decide=registry.simple_decide(
            key="test.statement",
            model="deliberation.statement",
            may_decide=lambda user, s: is_deliberation_staff(user, s.conversation.organization),
            organization=lambda s: s.conversation.organization_id,
        ),
        where=lambda s: (s.conversation.title, "/"),
        may_moderate=lambda user, org: is_deliberation_staff(user, org),
    )
    registry.register(kind)
    try:
        statement = deliberation.statement_submit(actor=resident, conversation=conversation, text="先划定访客车位")
        with pytest.raises(PermissionDenied):
            moderation.decide(actor=resident, key="test.statement", pk=statement.pk, decision="approve")
        moderation.decide(actor=staff, key="test.statement", pk=statement.pk, decision="reject", text="重复观点")
        statement.refresh_from_db()
        assert statement.status == "rejected" and statement.reason == "重复观点" and statement.moderated_by == staff
        assert AuditEntry.objects.filter(action="test.statement_reject", object_id=str(statement.pk)).count() == 1
        with pytest.raises(ValidationError):
            moderation.decide(actor=staff, key="test.statement", pk=statement.pk, decision="approve")
    finally:
        registry._registry.pop("test.statement")


@override_settings(XIESHANG_ABUSE_LIMITS={"resident_post": {"account": [(5, 3600)], "address": [(3, 3600)]}})
def test_a_flood_from_one_address_is_refused_with_a_clear_answer_and_nothing_written(
    staff, organization, consultation, conversation
):
    call = open_call(staff, consultation, moderation="post")
    people = [make_user(Role.CITIZEN, organization, username=f"flood{i}") for i in range(5)]
    token = current_ip.set("203.0.113.9")
    try:
        for person in people[:3]:
            services.entry_submit(actor=person, call=call, text="同一个地址发来的意见内容")
        with pytest.raises(ValidationError, match="稍后|分钟|小时"):
            services.entry_submit(actor=people[3], call=call, text="同一个地址发来的第四条意见")
        with pytest.raises(ValidationError):
            deliberation.statement_submit(actor=people[4], conversation=conversation, text="同地址的观点")
    finally:
        current_ip.reset(token)
    assert Entry.objects.filter(call=call).count() == 3
    assert not Statement.objects.filter(text="同地址的观点").exists()
    # Another address is not held back by this one.
    token = current_ip.set("198.51.100.7")
    try:
        services.entry_submit(actor=people[4], call=call, text="另一个地址发来的意见内容")
    finally:
        current_ip.reset(token)
    assert Entry.objects.filter(call=call).count() == 4


@override_settings(XIESHANG_ABUSE_LIMITS={"resident_support": {"account": [(1, 3600)], "address": [(50, 3600)]}})
def test_supports_are_limited_per_account(staff, resident, neighbour, organization, room):
    first = services.topic_raise(actor=resident, room=room, title="修缮健身器材")
    second = services.topic_raise(actor=resident, room=room, title="增设快递柜")
    services.topic_support(actor=neighbour, topic=first)
    with pytest.raises(ValidationError):
        services.topic_support(actor=neighbour, topic=second)
    assert Support.objects.filter(user=neighbour).count() == 1


def _two_camps(staff, organization):
    """A conversation whose votes split into two planted groups, with one statement ("观点 0") all agree with."""
    from tests.deliberation.factories import ConversationFactory, planted

    conv = ConversationFactory(organization=organization, title="老旧小区改造意见地图")
    planted(conv)
    deliberation.map_compute(conv.pk)
    return conv


def test_an_opinion_map_attached_to_a_call_goes_into_its_summary(staff, resident, organization, consultation):
    from docx import Document

    call = open_call(staff, consultation, moderation="post")
    conv = _two_camps(staff, organization)
    with pytest.raises(PermissionDenied):
        services.call_map_attach(actor=resident, call=call, conversation=conv)
    services.call_map_attach(actor=staff, call=call, conversation=conv)
    assert Call.objects.get(pk=call.pk).conversation == conv
    assert AuditEntry.objects.filter(action="consultations.call_map").count() == 1
    material = services.call_summary_attach(actor=staff, call=Call.objects.get(pk=call.pk))
    text = "\n".join(p.text for p in Document(io.BytesIO(Material.objects.get(pk=material.pk).file.read())).paragraphs)
    assert "意见地图：老旧小区改造意见地图" in text
    assert "群组 A" in text and "群组 B" in text
    assert "普遍赞同：观点 0" in text

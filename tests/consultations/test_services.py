"""Services: bad input refused with the message beside the field, nothing half-saved; notices on the working-day
schedule, sent once; check-in by signed, expiring code credits the duty record; rooms to 办实事."""

import datetime

import pytest
import rules
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.factories import make_user
from xieshang.accounts.models import Role
from xieshang.consultations import selectors, services
from xieshang.consultations.models import Dispatch, Invitation, Rating, Support, Topic
from xieshang.duties.models import DutyEntry
from xieshang.notifications.models import Notification
from xieshang.workflow.calendar import add_working_days, working_days_between

from .conftest import advance, starting_in


def test_online_consultation_has_no_venue_and_needs_a_link(organization, staff, future):
    with pytest.raises(ValidationError) as exc:
        services.consultation_create(
            actor=staff, organization=organization, kind="online", title="网络议政", planned_date=future, venue="会议室"
        )
    assert set(exc.value.message_dict) == {"venue", "video_link"}


def test_cross_region_needs_a_co_host(organization, staff, future):
    with pytest.raises(ValidationError) as exc:
        services.consultation_create(
            actor=staff, organization=organization, kind="cross_region", title="跨区域", planned_date=future
        )
    assert "hosts" in exc.value.message_dict


def test_notices_fall_due_15_and_10_working_days_ahead_and_are_sent_once(consultation, staff, leader, member):
    services.invite(actor=staff, consultation=consultation, users=[member])
    c = advance({"propose": staff, "approve": staff}, consultation, "propose", "approve")
    notice = Dispatch.objects.get(consultation=c, kind="notice")
    materials = Dispatch.objects.get(consultation=c, kind="materials")
    assert working_days_between(notice.due_on, c.planned_date) == 15
    assert working_days_between(materials.due_on, c.planned_date) == 10
    assert services.send_due_dispatches(notice.due_on - datetime.timedelta(days=1)) == 0
    assert services.send_due_dispatches(notice.due_on) == 1
    assert services.send_due_dispatches(notice.due_on) == 0
    assert Notification.objects.filter(recipient=member, kind="consultations.notice").count() == 1
    # The materials wait until there is something to send; then they go on the next daily run.
    assert services.send_due_dispatches(materials.due_on) == 0
    services.material_add(
        actor=staff, consultation=c, title="调研报告", upload=SimpleUploadedFile("报告.pdf", b"%PDF-1.4 ...")
    )
    assert services.send_due_dispatches(materials.due_on + datetime.timedelta(days=1)) == 1
    sent = Notification.objects.get(recipient=member, kind="consultations.materials")
    assert "调研报告" in sent.body
    notice.refresh_from_db()
    assert notice.sent_at and notice.recipients == 1


def test_minutes_due_seven_working_days_after_the_meeting(consultation, staff, leader):
    c = advance({"propose": staff, "approve": staff, "hold": staff}, consultation, "propose", "approve", "hold")
    assert c.due_on == add_working_days(timezone.localdate(c.state_entered_at), 7)
    from xieshang.workflow.exceptions import ConditionFailed

    with pytest.raises(ConditionFailed):
        advance({"report_minutes": staff}, c, "report_minutes")
    services.minutes_save(actor=staff, consultation=c, minutes="纪要正文")
    c = advance({"report_minutes": staff}, c, "report_minutes")
    assert c.minutes_sent_at is not None


def test_check_in_credits_the_duty_record_once(consultation, staff, leader, member):
    services.invite(actor=staff, consultation=consultation, users=[member])
    c = advance({"propose": staff, "approve": staff}, consultation, "propose", "approve")
    token = services.checkin_token(starting_in(c, 30))
    services.check_in(actor=member, token=token)
    services.check_in(actor=member, token=token)
    entries = DutyEntry.objects.filter(member=member, rule_key="consultation_attendance")
    assert entries.count() == 1 and entries.get().points == 2


def test_check_in_refuses_expired_foreign_and_forged_codes(consultation, staff, leader, member, organization, future):
    services.invite(actor=staff, consultation=consultation, users=[member])
    c = advance({"propose": staff, "approve": staff}, consultation, "propose", "approve")
    other = services.consultation_create(
        actor=staff, organization=organization, kind="round_table", title="另一场", planned_date=future, venue="会议室"
    )
    other = advance({"propose": staff, "approve": staff}, other, "propose", "approve")
    with pytest.raises(ValidationError, match="不在本次协商活动的邀请名单"):
        services.check_in(actor=member, token=services.checkin_token(other))
    with pytest.raises(ValidationError, match="签到码无效"):
        services.check_in(actor=member, token=services.checkin_token(c) + "x")
    old = signing.TimestampSigner(salt=services.CHECKIN_SALT)
    old.timestamp = lambda: signing.b62_encode(int(__import__("time").time()) - 13 * 3600)
    with pytest.raises(ValidationError, match="已过期"):
        services.check_in(actor=member, token=old.sign(str(c.pk)))
    assert not Invitation.objects.filter(user=member, checked_in_at__isnull=False).exists()
    assert not DutyEntry.objects.filter(member=member).exists()


def test_a_topic_needs_a_title_and_nothing_is_saved(room, resident):
    with pytest.raises(ValidationError) as exc:
        services.topic_raise(actor=resident, room=room, title="  ", body="说明")
    assert "title" in exc.value.message_dict
    assert not Topic.objects.exists()


def test_one_support_per_person(room, resident, neighbour):
    topic = services.topic_raise(actor=resident, room=room, title="路灯不亮")
    services.topic_support(actor=neighbour, topic=topic)
    with pytest.raises(ValidationError, match="已经支持过"):
        services.topic_support(actor=neighbour, topic=topic)
    assert Support.objects.filter(topic=topic).count() == 1
    assert Topic.objects.get(pk=topic.pk).support_count == 1


def test_the_resident_who_raised_a_topic_cannot_support_it(room, resident):
    topic = services.topic_raise(actor=resident, room=room, title="路灯不亮")
    assert not rules.has_perm("consultations.support_topic", resident, topic)
    with pytest.raises(ValidationError, match="您提出的议题"):
        services.topic_support(actor=resident, topic=topic)
    assert Topic.objects.get(pk=topic.pk).support_count == 0 and not Support.objects.exists()


def test_outsiders_cannot_raise_topics(room, other_organization):
    with pytest.raises(PermissionDenied):
        services.topic_raise(actor=make_user(Role.CITIZEN, other_organization), room=room, title="x")


def _done_room_topic(room, convener, resident, officer, unit):
    topic = services.topic_raise(actor=resident, room=room, title="路灯不亮")
    services.topic_prepare(actor=convener, topic=topic, participants=[resident], form="online")
    topic = advance({"hold": convener}, topic, "hold")
    outcome = services.topic_outcome_add(actor=convener, topic=topic, title="修路灯", owner_unit=unit)
    topic = advance({"agree": convener}, topic, "agree")
    outcome = advance({"send": convener, "adopt": officer, "implement": officer}, outcome, "send", "adopt", "implement")
    return topic, outcome


def test_rating_only_when_done_and_once(room, convener, resident, neighbour, officer, unit):
    topic, outcome = _done_room_topic(room, convener, resident, officer, unit)
    with pytest.raises(ValidationError, match="尚未落实完成"):
        services.outcome_rate(actor=neighbour, outcome=outcome, score=3)
    services.progress_add(actor=officer, outcome=outcome, text="已修好", percent=100)
    outcome = advance({"complete": officer}, outcome, "complete")
    services.outcome_rate(actor=neighbour, outcome=outcome, score=3)
    with pytest.raises(ValidationError, match="只能评价一次"):
        services.outcome_rate(actor=neighbour, outcome=outcome, score=1)
    assert Rating.objects.filter(outcome=outcome).count() == 1
    topic = advance({"finish": convener}, topic, "finish")
    assert selectors.practical_matters_done(room.organization) == 1


def test_followers_hear_of_new_topics(room, resident, neighbour):
    services.room_follow(actor=neighbour, room=room)
    services.topic_raise(actor=resident, room=room, title="楼道堆物")
    assert Notification.objects.filter(recipient=neighbour, kind="consultations.topic_new").exists()


def test_room_conversation_is_owned_by_the_topic(room, convener, resident):
    topic = services.topic_raise(actor=resident, room=room, title="加装电梯")
    services.topic_prepare(
        actor=convener,
        topic=topic,
        participants=[resident],
        form="both",
        meeting_at=__import__("django.utils.timezone").utils.timezone.now(),
    )
    topic = Topic.objects.get(pk=topic.pk)
    conversation = services.topic_open_conversation(actor=convener, topic=topic, seed_statements=["先征求意见"])
    assert conversation.owner == topic and conversation.statements.count() == 1


def test_overdue_minutes_are_escalated_to_host_staff_and_leaders(consultation, staff, leader):
    from xieshang.workflow.reminders import send_due_reminders

    c = advance({"propose": staff, "approve": staff, "hold": staff}, consultation, "propose", "approve", "hold")
    report = send_due_reminders(add_working_days(c.due_on, 1))
    assert report.overdue == 1, report
    for person in (staff, leader):
        assert Notification.objects.filter(recipient=person, kind="workflow.consultation.overdue").exists()
    c.refresh_from_db()
    assert c.overdue


@pytest.fixture
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _docx_bytes() -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def test_materials_are_checked_by_content_and_nothing_half_saved(consultation, staff, member, _media):
    from xieshang.consultations.models import Material

    refused = (
        ("议程.pdf", b"<html><script>alert(1)</script>", "内容不是 PDF"),
        ("run.docx", b"MZ\x90\x00 executable", "内容不是 DOCX"),
        ("报告.docx", b"PK\x03\x04 any zip, not Word", "内容不是 DOCX"),
        ("tool.exe", b"%PDF-1.4 disguised", "不受支持"),
    )
    for name, data, message in refused:
        with pytest.raises(ValidationError, match=message):
            services.material_add(
                actor=staff, consultation=consultation, title="材料", upload=SimpleUploadedFile(name, data)
            )
    with pytest.raises(ValidationError) as exc:
        services.material_add(actor=staff, consultation=consultation, title=" ", upload=None)
    assert set(exc.value.message_dict) == {"title", "file"}
    with pytest.raises(PermissionDenied):
        services.material_add(
            actor=member, consultation=consultation, title="x", upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4")
        )
    assert not Material.objects.exists() and not [p for p in _media.rglob("*") if p.is_file()]
    docx = services.material_add(
        actor=staff,
        consultation=consultation,
        title="调研报告",
        upload=SimpleUploadedFile("调研报告.docx", _docx_bytes()),
    )
    assert docx.filename == "调研报告.docx" and docx.file.name.endswith(".docx") and "调研" not in docx.file.name


def test_milestones_are_reminded_once_before_and_once_when_missed(consultation, staff, leader, unit, officer):
    c = advance({"propose": staff, "approve": staff, "hold": staff}, consultation, "propose", "approve", "hold")
    outcome = services.recommendation_add(actor=staff, consultation=c, title="建立长效机制", owner_unit=unit)
    outcome = advance({"send": staff, "adopt": officer, "implement": officer}, outcome, "send", "adopt", "implement")
    today = datetime.date.today()
    due = add_working_days(today, 6)
    services.progress_add(
        actor=officer, outcome=outcome, text="方案已印发", percent=30, milestone="完成试点", milestone_due=due
    )

    def told(person, kind):
        return Notification.objects.filter(recipient=person, kind=f"consultations.{kind}").count()

    assert services.send_milestone_reminders(today) == 0
    assert services.send_milestone_reminders(add_working_days(due, -3)) == 1
    assert services.send_milestone_reminders(add_working_days(due, -2)) == 0
    assert (told(officer, "milestone_due"), told(staff, "milestone_due")) == (1, 0)
    late = due + datetime.timedelta(days=1)
    assert services.send_milestone_reminders(late) == 1
    assert services.send_milestone_reminders(late) == 0
    assert told(officer, "milestone_overdue") == 1 and told(staff, "milestone_overdue") == 1
    # Each is told his own part: the owner to report progress, staff to follow it up (issue #11, item 6).
    owner_text = Notification.objects.get(recipient=officer, kind="consultations.milestone_overdue").body
    staff_text = Notification.objects.get(recipient=staff, kind="consultations.milestone_overdue").body
    assert "请及时报告落实进展" in owner_text and "请督促" not in owner_text
    assert "请督促" in staff_text and "请及时报告落实进展" not in staff_text
    # A later report without a milestone replaces it: nothing more is said about the old one.
    other = services.recommendation_add(actor=staff, consultation=c, title="另一项", owner_unit=unit)
    other = advance({"send": staff, "adopt": officer}, other, "send", "adopt")
    services.progress_add(actor=officer, outcome=other, text="a", milestone="节点", milestone_due=due)
    services.progress_add(actor=officer, outcome=other, text="节点已提前完成", percent=60)
    assert services.send_milestone_reminders(late) == 0


def test_a_room_topic_carried_out_enters_the_ledger_of_matters_done(room, convener, resident, officer, unit):
    from xieshang.registers.models import Matter

    topic, outcome = _done_room_topic(room, convener, resident, officer, unit)
    services.progress_add(actor=officer, outcome=outcome, text="已修好", percent=100)
    advance({"complete": officer}, outcome, "complete")
    assert not Matter.objects.exists()
    topic = advance({"finish": convener}, topic, "finish")
    matter = Matter.objects.get()
    assert (matter.source, matter.title, matter.place) == ("room", "路灯不亮", room.name)
    assert matter.source_url == topic.get_absolute_url() and matter.done_on == timezone.localdate(topic.done_at)

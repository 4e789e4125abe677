"""Members' studios: reception days booked by residents (SMS confirmation), their issues turned by a member on duty
into a room topic, an opinion report or a proposal draft (issue #13)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.factories import CommunityFactory, make_user
from xieshang.accounts.models import Role
from xieshang.activities import selectors, services
from xieshang.activities.models import Activity, Booking, Participation
from xieshang.consultations import services as consultation_services
from xieshang.consultations.models import Topic
from xieshang.notifications.models import SmsMessage
from xieshang.opinions.models import Report
from xieshang.proposals.models import Proposal


@pytest.fixture
def studio(staff, organization, member):
    return services.studio_create(
        actor=staff,
        organization=organization,
        name="金水区委员工作室",
        place="金水区文化路街道党群服务中心",
        members=[member],
    )


@pytest.fixture
def reception(staff, studio, member):
    starts = timezone.localtime().replace(minute=0, second=0, microsecond=0) + datetime.timedelta(days=2)
    return services.reception_schedule(
        actor=staff,
        studio=studio,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
        on_duty=[member],
        slot_minutes=30,
        per_slot=1,
    )


@pytest.fixture
def resident(organization):
    return make_user(Role.CITIZEN, organization, username="resident", name="周居民", phone="13900000009")


def test_a_reception_day_is_a_published_studio_activity(reception, member):
    activity = reception.activity
    assert activity.kind.key == "studio" and activity.state == Activity.State.OPEN
    assert list(activity.participations.values_list("member_id", flat=True)) == [member.pk]
    assert len(selectors.slots_of(reception)) == 4


def test_a_resident_books_a_slot_and_gets_an_sms(reception, resident):
    slot = selectors.slots_of(reception)[1]
    booking = services.booking_make(actor=resident, reception=reception, slot_at=slot, subject="小区加装电梯")
    assert booking.status == Booking.Status.BOOKED
    sms = SmsMessage.objects.get(phone="13900000009")
    assert "预约成功" in sms.text
    assert dict(selectors.slot_table(reception))[slot] == 0


def test_a_full_slot_a_second_booking_and_a_bad_slot_are_refused(reception, resident, organization):
    slots = selectors.slots_of(reception)
    services.booking_make(actor=resident, reception=reception, slot_at=slots[0], subject="停车难")
    neighbour = make_user(Role.CITIZEN, organization, username="neighbour")
    with pytest.raises(ValidationError, match="约满"):
        services.booking_make(actor=neighbour, reception=reception, slot_at=slots[0], subject="停车难")
    with pytest.raises(ValidationError, match="已预约"):
        services.booking_make(actor=resident, reception=reception, slot_at=slots[1], subject="噪音")
    with pytest.raises(ValidationError) as exc:
        services.booking_make(
            actor=neighbour, reception=reception, slot_at=slots[0] + datetime.timedelta(minutes=7), subject="噪音"
        )
    assert "slot_at" in exc.value.message_dict
    assert Booking.objects.count() == 1


def test_only_residents_book(reception, member):
    with pytest.raises(PermissionDenied):
        services.booking_make(
            actor=member, reception=reception, slot_at=selectors.slots_of(reception)[0], subject="停车难"
        )


def test_issues_turn_into_a_topic_a_report_and_a_proposal(reception, staff, member, resident, organization):
    booking = services.booking_make(
        actor=resident, reception=reception, slot_at=selectors.slots_of(reception)[0], subject="小区加装电梯"
    )
    body = "文化路一号院建于上世纪九十年代，六层无电梯，老年住户占一半以上，希望统一协调加装电梯的资金分摊和审批手续。"
    issues = [
        services.issue_record(actor=member, reception=reception, title=title, text=body, booking=booking)
        for title in ("老旧小区加装电梯", "背街小巷路灯不亮", "社区养老服务点不足")
    ]
    convener = make_user(Role.CITIZEN, organization, username="convener")
    room = consultation_services.room_create(
        actor=staff, community=CommunityFactory(organization=organization), convener=convener
    )
    topic = services.issue_turn(actor=member, issue=issues[0], into="topic", room=room)
    report = services.issue_turn(actor=member, issue=issues[1], into="report")
    proposal = services.issue_turn(actor=member, issue=issues[2], into="proposal")
    assert isinstance(topic, Topic) and isinstance(report, Report) and isinstance(proposal, Proposal)
    assert [i.linked for i in selectors.issues_of(reception)] == [topic, report, proposal]
    assert issues[0].raised_by == "周居民" and proposal.submitter == member
    with pytest.raises(ValidationError, match="已转办"):
        services.issue_turn(actor=member, issue=issues[0], into="report")
    assert Topic.objects.count() == 1 and Report.objects.count() == 1


def test_only_members_on_duty_turn_issues(reception, staff, member, member_b):
    issue = services.issue_record(actor=staff, reception=reception, title="路灯不亮")
    with pytest.raises(PermissionDenied):
        services.issue_turn(actor=member_b, issue=issue, into="proposal")
    with pytest.raises(PermissionDenied):
        services.issue_record(actor=member_b, reception=reception, title="路灯不亮")


def test_members_on_duty_are_credited_as_for_any_activity(reception, staff, member):
    from tests.activities.conftest import shift

    shift(reception.activity, datetime.timedelta(minutes=-10))
    participation = Participation.objects.get(activity=reception.activity, member=member)
    services.attendance_record(actor=staff, participation=participation, attended=True)
    from xieshang.duties.models import DutyEntry

    assert DutyEntry.objects.get(member=member).rule_key == "activity_studio"
